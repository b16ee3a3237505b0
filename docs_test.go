package till_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestUATStepsNameRealTests keeps docs/UAT.md honest: every scenario test a
// checklist step points to must exist, so a renamed or deleted test cannot
// leave a store manager's checklist pointing at nothing.
func TestUATStepsNameRealTests(t *testing.T) {
	doc, err := os.ReadFile("docs/UAT.md")
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]bool{}
	for _, m := range regexp.MustCompile(`\bTest[A-Z][A-Za-z0-9_]*`).FindAllString(string(doc), -1) {
		named[m] = true
	}
	if len(named) < 20 {
		t.Fatalf("docs/UAT.md names only %d tests", len(named))
	}
	defined := map[string]bool{}
	decl := regexp.MustCompile(`(?m)^func (Test[A-Za-z0-9_]*)\(`)
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, "_test.go") {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range decl.FindAllStringSubmatch(string(b), -1) {
				defined[m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range named {
		if !defined[name] {
			t.Errorf("docs/UAT.md names %s, which no test defines", name)
		}
	}
}

// TestArchitectureNamesEveryPackage keeps docs/ARCHITECTURE.md's package
// list from drifting: every package `go list ./...` finds is named there
// in backquotes, and every package named in its table exists.
func TestArchitectureNamesEveryPackage(t *testing.T) {
	doc, err := os.ReadFile("docs/ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, mod), "/")
		if rel == "" {
			continue // the module root holds only these repository-wide tests
		}
		listed[rel] = true
		if !strings.Contains(string(doc), "`"+rel+"`") {
			t.Errorf("docs/ARCHITECTURE.md does not name package %s: add its one job to the Packages table", rel)
		}
	}
	if len(listed) < 20 {
		t.Fatalf("go list found only %d packages: is the listing broken?", len(listed))
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9/]+)` \\|")
	rows := row.FindAllStringSubmatch(string(doc), -1)
	if len(rows) < len(listed) {
		t.Errorf("the Packages table has %d rows for %d packages", len(rows), len(listed))
	}
	for _, m := range rows {
		if !listed[m[1]] {
			t.Errorf("docs/ARCHITECTURE.md lists %s, which is no package", m[1])
		}
	}
}
