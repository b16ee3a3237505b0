package syncserver

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/sync/syncproto"
)

// rulesDir holds the head office's alerting rules and their promtool tests.
var rulesDir = filepath.Join("..", "..", "packaging", "prometheus")

// promtool finds Debian's promtool (package prometheus); without it the
// test skips, unless CI is set: CI must not go green by checking nothing.
func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("promtool not found: apt-get install prometheus (.ci/deps hq)")
		}
		t.Skip("promtool not found: apt-get install prometheus (or make deps-hq)")
	}
	return p
}

// TestAlertRulesCheckAndUnitTests runs promtool check rules and promtool
// test rules (packaging/prometheus/*_test.yml) on the shipped rules.
func TestAlertRulesCheckAndUnitTests(t *testing.T) {
	t.Parallel()
	bin := promtool(t)
	rules, _ := filepath.Glob(filepath.Join(rulesDir, "*.yml"))
	var files, tests []string
	for _, f := range rules {
		if strings.HasSuffix(f, "_test.yml") {
			tests = append(tests, filepath.Base(f))
		} else {
			files = append(files, filepath.Base(f))
		}
	}
	if len(files) == 0 || len(tests) == 0 {
		t.Fatalf("want rule files and their tests in %s, found %v", rulesDir, rules)
	}
	for _, args := range [][]string{append([]string{"check", "rules"}, files...), append([]string{"test", "rules"}, tests...)} {
		cmd := exec.Command(bin, args...)
		cmd.Dir = rulesDir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// TestAlertRulesUseExportedMetrics: every till_* metric an alert reads is
// one this server exports once registers have talked to it, so a renamed
// metric cannot silently turn an alert into one that never fires.
func TestAlertRulesUseExportedMetrics(t *testing.T) {
	t.Parallel()
	m := newMetrics(time.Now)
	m.reg.MustRegister(newDiskCollector(t.TempDir()))
	m.touch("R1")
	m.observeBatch("R1", 3, 1, 0)
	m.latency.Observe(0.01)
	m.recordHealth(hqstore.RegisterHealth{RegisterID: "R1", OutboxDepth: 2, OldestUnsynced: time.Minute,
		Counters: map[string]int64{syncproto.CounterSalesCompleted: 9, syncproto.CounterSalesFailed: 1}})
	families, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	exported := map[string]bool{}
	for _, f := range families {
		exported[f.GetName()] = true
		if f.GetType().String() == "HISTOGRAM" {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				exported[f.GetName()+s] = true
			}
		}
	}
	used := 0
	files, _ := filepath.Glob(filepath.Join(rulesDir, "*.yml"))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.yml") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if !strings.Contains(line, "expr:") {
				continue
			}
			for _, name := range regexp.MustCompile(`till_[a-z_]+`).FindAllString(line, -1) {
				used++
				if !exported[name] {
					t.Errorf("%s: alert reads %s, which the head office does not export", filepath.Base(f), name)
				}
			}
		}
	}
	if used == 0 {
		t.Fatal("no till_* metric found in any alert expression")
	}
}
