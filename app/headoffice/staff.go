package headoffice

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/tillpos/till/app/pos"
)

// Employee is a person who logs in at the registers with a PIN (the
// catalog's employee record; the PIN itself is never kept).
type Employee struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Role    string `json:"role"`
	PINHash string `json:"pin_hash,omitempty"`
	Active  *bool  `json:"active,omitempty"`
	Sort    int    `json:"sort,omitempty"`
}

// IsActive: an employee without the field is active.
func (e Employee) IsActive() bool { return e.Active == nil || *e.Active }

// EmployeeRoles are the register's roles, least to most allowed.
var EmployeeRoles = []string{"cashier", "supervisor", "manager", "owner"}

// Employees lists the employees the registers get, by name.
func (h *HeadOffice) Employees(ctx context.Context) ([]Employee, error) {
	stores, err := h.d.Registry.Stores(ctx)
	if err != nil || len(stores) == 0 {
		return nil, err
	}
	// Employees are chain-wide: every store's catalog has the same ones.
	snap, err := h.d.Catalog.CatalogSnapshot(ctx, stores[0].ID)
	if err != nil {
		return nil, err
	}
	var out []Employee
	for _, r := range snap.Records {
		if r.Kind != "employee" {
			continue
		}
		var e Employee
		if err := json.Unmarshal(r.Data, &e); err != nil {
			return nil, fmt.Errorf("headoffice: employee %s: %w", r.ID, err)
		}
		e.ID = r.ID
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Employee) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (h *HeadOffice) employee(ctx context.Context, id string) (Employee, error) {
	es, err := h.Employees(ctx)
	if err != nil {
		return Employee{}, err
	}
	for _, e := range es {
		if e.ID == id {
			return e, nil
		}
	}
	return Employee{}, fmt.Errorf("employee %q: %w", id, ErrNotFound)
}

// newPIN is six random digits.
func newPIN() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000)) // crypto/rand never fails
	return fmt.Sprintf("%06d", n.Int64())
}

type employeeAudit struct {
	Name   string `json:"name"`
	Role   string `json:"role"`
	Active bool   `json:"active"`
}

// AddEmployee adds an employee with a fresh PIN, returned to be shown
// once; only its hash travels to the registers.
func (h *HeadOffice) AddEmployee(ctx context.Context, id, name, role string) (pin string, err error) {
	if !slices.Contains(EmployeeRoles, role) {
		return "", pos.Errorf(pos.EInvalid, "the role is one of %s", strings.Join(EmployeeRoles, ", "))
	}
	if _, err := h.employee(ctx, id); err == nil {
		return "", fmt.Errorf("employee %q: %w", id, ErrExists)
	}
	pin = newPIN()
	body, _ := json.Marshal(map[string]any{"name": name, "role": role, "pin": pin}) // strings always marshal
	if _, err := h.d.CatalogFiles.SetEmployee(ctx, id, body); err != nil {
		return "", err
	}
	return pin, h.audit(ctx, "employee.add", id, nil, employeeAudit{name, role, true})
}

// ResetEmployeePIN gives an employee a fresh PIN, returned to be shown once.
func (h *HeadOffice) ResetEmployeePIN(ctx context.Context, id string) (string, error) {
	e, err := h.employee(ctx, id)
	if err != nil {
		return "", err
	}
	pin := newPIN()
	body, _ := json.Marshal(map[string]any{"name": e.Name, "role": e.Role, "pin": pin, "active": e.IsActive(), "sort": e.Sort})
	if _, err := h.d.CatalogFiles.SetEmployee(ctx, id, body); err != nil {
		return "", err
	}
	return pin, h.audit(ctx, "employee.pin_reset", id, nil, nil)
}

// SetEmployeeActive deactivates (or reactivates) an employee: a deactivated
// one can no longer log in at any register after its next sync.
func (h *HeadOffice) SetEmployeeActive(ctx context.Context, id string, active bool) error {
	e, err := h.employee(ctx, id)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"name": e.Name, "role": e.Role, "pin_hash": e.PINHash, "active": active, "sort": e.Sort})
	if _, err := h.d.CatalogFiles.SetEmployee(ctx, id, body); err != nil {
		return err
	}
	return h.audit(ctx, "employee.active", id, employeeAudit{e.Name, e.Role, e.IsActive()}, employeeAudit{e.Name, e.Role, active})
}
