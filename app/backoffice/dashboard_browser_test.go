package backoffice_test

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var screenshot = flag.String("screenshot", "", "write the dashboard screenshot to this PNG file (make screenshots: docs/screenshots/dashboard.png)")

// chromium finds Debian's chromium, or skips with the way to get it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; .ci/deps hq installs it for make test")
	}
	t.Skip("chromium is not installed: apt-get install chromium (or make deps-hq) to run the dashboard browser test")
	return ""
}

// TestDashboardInChromium loads the dashboard in headless Chromium over
// HTTP, checks what a person would see (tiles, chart bars, the register
// table with its flagged and unreported cells) and takes a screenshot.
func TestDashboardInChromium(t *testing.T) {
	t.Parallel()
	bin := chromium(t)
	d := newDemoHeadOffice(t)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()

	if err := chromedp.Do(ctx,
		chromedp.Navigate(d.ts.URL+"/dashboard"),
		chromedp.WaitVisible(chromedp.CSS("#hourly-chart")),
	); err != nil {
		t.Fatal(err)
	}
	must := func(s string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	title := must(chromedp.Run(ctx, chromedp.Title()))
	salesToday := must(chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#sales-today"))))
	regRows := must(chromedp.Run(ctx, chromedp.Evaluate[string](`String(document.querySelectorAll("#registers tbody tr").length)`)))
	bars := must(chromedp.Run(ctx, chromedp.Evaluate[string](`String(document.querySelectorAll("#hourly-chart rect").length)`)))
	berRow := must(chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`tr[data-register="ber-1"]`))))
	hamRow := must(chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`tr[data-register="ham-1"]`))))
	// The registers table fits its card at 1280 px: nothing clipped or
	// hidden behind a scroll bar.
	overflow := must(chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const w = document.querySelector("#registers").parentElement; return String(w.scrollWidth - w.clientWidth) })()`)))
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if title != "Till head office: dashboard" {
		t.Errorf("title %q", title)
	}
	if salesToday != strconv.Itoa(d.total) {
		t.Errorf("sales today shows %q, want %d", salesToday, d.total)
	}
	if regRows != "5" {
		t.Errorf("%s register rows, want 5", regRows)
	}
	if n, _ := strconv.Atoi(bars); n < 30 {
		t.Errorf("%s bars in the chart", bars)
	}
	for _, s := range []string{"1.4.2", "printer ok", "99.1 %"} {
		if !strings.Contains(berRow, s) {
			t.Errorf("ber-1 row %q lacks %q", berRow, s)
		}
	}
	if !strings.Contains(hamRow, "1 rejected") || !strings.Contains(hamRow, "not reported") {
		t.Errorf("ham-1 row %q: want the rejection flagged and unreported health", hamRow)
	}
	if overflow != "0" {
		t.Errorf("registers table is %s px wider than its card at 1280 px", overflow)
	}
	if len(png) < 10_000 {
		t.Errorf("screenshot is only %d bytes", len(png))
	}
	if *screenshot != "" {
		if err := os.MkdirAll(filepath.Dir(*screenshot), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*screenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
