// Package till_test holds the repository-wide architecture test: it fails when
// an import arrow of shared/STYLE.md points the wrong way.
package till_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/tillpos/till"

type pkgInfo struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

func listPackages(t *testing.T) []pkgInfo {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,Deps", "./...")
	cmd.Env = append(cmd.Environ(), "CGO_ENABLED=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkgInfo
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkgInfo
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

func isStdlib(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// rule says which dependencies (direct or transitive) a package may not have.
type rule struct {
	name   string
	pkg    func(string) bool
	banned func(dep string) bool
}

func under(prefix string) func(string) bool {
	return func(p string) bool { return p == mod+"/"+prefix || strings.HasPrefix(p, mod+"/"+prefix+"/") }
}

func anyOf(fs ...func(string) bool) func(string) bool {
	return func(s string) bool {
		for _, f := range fs {
			if f(s) {
				return true
			}
		}
		return false
	}
}

func exactly(p string) func(string) bool { return func(s string) bool { return s == p } }

func prefix(p string) func(string) bool {
	return func(s string) bool { return s == p || strings.HasPrefix(s, p+"/") }
}

var rules = []rule{
	{"app/pos is the domain: standard library only", under("app/pos"),
		func(d string) bool { return !isStdlib(d) && !under("app/pos")(d) }},
	{"app/register knows no GUI, SQL, devices or network adapters", under("app/register"),
		anyOf(prefix("fyne.io"), exactly("database/sql"), prefix("modernc.org"), under("store"), under("hardware"), under("sync"), under("app/ui"), under("cmd"))},
	{"app/ui has no SQL and no device bytes", under("app/ui"),
		anyOf(exactly("database/sql"), prefix("modernc.org"), under("store"), under("hardware"), prefix("fyne.io/fyne/v2/app"), under("cmd"))},
	{"adapters never depend on the GUI", anyOf(under("store"), under("hardware"), under("sync")),
		anyOf(prefix("fyne.io"), under("app/ui"), under("cmd"))},
	{"wire types are plain", under("sync/syncproto"),
		func(d string) bool { return !isStdlib(d) && !under("app/pos")(d) }},
	// The head office has the register's shape: use cases, pages, adapters.
	{"app/headoffice is use cases and ports: no HTTP, no SQL, no adapters", under("app/headoffice"),
		anyOf(exactly("net/http"), exactly("database/sql"), under("store"), under("sync"), under("app/backoffice"), under("cmd"))},
	{"app/backoffice reaches the database only through app/headoffice", under("app/backoffice"),
		anyOf(under("store"), exactly("database/sql"), under("cmd"))},
	{"sync/syncserver is the register-facing API: no pages", under("sync/syncserver"),
		under("app/backoffice")},
	{"only cmd/register starts a Fyne app", func(p string) bool { return p != mod+"/cmd/register" },
		prefix("fyne.io/fyne/v2/app")},
}

func TestDependencyArrows(t *testing.T) {
	for _, p := range listPackages(t) {
		deps := append(append([]string{}, p.Imports...), p.Deps...)
		for _, r := range rules {
			if !r.pkg(p.ImportPath) {
				continue
			}
			for _, d := range deps {
				if r.banned(d) {
					t.Errorf("%s: %s imports %s", r.name, p.ImportPath, d)
				}
			}
		}
	}
}

// TestRulesBite makes sure the rules above would catch a wrong arrow.
func TestRulesBite(t *testing.T) {
	cases := []struct{ pkg, dep string }{
		{mod + "/app/pos", "github.com/google/uuid"},
		{mod + "/app/register", "fyne.io/fyne/v2/widget"},
		{mod + "/app/register", "database/sql"},
		{mod + "/app/ui", mod + "/store"},
		{mod + "/store", "fyne.io/fyne/v2"},
		{mod + "/cmd/headoffice", "fyne.io/fyne/v2/app"},
		{mod + "/app/headoffice", "net/http"},
		{mod + "/app/headoffice", "database/sql"},
		{mod + "/app/headoffice", mod + "/store/hqstore"},
		{mod + "/app/backoffice", mod + "/store/hqstore"},
		{mod + "/sync/syncserver", mod + "/app/backoffice"},
	}
	for _, c := range cases {
		caught := false
		for _, r := range rules {
			if r.pkg(c.pkg) && r.banned(c.dep) {
				caught = true
			}
		}
		if !caught {
			t.Errorf("no rule stops %s importing %s", c.pkg, c.dep)
		}
	}
}
