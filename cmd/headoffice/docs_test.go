package main

import (
	"os"
	"strings"
	"testing"
)

// Every subcommand and flag of the usage text is in docs/HEADOFFICE.md.
func TestHeadOfficeDocCoversEveryCommand(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/HEADOFFICE.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(adminUsage+"\n"+catalogUsage, "\n") {
		f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "usage:"))
		if len(f) < 3 || f[0] != "headoffice" {
			t.Fatalf("unexpected usage line %q", line)
		}
		if cmd := f[1] + " " + f[2]; !strings.Contains(string(doc), "`"+cmd) {
			t.Errorf("docs/HEADOFFICE.md does not document %q", cmd)
		}
	}
	if !strings.Contains(string(doc), "`rebuild-facts`") {
		t.Error("docs/HEADOFFICE.md does not document rebuild-facts")
	}
	for _, flag := range []string{"-data", "-db", "-addr", "-insecure-loopback", "-config", "-version"} {
		if !strings.Contains(string(doc), "`"+flag) {
			t.Errorf("docs/HEADOFFICE.md does not document the %s flag", flag)
		}
	}
}
