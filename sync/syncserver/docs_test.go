package syncserver_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every route the server registers is documented in docs/HEADOFFICE.md.
func TestHeadOfficeDocListsEveryRoute(t *testing.T) {
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

// The doc must not promise pages without login that answer 401 (issue 9):
// with an admin token set, / and /dashboard need it.
func TestHeadOfficeDocOnPageLogin(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/HEADOFFICE.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, wrong := range []string{"unauthenticated status page", "`/` needs no", "/ needs no login"} {
		if strings.Contains(strings.ToLower(string(doc)), strings.ToLower(wrong)) {
			t.Errorf("docs/HEADOFFICE.md says %q", wrong)
		}
	}
}
