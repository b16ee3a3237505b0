package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
)

// TestCLocaleIsQuietEnglish: started with LANG unset, C, POSIX or C.UTF-8
// (a container's or a systemd service's default), the register's process
// speaks English and Fyne logs no "Error parsing user locale C". The check
// runs in a child process: Fyne reads the locale while its packages
// initialize, before any test could change the environment.
func TestCLocaleIsQuietEnglish(t *testing.T) {
	if os.Getenv("TILL_LOCALE_CHILD") == "1" {
		// What the GUI does at start: load translations, ask the locale.
		if err := lang.AddTranslationsForLocale([]byte(`{"Cancel": "Cancel"}`), "en"); err != nil {
			t.Fatal(err)
		}
		os.Stdout.WriteString("system locale: " + string(lang.SystemLocale()) + "\n")
		return
	}
	for _, loc := range []string{"", "C", "POSIX", "C.UTF-8", "LC_ALL=C.UTF-8"} {
		env := []string{"TILL_LOCALE_CHILD=1"}
		for _, kv := range os.Environ() {
			k, _, _ := strings.Cut(kv, "=")
			if k != "LANG" && k != "LANGUAGE" && !strings.HasPrefix(k, "LC_") {
				env = append(env, kv)
			}
		}
		if strings.Contains(loc, "=") {
			env = append(env, loc)
		} else if loc != "" {
			env = append(env, "LANG="+loc)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestCLocaleIsQuietEnglish$", "-test.count=1", "-test.v")
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("LANG %q: %v\n%s", loc, err, out)
		}
		if strings.Contains(string(out), "Fyne error") || !strings.Contains(string(out), "system locale: en\n") {
			t.Errorf("locale %q: want English and no Fyne error, got:\n%s", loc, out)
		}
	}
}
