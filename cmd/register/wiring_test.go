package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// cmd/register reads config and wires; decisions a cashier could observe
// (what a sale, tender or journal entry makes the register do) live in
// app/register. A decision needs the sale's words, so this test keeps them
// out of cmd/register's non-test files: from app/pos it may name only the
// configuration and error vocabulary below, it never reads an entry's
// Payload, and only config.go decodes JSON (the config file).
var wiringPosNames = map[string]bool{
	"Currency": true, "LookupCurrency": true, "MustCurrency": true, "TaxMode": true, "TaxInclusive": true,
	"TaxExclusive": true, "Error": true, "EUnavailable": true, "Qty": true,
}

func TestCmdRegisterOnlyWires(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		checkWiringFile(t.Errorf, fset, f, name)
	}
	if checked < 5 {
		t.Fatalf("checked only %d files", checked)
	}
}

func checkWiringFile(errorf func(string, ...any), fset *token.FileSet, f *ast.File, name string) {
	posName := ""
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		switch {
		case path == "encoding/json" && name != "config.go":
			errorf("%s imports encoding/json: decoding belongs in app/register or the adapters", name)
		case path == mod+"/app/pos":
			posName = "pos"
			if imp.Name != nil {
				posName = imp.Name.Name
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if sel.Sel.Name == "Payload" {
			errorf("%s: reads an entry's Payload: a decision on a journal entry belongs in app/register", fset.Position(sel.Pos()))
		}
		if id, ok := sel.X.(*ast.Ident); ok && posName != "" && id.Name == posName && !wiringPosNames[sel.Sel.Name] {
			errorf("%s: uses pos.%s: sales, tenders and entries are app/register's business", fset.Position(sel.Pos()), sel.Sel.Name)
		}
		return true
	})
}

const mod = "github.com/tillpos/till"

// The rule bites: a file deciding on a sale entry, as drawer.go once did,
// fails it.
func TestWiringRuleBites(t *testing.T) {
	src := `package main
import ("encoding/json"; "github.com/tillpos/till/app/pos")
func f(e pos.Entry) bool { var r struct{}; return e.Kind == pos.EntrySale && json.Unmarshal(e.Payload, &r) == nil }`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "drawer.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	checkWiringFile(func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }, fset, f, "drawer.go")
	if len(errs) != 4 { // json import, pos.Entry, pos.EntrySale, Payload
		t.Fatalf("caught %d problems, want 4: %q", len(errs), errs)
	}
}
