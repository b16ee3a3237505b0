package ui

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// errorKeys finds every pos.Errorf format literal (Errorf inside package
// pos), and every &pos.Error{Message: "..."} literal, in the source of the
// packages whose errors reach the screen: the register, the domain, the
// devices (the status strip shows their own words) and the syncer. These
// are the sentences a cashier may see, which the translations must cover.
func errorKeys(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{}
	dirs := []string{"../register", "../pos", "../../sync/syncclient", "../../cmd/register"}
	hw, err := filepath.Glob("../../hardware/*")
	if err != nil {
		t.Fatal(err)
	}
	dirs = append(dirs, hw...)
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				if msg, ok := errorLiteral(n); ok {
					keys[msg] = f
					return true
				}
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) < 2 {
					return true
				}
				switch fn := call.Fun.(type) {
				case *ast.SelectorExpr:
					if x, ok := fn.X.(*ast.Ident); !ok || x.Name != "pos" || fn.Sel.Name != "Errorf" {
						return true
					}
				case *ast.Ident:
					if fn.Name != "Errorf" || file.Name.Name != "pos" {
						return true
					}
				default:
					return true
				}
				lit, ok := call.Args[1].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Errorf("%s: pos.Errorf with a format that is not a literal: it cannot be translated", f)
					return true
				}
				k, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				keys[k] = f
				return true
			})
		}
	}
	// ErrorMessage's sentence for errors that are not *pos.Error.
	keys[pos.ErrorMessage(fmt.Errorf("disk"))] = "../pos/errors.go"
	return keys
}

// errorLiteral is the Message of a pos.Error{...} composite literal.
func errorLiteral(n ast.Node) (string, bool) {
	lit, ok := n.(*ast.CompositeLit)
	if !ok {
		return "", false
	}
	if sel, ok := lit.Type.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Error" {
		return "", false
	} else if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "pos" {
		return "", false
	}
	for _, el := range lit.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if k, ok := kv.Key.(*ast.Ident); !ok || k.Name != "Message" {
			continue
		}
		if v, ok := kv.Value.(*ast.BasicLit); ok && v.Kind == token.STRING {
			if msg, err := strconv.Unquote(v.Value); err == nil {
				return msg, true
			}
		}
	}
	return "", false
}

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// TestEveryCashierErrorIsTranslated: each message the register and the
// domain make with pos.Errorf has a German translation using as many
// arguments.
func TestEveryCashierErrorIsTranslated(t *testing.T) {
	keys := errorKeys(t)
	if len(keys) < 60 {
		t.Fatalf("found only %d error formats: is the scanner broken?", len(keys))
	}
	de := loadTranslations(t, "de")
	for k, f := range keys {
		e, ok := de[k]
		tr := e.Text
		if !ok || strings.TrimSpace(tr) == "" {
			t.Errorf("de.json has no translation for %q (%s)", k, f)
			continue
		}
		if a, b := len(verb.FindAllString(k, -1)), len(verb.FindAllString(tr, -1)); a != b {
			t.Errorf("de %q has %d verbs, the English %d", tr, b, a)
		}
	}
}

// TestErrorsShowInTheScreensLanguage: a register error with arguments is
// shown translated with the same arguments; wrapped errors too.
func TestErrorsShowInTheScreensLanguage(t *testing.T) {
	test.NewTempApp(t)
	if err := useLanguage("de"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = useLanguage("en") })
	err := fmt.Errorf("void: %w", pos.Errorf(pos.EConflict, "Receipt %s is already voided.", "K1-000042"))
	if got, want := errText(err), "Beleg K1-000042 ist bereits storniert."; got != want {
		t.Errorf("errText = %q, want %q", got, want)
	}
	if got := errText(register.ErrNeedsOverride); got == register.ErrNeedsOverride.Message || got == "" {
		t.Errorf("ErrNeedsOverride shows %q", got)
	}
	if got := errText(fmt.Errorf("disk I/O error")); strings.Contains(got, "disk") || strings.Contains(got, "Something went wrong") {
		t.Errorf("internal error shows %q", got)
	}
}
