package ui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/tillpos/till/app/register"
)

// langCall matches lang.L("...") and lang.X("...", ...) with a literal key,
// and lang.N("...", n, ...) for texts with a count (plural forms).
var langCall = regexp.MustCompile(`lang\.(L|X|N)\(("(?:[^"\\]|\\.)*")`)

// usedKeys scans the package's Go source (not tests) for translation keys;
// plural says which of them are counted (lang.N).
func usedKeys(t *testing.T) (keys map[string]string, plural map[string]bool) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keys, plural = map[string]string{}, map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range langCall.FindAllStringSubmatch(string(src), -1) {
			k, err := strconv.Unquote(m[2])
			if err != nil {
				t.Fatalf("%s: %s: %v", f, m[2], err)
			}
			keys[k] = f
			if m[1] == "N" {
				plural[k] = true
			}
		}
	}
	return keys, plural
}

// translation is one entry of a translations file: a text, or the plural
// forms of a counted text ({"one": ..., "other": ...}).
type translation struct {
	Text       string
	One, Other string
	Plural     bool
}

func (tr *translation) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &tr.Text); err == nil {
		return nil
	}
	var forms map[string]string
	if err := json.Unmarshal(b, &forms); err != nil {
		return err
	}
	for form := range forms {
		if form != "one" && form != "other" {
			return fmt.Errorf("plural form %q: English and German have only one and other", form)
		}
	}
	tr.Plural, tr.One, tr.Other = true, forms["one"], forms["other"]
	return nil
}

// texts are the entry's texts: one, or both plural forms.
func (tr translation) texts() []string {
	if tr.Plural {
		return []string{tr.One, tr.Other}
	}
	return []string{tr.Text}
}

func loadTranslations(t *testing.T, code string) map[string]translation {
	t.Helper()
	data, err := translations.ReadFile("translations/" + code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]translation{}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.json: %v", code, err)
	}
	return m
}

func TestEveryKeyIsTranslated(t *testing.T) {
	used, plural := usedKeys(t)
	if len(used) < 30 || len(plural) < 5 {
		t.Fatalf("found only %d keys, %d counted: is the scanner broken?", len(used), len(plural))
	}
	errs := errorKeys(t) // the register's, devices' and syncer's messages (errtext_test.go)
	for _, code := range Languages {
		tr := loadTranslations(t, code)
		for k, f := range used {
			e, ok := tr[k]
			switch {
			case !ok:
				t.Errorf("%s.json has no translation for %q (used in %s)", code, k, f)
			case plural[k] && !e.Plural:
				t.Errorf("%s.json: %q is counted (lang.N in %s): give it one and other forms", code, k, f)
			case !plural[k] && e.Plural:
				t.Errorf("%s.json: %q has plural forms but %s does not count it: use lang.N", code, k, f)
			}
			for _, s := range e.texts() {
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s.json: %q has an empty form", code, k)
				}
			}
		}
		for k := range tr {
			if _, ok := used[k]; !ok && errs[k] == "" {
				t.Errorf("%s.json: %q is not used any more", code, k)
			}
		}
	}
	// Placeholders must survive translation, in every plural form.
	ph := regexp.MustCompile(`\{\{\.\w+\}\}`)
	for _, code := range Languages {
		tr := loadTranslations(t, code)
		for k := range used {
			want := ph.FindAllString(k, -1)
			slices.Sort(want)
			for _, s := range tr[k].texts() {
				got := ph.FindAllString(s, -1)
				slices.Sort(got)
				if !slices.Equal(want, got) {
					t.Errorf("%s %q: %q has placeholders %v, want %v", code, k, s, got, want)
				}
			}
		}
	}
}

// TestCountsAgree: a counted text reads right for one and for more, in
// both languages.
func TestCountsAgree(t *testing.T) {
	test.NewTempApp(t)
	t.Cleanup(func() { _ = useLanguage("en") })
	for _, tc := range []struct {
		locale, key string
		n           int
		want        string
	}{
		{"en", "{{.N}} items", 1, "1 item"},
		{"en", "{{.N}} items", 2, "2 items"},
		{"en", "{{.N}} card payments need a manager's decision", 1, "1 card payment needs a manager's decision"},
		{"en", "{{.N}} sales waiting", 1, "1 sale waiting"},
		{"en", "Printing {{.N}} receipts", 1, "Printing 1 receipt"},
		{"en", "Printing {{.N}} receipts", 3, "Printing 3 receipts"},
		{"de", "{{.N}} card payments need a manager's decision", 1, "1 Kartenzahlung braucht eine Entscheidung der Filialleitung"},
		{"de", "{{.N}} card payments need a manager's decision", 2, "2 Kartenzahlungen brauchen eine Entscheidung der Filialleitung"},
		{"de", "{{.N}} sales waiting", 1, "1 Verkauf wartet"},
		{"de", "{{.N}} sales waiting", 12, "12 Verkäufe warten"},
		{"de", "Printing {{.N}} receipts", 1, "Drucke 1 Beleg"},
		{"de", "{{.N}} waiting", 1, "1 wartet"},
	} {
		if err := useLanguage(tc.locale); err != nil {
			t.Fatal(err)
		}
		if got := lang.N(tc.key, tc.n, map[string]any{"N": tc.n}); got != tc.want {
			t.Errorf("%s %q × %d = %q, want %q", tc.locale, tc.key, tc.n, got, tc.want)
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
