package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/lang"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// noStaff is the staff directory of a new register: nobody in it yet.
type noStaff struct{}

func (noStaff) Employees(context.Context) ([]register.Employee, error) { return nil, nil }
func (noStaff) VerifyPIN(context.Context, string) (register.Employee, error) {
	return register.Employee{}, pos.Errorf(pos.EUnauthorized, "Wrong PIN.")
}
func (noStaff) VerifyEmployeePIN(context.Context, string, string) (register.Employee, error) {
	return register.Employee{}, pos.Errorf(pos.EUnauthorized, "Wrong PIN.")
}

// TestNewRegisterWithoutStaffSaysHowToGetSome: a register whose database
// has no employees (not the demo, not enrolled) starts locked on the login
// screen, which says there is no one yet and how to get employees, instead
// of a sale screen that refuses every scan with "Log in to sell".
func TestNewRegisterWithoutStaffSaysHowToGetSome(t *testing.T) {
	h := newStaffHarness(t, register.Deps{Staff: noStaff{}})
	h.onScreen(h.u.login.content, "login")
	if got, want := h.u.login.title.Text, lang.L("No employees yet"); got != want {
		t.Errorf("login title %q, want %q", got, want)
	}
	if got, want := h.u.login.msg.Text, lang.L("Enroll this register with the head office, or import a catalog with employees."); got != want || want == "" {
		t.Errorf("login message %q, want %q", got, want)
	}
	h.typeOn(h.u.login.pad, "4", "4", "4", "4")
	if !h.u.login.ok.Disabled() {
		t.Error("Log in is enabled with no one to log in")
	}
	if h.u.login.msg.Text == "" {
		t.Error("typing on the keypad cleared the explanation")
	}
}
