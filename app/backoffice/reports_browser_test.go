package backoffice_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var reportShots = flag.String("report-screenshots", "", "write report-*.png screenshots into this directory (make screenshots: docs/screenshots)")

// TestReportsInChromium opens each report page in headless Chromium,
// changes the grouping through the form as a person would, checks what is
// on screen and takes screenshots.
func TestReportsInChromium(t *testing.T) {
	t.Parallel()
	bin := chromium(t)
	d := newReportDemo(t, "")
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()
	must := func(s string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if len(png) < 10_000 {
			t.Errorf("%s screenshot is only %d bytes", name, len(png))
		}
		if *reportShots != "" {
			if err := os.MkdirAll(*reportShots, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(*reportShots, "report-"+name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	period := "from=2026-03-08&to=2026-03-14"

	// Sales by day, then by category through the form.
	if err := chromedp.Do(ctx, chromedp.Navigate(d.ts.URL+"/reports/sales?"+period), chromedp.WaitVisible(chromedp.CSS("#report-table"))); err != nil {
		t.Fatal(err)
	}
	rows := must(chromedp.Run(ctx, chromedp.Evaluate[string](`String(document.querySelectorAll("#report-table tbody tr").length)`)))
	if rows != "7" {
		t.Errorf("%s day rows, want 7", rows)
	}
	shot("sales-by-day")
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`select[name="by"]`), "category"),
		chromedp.Click(chromedp.CSS(`#report-form button`)),
		chromedp.WaitVisible(chromedp.CSS(`#report-chart`)),
	); err != nil {
		t.Fatal(err)
	}
	first := must(chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#report-table tbody tr:first-child td:first-child"))))
	bars := must(chromedp.Run(ctx, chromedp.Evaluate[string](`String(document.querySelectorAll("#report-chart rect").length)`)))
	url := must(chromedp.Run(ctx, chromedp.Location()))
	if !strings.Contains(url, "by=category") || (first != "Bakery" && first != "Drinks") {
		t.Errorf("after choosing category: %s, first row %q", url, first)
	}
	if n, _ := strconv.Atoi(bars); n != 8 { // four categories, a bar and a previous-period bar each
		t.Errorf("%s rects in the category chart, want 8", bars)
	}
	shot("sales-by-category")

	for _, p := range []struct{ path, name, want string }{
		{"/reports/sales?by=product&" + period, "sales-by-product", "Riesling"},
		{"/reports/staff?" + period, "staff", "E-MGR"},
		{"/reports/shifts?" + period, "shifts", "Hamburg Altona"},
		{"/reports/products?" + period, "products", "slow 1"},
		{"/reports/books?" + period, "books", "1000 Kasse"},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(d.ts.URL+p.path), chromedp.WaitVisible(chromedp.CSS("#report-table"))); err != nil {
			t.Fatal(err)
		}
		text := must(chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#report-table"))))
		if !strings.Contains(text, p.want) {
			t.Errorf("%s lacks %q", p.path, p.want)
		}
		overflow := must(chromedp.Run(ctx, chromedp.Evaluate[string](`String(document.documentElement.scrollWidth - document.documentElement.clientWidth)`)))
		if overflow != "0" {
			t.Errorf("%s is %s px wider than the window", p.path, overflow)
		}
		shot(p.name)
	}
}
