package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tillpos/till/app/register"
)

// TestCapturePeopleScreens writes login, count and Z report screenshots at
// 1280x800 and 1024x768 (kept in $TILL_SCREENSHOTS to look at).
func TestCapturePeopleScreens(t *testing.T) {
	captureSettle = 0
	dir := t.TempDir()
	if d := os.Getenv("TILL_SCREENSHOTS"); d != "" {
		dir = d
	}
	for _, size := range []fyne.Size{{Width: 1280, Height: 800}, {Width: 1024, Height: 768}} {
		out := dir
		if size.Width == 1024 {
			out = filepath.Join(dir, "1024")
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		cat := groceryCatalog()
		reg := register.New(testConfig(), register.Deps{Catalog: cat, Journal: &fakeJournal{}, Printer: &fakePrinter{}, Staff: newFakeDirectory()})
		u := New(test.NewTempApp(t), reg, Options{})
		u.scripted()
		u.Window().Resize(size)
		if err := u.capturePeople(out); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"login-de.png", "count-de.png", "zreport-de.png"} {
			if st, err := os.Stat(filepath.Join(out, name)); err != nil || st.Size() < 5000 {
				t.Errorf("%s: %v", name, err)
			}
		}
		u.Window().Close()
	}
}
