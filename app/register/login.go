package register

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/tillpos/till/app/pos"
)

// ClockRecord is the journal payload of a clock in or out.
type ClockRecord struct {
	EmployeeID string    `json:"employee_id"`
	Employee   string    `json:"employee"`
	In         bool      `json:"in"` // false: clocked out
	At         time.Time `json:"at"`
}

// Employees lists who can log in; none when the register has no staff set up.
func (r *Register) Employees(ctx context.Context) ([]Employee, error) {
	if r.deps.Staff == nil {
		return nil, nil
	}
	return r.deps.Staff.Employees(ctx)
}

// Current is who is logged in; ok is false when the register is locked.
func (r *Register) Current() (e Employee, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Employee{ID: r.cashier.ID, Name: r.cashier.Name, Role: r.role}, r.role != ""
}

// Login checks the chosen employee's PIN and makes them the cashier; the open
// sale (if any) stays and carries on under their name. An employee not
// clocked in is clocked in (journaled). It reports whether it clocked them in.
func (r *Register) Login(ctx context.Context, employeeID, pin string) (Employee, bool, error) {
	if r.deps.Staff == nil {
		return Employee{}, false, pos.Errorf(pos.EUnavailable, "No employees are set up on this register.")
	}
	e, err := r.deps.Staff.VerifyEmployeePIN(ctx, employeeID, pin)
	releasePINMemory()
	if err != nil {
		return Employee{}, false, err
	}
	in, err := r.ClockedIn(ctx)
	if err != nil {
		return Employee{}, false, err
	}
	clocked := false
	if _, ok := in[e.ID]; !ok {
		if err := r.clock(ctx, e, true); err != nil {
			return Employee{}, false, err
		}
		clocked = true
	}
	r.SetEmployee(e)
	return e, clocked, nil
}

// Lock logs the cashier out for a quick switch: the open sale stays as it is
// for whoever logs in next.
func (r *Register) Lock() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cashier, r.role = Cashier{}, ""
}

// ClockOut records the logged-in employee's clock out and locks the register.
func (r *Register) ClockOut(ctx context.Context) error {
	e, ok := r.Current()
	if !ok {
		return pos.Errorf(pos.EConflict, "Nobody is logged in.")
	}
	if err := r.clock(ctx, e, false); err != nil {
		return err
	}
	r.Lock()
	return nil
}

func (r *Register) clock(ctx context.Context, e Employee, in bool) error {
	now := r.deps.Clock.Now().UTC().Truncate(time.Millisecond)
	rec := ClockRecord{EmployeeID: e.ID, Employee: e.Name, In: in, At: now}
	if _, err := r.commit(ctx, pos.EntryClockInOut, newID(), now, value(rec)); err != nil {
		return fmt.Errorf("journal clock: %w", err)
	}
	return nil
}

// ClockedIn returns who is clocked in and since when (the journal's
// clocked-in state, Journal.ClockedIn).
func (r *Register) ClockedIn(ctx context.Context) (map[string]time.Time, error) {
	in, err := r.deps.Journal.ClockedIn(ctx)
	if err != nil {
		return nil, fmt.Errorf("clocked in: %w", err)
	}
	return in, nil
}

// FoldClockedIn is who is clocked in after these clock entries, in order:
// the definition Journal.ClockedIn keeps as state (fakes use it directly).
func FoldClockedIn(entries []pos.Entry) (map[string]time.Time, error) {
	in := map[string]time.Time{}
	for _, e := range entries {
		if e.Kind != pos.EntryClockInOut {
			continue
		}
		var rec ClockRecord
		if err := json.Unmarshal(e.Payload, &rec); err != nil {
			return nil, fmt.Errorf("clock entry %d: %w", e.Seq, err)
		}
		if rec.In {
			in[rec.EmployeeID] = rec.At
		} else {
			delete(in, rec.EmployeeID)
		}
	}
	return in, nil
}

// releasePINMemory hands the PIN hash's memory back to the system: argon2id
// allocates 64 MiB inside the check, and without this the heap keeps it
// (and the GC target it raised) for minutes after every login. A full GC
// here costs a few milliseconds on a path that already spent ~100 ms hashing.
func releasePINMemory() { debug.FreeOSMemory() }
