package backoffice_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every route the back office registers is documented in docs/HEADOFFICE.md.
func TestHeadOfficeDocListsEveryBackOfficeRoute(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/HEADOFFICE.md")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.go")
	route := regexp.MustCompile(`mux\.Handle(?:Func)?\("((?:GET|POST|PUT|DELETE) /[^"]*)"`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range route.FindAllStringSubmatch(string(src), -1) {
			if strings.Contains(m[1], "{$}") { // the status page at /
				continue
			}
			n++
			if !strings.Contains(string(doc), "`"+m[1]) {
				t.Errorf("docs/HEADOFFICE.md does not document %s (%s)", m[1], f)
			}
		}
	}
	if n < 8 {
		t.Fatalf("found only %d routes: has the way routes are registered changed?", n)
	}
}
