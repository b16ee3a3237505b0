package ui

import (
	"context"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/tillpos/till/app/pos"
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
	h.u = New(a, h.reg, Options{})
	h.u.jobs.wait() // the login screen loads on the job queue
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

// fakeDirectory is fakeStaff with tiles: it also lists the employees and
// checks one chosen employee's PIN.
type fakeDirectory struct{ *fakeStaff }

func newFakeDirectory() fakeDirectory { return fakeDirectory{newFakeStaff()} }

func (d fakeDirectory) Employees(context.Context) ([]register.Employee, error) {
	var out []register.Employee
	for _, pin := range []string{"1111", "2222", "3333"} {
		out = append(out, d.byPIN[pin])
	}
	return out, nil
}

func (d fakeDirectory) VerifyEmployeePIN(_ context.Context, id, pin string) (register.Employee, error) {
	if e, ok := d.byPIN[pin]; ok && e.ID == id {
		return e, nil
	}
	return register.Employee{}, pos.Errorf(pos.EUnauthorized, "Wrong PIN. Try again.")
}

// The fake journal reads back like the store does (register.Journal).

func (j *fakeJournal) EntriesOfKind(_ context.Context, afterSeq int64, kinds ...pos.EntryKind) ([]pos.Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []pos.Entry
	for _, e := range j.entries {
		if e.Seq > afterSeq && slices.Contains(kinds, e.Kind) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (j *fakeJournal) LastOfKind(_ context.Context, kinds ...pos.EntryKind) (pos.Entry, bool, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := len(j.entries) - 1; i >= 0; i-- {
		if slices.Contains(kinds, j.entries[i].Kind) {
			return j.entries[i], true, nil
		}
	}
	return pos.Entry{}, false, nil
}

func (j *fakeJournal) Entries(_ context.Context, afterSeq int64, limit int) ([]pos.Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []pos.Entry
	for _, e := range j.entries {
		if e.Seq > afterSeq && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

func (j *fakeJournal) kinds(kind pos.EntryKind) []pos.Entry {
	es, _ := j.EntriesOfKind(context.Background(), 0, kind)
	return es
}

func (j *fakeJournal) verify(t *testing.T) {
	t.Helper()
	j.mu.Lock()
	defer j.mu.Unlock()
	v := pos.NewChainVerifier(0, "")
	for _, e := range j.entries {
		if err := v.Next(e); err != nil {
			t.Fatal(err)
		}
	}
}

// fakeDrawer counts drawer kicks.
type fakeDrawer struct{ opens int }

func (d *fakeDrawer) OpenDrawer(context.Context) error { d.opens++; return nil }
