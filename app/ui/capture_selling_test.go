package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/tillpos/till/app/register"
)

// TestCaptureSellingScreens writes the selling screenshots in both
// languages and leaves the register with an empty, unpaid sale.
func TestCaptureSellingScreens(t *testing.T) {
	captureSettle = 0
	dir := t.TempDir()
	cat := groceryCatalog()
	j := &fakeJournal{}
	reg := register.New(testConfig(), register.Deps{Catalog: cat, Journal: j, Printer: &fakePrinter{}, Staff: newFakeDirectory()})
	u := New(test.NewTempApp(t), reg, Options{})
	u.scripted()
	if err := u.capturePeople(dir); err != nil { // as captureTo does
		t.Fatal(err)
	}
	if err := u.captureSelling(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"discount", "split", "card", "return", "login", "count", "zreport"} {
		for _, l := range Languages {
			if st, err := os.Stat(filepath.Join(dir, name+"-"+l+".png")); err != nil || st.Size() < 5000 {
				t.Errorf("%s-%s.png: %v", name, l, err)
			}
		}
	}
	if s, _ := reg.Sale(); len(s.Lines) != 0 || len(s.Tenders) != 0 {
		t.Errorf("capture left %d lines, %d tenders", len(s.Lines), len(s.Tenders))
	}
	if n := len(j.entries); n != 0 {
		t.Errorf("capture journaled %d entries", n)
	}
	u.Window().Close()
}
