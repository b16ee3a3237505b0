package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/tillpos/till/app/register"
)

// langCall matches lang.L("...") and lang.X("...", ...) with a literal key.
var langCall = regexp.MustCompile(`lang\.[LX]\(("(?:[^"\\]|\\.)*")`)

// usedKeys scans the package's Go source (not tests) for translation keys.
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range langCall.FindAllStringSubmatch(string(src), -1) {
			k, err := strconv.Unquote(m[1])
			if err != nil {
				t.Fatalf("%s: %s: %v", f, m[1], err)
			}
			keys[k] = f
		}
	}
	return keys
}

func loadTranslations(t *testing.T, code string) map[string]string {
	t.Helper()
	data, err := translations.ReadFile("translations/" + code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.json: %v", code, err)
	}
	return m
}

func TestEveryKeyIsTranslated(t *testing.T) {
	used := usedKeys(t)
	if len(used) < 30 {
		t.Fatalf("found only %d keys: is the scanner broken?", len(used))
	}
	for _, code := range Languages {
		tr := loadTranslations(t, code)
		for k, f := range used {
			if strings.TrimSpace(tr[k]) == "" {
				t.Errorf("%s.json has no translation for %q (used in %s)", code, k, f)
			}
		}
		errs := errorKeys(t) // the register's messages (errtext_test.go)
		for k := range tr {
			if _, ok := used[k]; !ok && errs[k] == "" {
				t.Errorf("%s.json: %q is not used any more", code, k)
			}
		}
	}
	// Placeholders must survive translation.
	de := loadTranslations(t, "de")
	ph := regexp.MustCompile(`\{\{\.\w+\}\}`)
	for k := range used {
		want, got := ph.FindAllString(k, -1), ph.FindAllString(de[k], -1)
		if strings.Join(want, ",") != strings.Join(got, ",") && len(want) != len(got) {
			t.Errorf("de %q loses placeholders %v", k, want)
		}
	}
}

func TestLocaleSwitchesTextsAndMoney(t *testing.T) {
	a := test.NewTempApp(t)
	for _, tc := range []struct{ locale, pay, total string }{
		{"de", "Bezahlen", "0,00 €"},
		{"en", "Pay", "€0.00"},
		{"de-CH", "Bezahlen", "0,00 €"},
	} {
		cfg := testConfig()
		cfg.Locale = "en"
		reg := newTestRegister(cfg)
		u := New(a, reg, Options{Locale: tc.locale})
		if got := u.sale.pay.Title; got != tc.pay {
			t.Errorf("%s: Pay tile = %q, want %q", tc.locale, got, tc.pay)
		}
		if got := u.sale.total.Text; got != tc.total {
			t.Errorf("%s: total = %q, want %q", tc.locale, got, tc.total)
		}
		if got := lang.L("Receipt {{.No}}", map[string]any{"No": "K1-7"}); !strings.HasSuffix(got, "K1-7") {
			t.Errorf("%s: template not filled: %q", tc.locale, got)
		}
		u.Window().Close()
	}
}

func newTestRegister(cfg register.Config) *register.Register {
	return register.New(cfg, register.Deps{Catalog: groceryCatalog(), Journal: &fakeJournal{}, Printer: &fakePrinter{}})
}
