package till_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeGo stands in for the go command in .ci/fuzz: "go list" names one
// package, "go test -fuzz" prints what $MODE says a fuzz run printed, and the
// replay without -fuzz passes unless $REPLAY=fail.
const fakeGo = `#!/usr/bin/env bash
if [ "$1" = list ]; then echo "example.com/p $FAKEDIR"; exit 0; fi
case "$*" in
*-fuzz=*)
  case $MODE in
  pass) echo PASS; exit 0 ;;
  race) printf 'fuzz: elapsed: 3s, execs: 9 (3/sec)\n--- FAIL: FuzzX (4.01s)\n    context deadline exceeded\nFAIL\nexit status 1\nFAIL\texample.com/p\t4.0s\n'; exit 1 ;;
  finding) printf -- '--- FAIL: FuzzX (0.50s)\n    x_test.go:9: panic: boom\n    Failing input written to testdata/fuzz/FuzzX/1\nFAIL\n'; exit 1 ;;
  fail-near-deadline) printf -- '--- FAIL: FuzzX (4.01s)\n    x_test.go:9: wrong total\n    context deadline exceeded\nFAIL\n'; exit 1 ;;
  build) printf 'x_test.go:3:1: syntax error\nFAIL\texample.com/p [build failed]\n'; exit 1 ;;
  esac ;;
*) [ "$REPLAY" = fail ] && { echo "--- FAIL: FuzzX/seed#0"; exit 1; }; echo ok; exit 0 ;;
esac
`

// TestFuzzLoopFailsOnlyOnFindings: make test and make fuzz run .ci/fuzz,
// which must pass Go 1.26's bare "context deadline exceeded" (golang/go#75804)
// once the target's inputs replay clean, and fail on everything else.
func TestFuzzLoopFailsOnlyOnFindings(t *testing.T) {
	t.Parallel()
	bin, pkg := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(fakeGo), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pkg, "x_test.go"), []byte("package p\n\nfunc FuzzX(f *testing.F) {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		mode, replay string
		pass         bool
		say          string
	}{
		{"pass", "", true, "1 targets passed"},
		{"race", "", true, "coordinator race"},
		{"race", "fail", false, "FuzzX/seed#0"},
		{"finding", "", false, "Failing input written"},
		{"fail-near-deadline", "", false, "wrong total"},
		{"build", "", false, "build failed"},
	} {
		cmd := exec.Command("./.ci/fuzz", "3s")
		cmd.Env = append(os.Environ(), "GO="+filepath.Join(bin, "go"), "FAKEDIR="+pkg, "MODE="+tt.mode, "REPLAY="+tt.replay)
		out, err := cmd.CombinedOutput()
		if (err == nil) != tt.pass || !strings.Contains(string(out), tt.say) {
			t.Errorf("%s (replay %q): err %v, want pass=%v and %q in:\n%s", tt.mode, tt.replay, err, tt.pass, tt.say, out)
		}
	}
}
