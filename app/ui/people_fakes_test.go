package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tillpos/till/app/register"
)

// newStaffHarness is newHarness with employees: deps may set Staff, Drawer
// and the like; the catalog, journal, printer and clock are the harness's.
func newStaffHarness(t *testing.T, deps register.Deps) *harness {
	t.Helper()
	a := test.NewTempApp(t)
	h := &harness{t: t, cat: groceryCatalog(), journal: &fakeJournal{},
		clock: time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)}
	deps.Catalog, deps.Journal = h.cat, h.journal
	if deps.Printer == nil {
		deps.Printer = &fakePrinter{}
	}
	deps.Clock = harnessClock{h}
	h.reg = register.New(testConfig(), deps)
	h.u = New(a, h.reg, Options{Catalog: h.cat})
	h.u.now = func() time.Time { return h.clock }
	h.u.async = func(work, then func()) { work(); then() }
	h.u.after = func(_ time.Duration, f func()) { h.timers = append(h.timers, f) }
	h.u.Window().Resize(fyne.NewSize(1280, 800))
	h.u.Window().Show()
	t.Cleanup(h.u.Window().Close)
	return h
}

// harnessClock is the register's clock, moved by the test.
type harnessClock struct{ h *harness }

func (c harnessClock) Now() time.Time { return c.h.clock }
