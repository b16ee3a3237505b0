package register

import (
	"context"
	"fmt"

	"github.com/tillpos/till/app/pos"
)

// Role is what an employee is trusted with.
type Role string

const (
	RoleCashier    Role = "cashier"
	RoleSupervisor Role = "supervisor"
	RoleManager    Role = "manager"
	RoleOwner      Role = "owner"
)

// Action is a guarded thing a cashier may be refused.
type Action string

const (
	ActionPriceOverride     Action = "price_override"
	ActionDiscountOverLimit Action = "discount_over_limit"
	ActionVoidSale          Action = "void_sale" // a completed sale
	ActionRefund            Action = "refund"
	ActionBlindReturn       Action = "blind_return" // no receipt
	ActionNoSale            Action = "no_sale"      // open the drawer without a sale
	ActionPayout            Action = "payout"
	ActionZReport           Action = "z_report"
)

// permissions is the matrix: the lowest role allowed each action.
var permissions = map[Action]Role{
	ActionPriceOverride:     RoleSupervisor,
	ActionDiscountOverLimit: RoleSupervisor,
	ActionVoidSale:          RoleSupervisor,
	ActionRefund:            RoleSupervisor,
	ActionBlindReturn:       RoleManager,
	ActionNoSale:            RoleSupervisor,
	ActionPayout:            RoleManager,
	ActionZReport:           RoleManager,
}

var roleRank = map[Role]int{RoleCashier: 1, RoleSupervisor: 2, RoleManager: 3, RoleOwner: 4}

// Allowed reports whether a role may do an action on its own.
func Allowed(role Role, a Action) bool {
	need, ok := permissions[a]
	if !ok {
		return false // unknown actions are refused, never silently allowed
	}
	return roleRank[role] >= roleRank[need]
}

// Employee is a person who can log in.
type Employee struct {
	ID   string
	Name string
	Role Role
}

// Staff checks PINs and lists the employees. VerifyPIN (an override: any
// employee's PIN) and VerifyEmployeePIN return pos.EUnauthorized for a wrong
// PIN and for a locked employee (after 5 wrong PINs, for 5 minutes), with a
// message fit for the screen.
//
// The login screen lists the employees as tiles and checks the PIN of the
// one chosen: choosing first (as Square and Lightspeed do) costs one PIN hash
// per try instead of one per employee, and lets a wrong PIN count against
// that employee's lockout.
type Staff interface {
	VerifyPIN(ctx context.Context, pin string) (Employee, error)
	Employees(ctx context.Context) ([]Employee, error)
	VerifyEmployeePIN(ctx context.Context, employeeID, pin string) (Employee, error)
}

// Override is a manager's approval of a guarded action.
type Override struct {
	PIN    string // the approving employee's PIN
	Reason string
}

// ErrNeedsOverride means the current cashier may not do the action alone:
// the UI asks for a manager's PIN and a reason and calls again with them.
var ErrNeedsOverride = pos.Errorf(pos.EUnauthorized, "This needs a manager's approval.")

// OverrideRecord is the journal payload of an approved override: it names
// the cashier who asked and the employee who approved.
type OverrideRecord struct {
	Action     Action `json:"action"`
	CashierID  string `json:"cashier_id"`
	Cashier    string `json:"cashier"`
	ApproverID string `json:"approver_id"`
	Approver   string `json:"approver"`
	Reason     string `json:"reason"`
	SaleID     string `json:"sale_id,omitempty"`
	Detail     string `json:"detail,omitempty"`
}

// Authorize decides whether the logged-in cashier may do a: alone when the
// role allows it, else with ov, a PIN of an employee whose role allows it and
// a reason. An approved override is journaled (with both employees) before
// Authorize returns. It returns who authorised the action.
func (r *Register) Authorize(ctx context.Context, a Action, ov *Override, detail string) (Employee, error) {
	r.mu.Lock()
	cashier, role, saleID := r.cashier, r.role, r.sale.ID
	r.mu.Unlock()
	if Allowed(role, a) {
		return Employee{ID: cashier.ID, Name: cashier.Name, Role: role}, nil
	}
	if ov == nil {
		return Employee{}, ErrNeedsOverride
	}
	if r.deps.Staff == nil {
		return Employee{}, pos.Errorf(pos.EUnavailable, "No employees are set up on this register.")
	}
	if len([]rune(ov.Reason)) < 3 {
		return Employee{}, pos.Errorf(pos.EInvalid, "Enter a reason for the override.")
	}
	approver, err := r.deps.Staff.VerifyPIN(ctx, ov.PIN)
	releasePINMemory()
	if err != nil {
		return Employee{}, err
	}
	if !Allowed(approver.Role, a) {
		return Employee{}, pos.Errorf(pos.EUnauthorized, "%s may not approve this either.", approver.Name)
	}
	rec := OverrideRecord{Action: a, CashierID: cashier.ID, Cashier: cashier.Name, ApproverID: approver.ID,
		Approver: approver.Name, Reason: ov.Reason, SaleID: saleID, Detail: detail}
	// Committed like every entry: OnCommitted wakes the syncer for it too.
	if _, err := r.commit(ctx, pos.EntryOverride, newID(), r.deps.Clock.Now(), value(rec)); err != nil {
		return Employee{}, fmt.Errorf("journal override: %w", err)
	}
	return approver, nil
}
