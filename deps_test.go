// Package till_test holds the repository-wide architecture test: it fails when
// an import arrow of docs/ARCHITECTURE.md points the wrong way.
package till_test

import (
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
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

// rule says which dependencies a package may not have: direct or transitive,
// or with direct set only what it imports itself ("only X imports Y": a
// package may reach Y through X).
type rule struct {
	name   string
	pkg    func(string) bool
	banned func(dep string) bool
	direct bool
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

func allOf(fs ...func(string) bool) func(string) bool {
	return func(s string) bool {
		for _, f := range fs {
			if !f(s) {
				return false
			}
		}
		return true
	}
}

func not(f func(string) bool) func(string) bool { return func(s string) bool { return !f(s) } }

// hqstoreImporters may import store/hqstore: the head office's main, its
// register-facing API, and hqstore's own packages (the conformance suite
// hqstoretest, the PostgreSQL test cluster pgtest).
// cmd/staging is a main like cmd/register and cmd/headoffice: it wires
// simulated registers over their own store (as cmd/register does) and reads
// the staging head office's PostgreSQL (pgtest's cluster, the entries it
// reconciles), so it may import both stores; nothing imports it.
var hqstoreImporters = anyOf(exactly(mod+"/cmd/headoffice"), exactly(mod+"/cmd/staging"), under("sync/syncserver"), under("store/hqstore"))

var rules = []rule{
	{"app/pos is the domain: standard library only", under("app/pos"),
		func(d string) bool { return !isStdlib(d) && !under("app/pos")(d) }, false},
	{"app/register knows no GUI, SQL, devices or network adapters", under("app/register"),
		anyOf(prefix("fyne.io"), exactly("database/sql"), prefix("modernc.org"), under("store"), under("hardware"), under("sync"), under("app/ui"), under("cmd")), false},
	{"app/ui has no SQL and no device bytes", under("app/ui"),
		anyOf(exactly("database/sql"), prefix("modernc.org"), under("store"), under("hardware"), prefix("fyne.io/fyne/v2/app"), under("cmd")), false},
	{"adapters never depend on the GUI", anyOf(under("store"), under("hardware"), under("sync")),
		anyOf(prefix("fyne.io"), under("app/ui"), under("cmd")), false},
	{"wire types are plain", under("sync/syncproto"),
		func(d string) bool { return !isStdlib(d) && !under("app/pos")(d) }, false},
	// The head office has the register's shape: use cases, pages, adapters.
	{"app/headoffice is use cases and ports: no HTTP, no SQL, no adapters", under("app/headoffice"),
		anyOf(exactly("net/http"), exactly("database/sql"), under("store"), under("sync"), under("app/backoffice"), under("cmd")), false},
	{"app/backoffice reaches the database only through app/headoffice", under("app/backoffice"),
		anyOf(under("store"), exactly("database/sql"), under("cmd")), false},
	{"sync/syncserver is the register-facing API: no pages", under("sync/syncserver"),
		under("app/backoffice"), false},
	{"only cmd/register starts a Fyne app", func(p string) bool { return p != mod+"/cmd/register" },
		prefix("fyne.io/fyne/v2/app"), false},
	{"only cmd/register (and cmd/staging, see hqstoreImporters) imports store (the register's database)",
		not(anyOf(exactly(mod+"/cmd/register"), exactly(mod+"/cmd/staging"))),
		exactly(mod + "/store"), true},
	{"only cmd/headoffice and sync/syncserver import store/hqstore", not(hqstoreImporters),
		under("store/hqstore"), true},
	{"nothing under hardware/ depends on store or sync", under("hardware"),
		anyOf(under("store"), under("sync")), false},
	{"app/* never depends on database/sql", under("app"),
		anyOf(exactly("database/sql"), prefix("modernc.org"), prefix("github.com/jackc")), false},
	{"app/* never imports net/http, except app/backoffice", allOf(under("app"), not(under("app/backoffice"))),
		exactly("net/http"), true},
	{"app/* never depends on Fyne, except app/ui", allOf(under("app"), not(under("app/ui"))),
		prefix("fyne.io"), false},
	{"test support (power cuts, seeds) is linked into no binary or adapter", anyOf(under("cmd"), under("app"), under("hardware"), under("sync"), exactly(mod+"/store"), under("store/hqstore")),
		anyOf(under("store/powercut"), under("store/testseed"), prefix("github.com/hanwen/go-fuse")), false},
}

// broken lists the rules a package breaks with these direct imports and
// transitive dependencies, as "rule: pkg imports dep".
func broken(pkg string, imports, deps []string) []string {
	var out []string
	for _, r := range rules {
		if !r.pkg(pkg) {
			continue
		}
		check := imports
		if !r.direct {
			check = append(append([]string{}, imports...), deps...)
		}
		for _, d := range check {
			if r.banned(d) {
				out = append(out, fmt.Sprintf("%s: %s imports %s", r.name, pkg, d))
			}
		}
	}
	return out
}

func TestDependencyArrows(t *testing.T) {
	for _, p := range listPackages(t) {
		for _, b := range broken(p.ImportPath, p.Imports, p.Deps) {
			t.Error(b)
		}
	}
}

// TestRulesBite makes sure the rules above would catch a wrong arrow (and
// leave the right ones alone): dep is imported by pkg directly, or only
// through another package.
func TestRulesBite(t *testing.T) {
	cases := []struct {
		pkg, dep     string
		direct, want bool
	}{
		{mod + "/app/pos", "github.com/google/uuid", true, true},
		{mod + "/app/pos/catalogfile", "golang.org/x/crypto/argon2", true, true},
		{mod + "/app/pos/catalogfile", mod + "/app/pos", true, false},
		{mod + "/app/register", "fyne.io/fyne/v2/widget", true, true},
		{mod + "/app/register", "database/sql", true, true},
		{mod + "/app/ui", mod + "/store", true, true},
		{mod + "/store", "fyne.io/fyne/v2", true, true},
		{mod + "/cmd/headoffice", "fyne.io/fyne/v2/app", true, true},
		// only cmd/register imports store
		{mod + "/cmd/register", mod + "/store", true, false},
		{mod + "/cmd/staging", mod + "/store", true, false},
		{mod + "/cmd/devicesim", mod + "/store", true, true},
		{mod + "/store/hqstore", mod + "/store", true, true},
		{mod + "/sync/syncserver", mod + "/store", true, true},
		{mod + "/sync/syncclient", mod + "/store", true, true},
		{mod + "/cmd/headoffice", mod + "/store", true, true},
		{mod + "/app/headoffice", mod + "/store", true, true},
		// only cmd/headoffice and sync/syncserver import store/hqstore
		{mod + "/cmd/headoffice", mod + "/store/hqstore", true, false},
		{mod + "/cmd/staging", mod + "/store/hqstore/pgtest", true, false},
		{mod + "/sync/syncserver", mod + "/store/hqstore", true, false},
		{mod + "/store/hqstore/hqstoretest", mod + "/store/hqstore", true, false},
		{mod + "/store/hqstore/pgtest", mod + "/store/hqstore", true, false},
		{mod + "/cmd/register", mod + "/store/hqstore", true, true},
		{mod + "/sync/syncclient", mod + "/store/hqstore", true, true},
		{mod + "/sync/syncclient", mod + "/store/hqstore/hqstoretest", true, true},
		{mod + "/app/headoffice", mod + "/store/hqstore", true, true},
		{mod + "/store", mod + "/store/hqstore", true, true},
		// nothing under hardware/ depends on store or sync
		{mod + "/hardware/devices", mod + "/store", true, true},
		{mod + "/hardware/escpos", mod + "/sync/syncproto", true, true},
		{mod + "/hardware/zvt", mod + "/store/hqstore", false, true},
		// app/*: no database/sql, net/http only in app/backoffice, Fyne only in app/ui
		{mod + "/app/headoffice", "database/sql", false, true},
		{mod + "/app/headoffice", mod + "/sync/syncproto", true, true},
		{mod + "/app/backoffice", mod + "/store/hqstore", false, true},
		{mod + "/sync/syncserver", mod + "/app/backoffice", true, true},
		{mod + "/app/pinhash", "database/sql", true, true},
		{mod + "/app/register", "net/http", true, true},
		{mod + "/app/headoffice", "net/http", true, true},
		{mod + "/app/backoffice", "net/http", true, false},
		{mod + "/app/ui", "net/http", false, false}, // Fyne's own use of it
		{mod + "/app/headoffice", "fyne.io/fyne/v2/widget", false, true},
		{mod + "/app/backoffice", "fyne.io/fyne/v2", true, true},
		{mod + "/app/ui", "fyne.io/fyne/v2/widget", true, false},
		// test support is linked into no binary
		{mod + "/cmd/register", mod + "/store/powercut", false, true},
		{mod + "/store", mod + "/store/testseed", true, true},
		{mod + "/cmd/headoffice", "github.com/hanwen/go-fuse/v2/fs", false, true},
	}
	for _, c := range cases {
		imports, deps := []string{c.dep}, []string(nil)
		if !c.direct {
			imports, deps = []string{"some/go-between"}, []string{c.dep}
		}
		if got := broken(c.pkg, imports, deps); (len(got) > 0) != c.want {
			t.Errorf("%s importing %s (direct %v): broken rules %q, want caught %v", c.pkg, c.dep, c.direct, got, c.want)
		}
	}
}

// The head office must not link the register's database or use cases (the
// catalog format and PIN hashing it shares with the register have homes of
// their own): `go list -deps ./cmd/headoffice` names neither.
func TestHeadOfficeLinksNoRegisterPackage(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "./cmd/headoffice").Output()
	if err != nil {
		t.Fatalf("go list -deps ./cmd/headoffice: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, mod+"/store/hqstore") {
		t.Fatalf("go list -deps ./cmd/headoffice does not list store/hqstore: %q", deps)
	}
	for _, d := range deps {
		if d == mod+"/store" || under("app/register")(d) || under("app/ui")(d) {
			t.Errorf("cmd/headoffice links %s", d)
		}
	}
}
