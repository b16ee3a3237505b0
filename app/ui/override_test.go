package ui

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"fyne.io/fyne/v2/lang"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// fakeStaff knows PINs by employee; a PIN identifies its employee.
type fakeStaff struct{ byPIN map[string]register.Employee }

func newFakeStaff() *fakeStaff {
	return &fakeStaff{byPIN: map[string]register.Employee{
		"1111": {ID: "e-anna", Name: "Anna", Role: register.RoleCashier},
		"2222": {ID: "e-ben", Name: "Ben", Role: register.RoleSupervisor},
		"3333": {ID: "e-clara", Name: "Clara", Role: register.RoleManager},
	}}
}

func (s *fakeStaff) VerifyPIN(_ context.Context, pin string) (register.Employee, error) {
	if e, ok := s.byPIN[pin]; ok {
		return e, nil
	}
	return register.Employee{}, pos.Errorf(pos.EUnauthorized, "Wrong PIN.")
}

// Employees lists none: fakeStaff checks override PINs only, so the login
// screen has no tiles (fakeDirectory has them).
func (s *fakeStaff) Employees(context.Context) ([]register.Employee, error) { return nil, nil }

func (s *fakeStaff) VerifyEmployeePIN(ctx context.Context, id, pin string) (register.Employee, error) {
	if e, err := s.VerifyPIN(ctx, pin); err == nil && e.ID == id {
		return e, nil
	}
	return register.Employee{}, pos.Errorf(pos.EUnauthorized, "Wrong PIN.")
}

func (j *fakeJournal) overrides(t *testing.T) []register.OverrideRecord {
	t.Helper()
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []register.OverrideRecord
	for _, e := range j.entries {
		if e.Kind != pos.EntryOverride {
			continue
		}
		var rec register.OverrideRecord
		if err := json.Unmarshal(e.Payload, &rec); err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
	}
	return out
}

func TestOverrideDialogApprovesWithManagerPIN(t *testing.T) {
	h := newStaffHarness(t, register.Deps{Staff: newFakeStaff()})
	h.reg.SetEmployee(register.Employee{ID: "e-anna", Name: "Anna", Role: register.RoleCashier})
	calls, done := 0, 0
	var approver register.Employee
	h.u.withOverride(register.ActionPayout, "Payout 5,00 €", func(ov *register.Override) error {
		calls++
		var err error
		approver, err = h.reg.Authorize(context.Background(), register.ActionPayout, ov, "payout 500")
		return err
	}, func(err error) {
		if err != nil {
			t.Errorf("onDone(%v)", err)
		}
		done++
	})
	d := h.u.override
	if d == nil || calls != 1 {
		t.Fatalf("no dialog after a refused payout (calls %d)", calls)
	}
	if !d.ok.Disabled() {
		t.Fatal("Approve enabled without PIN and reason")
	}
	// A cashier's PIN cannot approve: the dialog stays, says why, clears the PIN.
	h.typeOn(d.pad, "1", "1", "1", "1")
	h.tap(d.reasons["Petty cash"])
	h.tap(d.ok)
	if h.u.override != d || d.errText.Text == "" || d.pin != "" {
		t.Fatalf("cashier PIN: dialog %v, error %q, pin %q", h.u.override != nil, d.errText.Text, d.pin)
	}
	// The supervisor may not either (payout needs a manager).
	h.typeOn(d.pad, "2", "2", "2", "2")
	h.tap(d.ok)
	if h.u.override != d || d.errText.Text == "" {
		t.Fatal("supervisor approved a payout")
	}
	h.typeOn(d.pad, "3", "3", "3", "3")
	h.tap(d.ok)
	if h.u.override != nil || done != 1 || approver.ID != "e-clara" {
		t.Fatalf("manager PIN: dialog open %v, done %d, approver %+v", h.u.override != nil, done, approver)
	}
	ovs := h.journal.overrides(t)
	if len(ovs) != 1 || ovs[0].CashierID != "e-anna" || ovs[0].ApproverID != "e-clara" || ovs[0].Reason != lang.L("Petty cash") || ovs[0].Action != register.ActionPayout {
		t.Fatalf("journaled overrides = %+v", ovs)
	}
	// 4 PIN keys + reason + Approve, twice more 4 + Approve.
	if h.taps != 16 {
		t.Errorf("taps = %d, want 16", h.taps)
	}
}

func TestOverrideDialogCancelDoesNothing(t *testing.T) {
	h := newStaffHarness(t, register.Deps{Staff: newFakeStaff()})
	h.reg.SetEmployee(register.Employee{ID: "e-anna", Name: "Anna", Role: register.RoleCashier})
	called := false
	h.u.withOverride(register.ActionNoSale, "", func(ov *register.Override) error {
		_, err := h.reg.Authorize(context.Background(), register.ActionNoSale, ov, "")
		return err
	}, func(error) { called = true })
	h.tap(h.u.override.cancel)
	if h.u.override != nil || called || len(h.journal.overrides(t)) != 0 {
		t.Fatalf("cancel: dialog %v, onDone %v", h.u.override != nil, called)
	}
}

func TestOverrideNotNeededRunsOnce(t *testing.T) {
	h := newStaffHarness(t, register.Deps{Staff: newFakeStaff()})
	h.reg.SetEmployee(register.Employee{ID: "e-clara", Name: "Clara", Role: register.RoleManager})
	var got error = errors.New("not called")
	h.u.withOverride(register.ActionPayout, "", func(ov *register.Override) error {
		if ov != nil {
			t.Error("override asked of a manager")
		}
		_, err := h.reg.Authorize(context.Background(), register.ActionPayout, ov, "")
		return err
	}, func(err error) { got = err })
	if got != nil || h.u.override != nil {
		t.Fatalf("manager: err %v, dialog %v", got, h.u.override != nil)
	}
}
