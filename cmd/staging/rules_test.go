package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/sync/syncclient"
)

// TestScaleRules: the staging copy of the shipped rules divides for:,
// ranges and wall-clock thresholds by the scale, keeps register-reported
// ages, and promtool accepts it.
func TestScaleRules(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join("..", "..", "packaging", "prometheus", "till-alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := scaleRules(string(src), 120, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"till_register_last_seen_timestamp_seconds) > 5.000 # wall-seconds", // 600 s / 120
		"for: 500ms", // 1m / 120
		"till_register_oldest_unsynced_seconds) > 3600", // simulated seconds: kept
		"[7500ms]", // 15m / 120
		"[2500ms]", // 5m / 120
	} {
		if !strings.Contains(got, want) {
			t.Errorf("scaled rules lack %q", want)
		}
	}
	if strings.Contains(got, "for: 1m") || strings.Contains(got, "[5m]") {
		t.Error("an unscaled duration is left")
	}
	if bin, err := exec.LookPath("promtool"); err == nil {
		f := filepath.Join(t.TempDir(), "staging.yml")
		os.WriteFile(f, []byte(got), 0o644)
		if out, err := exec.Command(bin, "check", "rules", f).CombinedOutput(); err != nil {
			t.Errorf("promtool check rules: %v\n%s", err, out)
		}
	}
	if _, err := scaleRules("    for: soon", 2, 0); err == nil {
		t.Error("a bad duration was accepted")
	}
}

// TestClassify: error kinds are a small fixed set; a port number that
// happens to contain "500" is not an HTTP 500.
func TestClassify(t *testing.T) {
	t.Parallel()
	for err, want := range map[error]string{
		fmt.Errorf("push: %w", &syncclient.HTTPError{StatusCode: 503}):                                                          "HTTP 503",
		errors.New(`Post "http://127.0.0.1:45003/x": write tcp 127.0.0.1:1->127.0.0.1:45003: use of closed network connection`): "use of closed network connection",
		errors.New(`Post "http://127.0.0.1:45003/x": EOF`):                                                                      "eof",
		errors.New("something new"): "other",
	} {
		if got := classify(err); got != want {
			t.Errorf("classify(%v) = %q, want %q", err, got, want)
		}
	}
}
