package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/tillpos/till/app/pinhash"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/pos/catalogfile"
	"github.com/tillpos/till/app/register"
)

var _ register.Staff = (*DB)(nil)

// Lockout rule: MaxPINAttempts wrong PINs in a row lock for PINLockout.
const (
	MaxPINAttempts = 5
	PINLockout     = 5 * time.Minute
)

// pinCost is the argon2id cost for new hashes: pinhash.Default unless a
// test lowered it (UseCheapPINHashes) to keep hundreds of imports fast.
func (db *DB) pinCost() pinhash.Params {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.pinParams == (pinhash.Params{}) {
		return pinhash.Default
	}
	return db.pinParams
}

// UseCheapPINHashes makes the PIN hashes written from now on (demo seed,
// imports) cost almost nothing to check, so tests in other packages that log
// in and approve overrides run in milliseconds. Never in a register: the
// stored hash keeps its cost, and TestPINHashTakesTensOfMilliseconds guards
// the production parameters.
func (db *DB) UseCheapPINHashes() {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.pinParams = pinhash.Cheap
}

// SetClock sets the clock the lockout uses (tests move it); nil is the wall clock.
func (db *DB) SetClock(c register.Clock) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.clock = c
}

func (db *DB) now() time.Time {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.clock == nil {
		return time.Now()
	}
	return db.clock.Now()
}

// Employees lists the active employees in display order (sort, then name).
func (db *DB) Employees(ctx context.Context) ([]register.Employee, error) {
	out, err := queryAll(ctx, db.r, func(row scanner) (register.Employee, error) {
		var e register.Employee
		var role string
		err := row.Scan(&e.ID, &e.Name, &role)
		e.Role = register.Role(role)
		return e, err
	}, `SELECT id, name, role FROM employees WHERE active = 1 ORDER BY sort, name`)
	if err != nil {
		return nil, fmt.Errorf("store: employees: %w", err)
	}
	return out, nil
}

// SetEmployee creates or updates an employee with a new PIN (hashed here;
// the PIN itself is never stored).
func (db *DB) SetEmployee(ctx context.Context, e register.Employee, pin string) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: set employee: %w", err)
	}
	defer tx.Rollback()
	if err := upsertEmployee(ctx, tx, catalogfile.Employee{ID: e.ID, Name: e.Name, Role: string(e.Role), PIN: pin}, db.pinCost()); err != nil {
		return err
	}
	return tx.Commit()
}

func upsertEmployee(ctx context.Context, tx *sql.Tx, e catalogfile.Employee, p pinhash.Params) error {
	var hash, salt []byte
	params := p.String()
	switch {
	case pos.ValidPIN(e.PIN):
		hash, salt = pinhash.New(p, e.PIN)
	case e.PIN == "" && e.PINHash != "":
		var err error
		if params, salt, hash, err = pinhash.Decode(e.PINHash); err != nil {
			return pos.Errorf(pos.EInvalid, "Employee %s has an unreadable PIN hash.", e.ID)
		}
	default:
		return pos.Errorf(pos.EInvalid, "A PIN is 4 to 6 digits.")
	}
	active := e.Active == nil || *e.Active
	_, err := tx.ExecContext(ctx, `INSERT INTO employees (id, name, role, pin_hash, pin_salt, pin_params, active, sort)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, pin_hash = excluded.pin_hash,
			pin_salt = excluded.pin_salt, pin_params = excluded.pin_params, active = excluded.active,
			sort = excluded.sort, failed_attempts = 0, locked_until = 0`,
		e.ID, e.Name, e.Role, hash, salt, params, active, e.Sort)
	if err != nil {
		return fmt.Errorf("store: employee %q: %w", e.ID, err)
	}
	return nil
}

type pinRow struct {
	emp           register.Employee
	hash, salt    []byte
	params        string
	failed        int
	lockedUntilMS int64
}

// matches: parameters out of range (stored before they were checked) are no
// match, never an argon2 panic in the middle of an override.
func (r pinRow) matches(pin string) bool { return pinhash.Match(r.params, r.salt, r.hash, pin) }

const pinColumns = `id, name, role, pin_hash, pin_salt, pin_params, failed_attempts, locked_until`

func scanPINRow(row scanner) (pinRow, error) {
	var r pinRow
	var role string
	err := row.Scan(&r.emp.ID, &r.emp.Name, &role, &r.hash, &r.salt, &r.params, &r.failed, &r.lockedUntilMS)
	r.emp.Role = register.Role(role)
	return r, err
}

func errLocked(name string, until time.Time, now time.Time) error {
	mins := int(until.Sub(now).Round(time.Minute) / time.Minute)
	if mins < 1 {
		mins = 1
	}
	return pos.Errorf(pos.EUnauthorized, "%s is locked after %d wrong PINs: try again in %d min or ask a manager.", name, MaxPINAttempts, mins)
}

// ErrWrongPIN is a PIN that does not match.
var ErrWrongPIN = pos.Errorf(pos.EUnauthorized, "Wrong PIN. Try again.")

// VerifyEmployeePIN checks the PIN of one employee, chosen on the login
// screen: one argon2id hash per try, and a wrong PIN counts against that
// employee (5 in a row lock them for 5 minutes, even the right PIN then).
func (db *DB) VerifyEmployeePIN(ctx context.Context, employeeID, pin string) (register.Employee, error) {
	now := db.now()
	r, err := scanPINRow(db.r.QueryRowContext(ctx, `SELECT `+pinColumns+` FROM employees WHERE id = ? AND active = 1`, employeeID))
	if errors.Is(err, sql.ErrNoRows) {
		return register.Employee{}, pos.Errorf(pos.ENotFound, "No such employee on this register.")
	} else if err != nil {
		return register.Employee{}, fmt.Errorf("store: verify PIN: %w", err)
	}
	if until := time.UnixMilli(r.lockedUntilMS); now.Before(until) {
		return register.Employee{}, errLocked(r.emp.Name, until, now)
	}
	if pos.ValidPIN(pin) && r.matches(pin) {
		if r.failed != 0 || r.lockedUntilMS != 0 {
			if _, err := db.w.ExecContext(ctx, `UPDATE employees SET failed_attempts = 0, locked_until = 0 WHERE id = ?`, r.emp.ID); err != nil {
				return register.Employee{}, fmt.Errorf("store: verify PIN: %w", err)
			}
		}
		return r.emp, nil
	}
	locked, err := db.countMiss(ctx, `employees`, `id = ?`, r.emp.ID, now)
	if err != nil {
		return register.Employee{}, err
	}
	if locked {
		return register.Employee{}, errLocked(r.emp.Name, now.Add(PINLockout), now)
	}
	return register.Employee{}, ErrWrongPIN
}

// countMiss adds a wrong PIN to a row of table and locks it at the limit;
// it reports whether the row is now locked. One UPDATE: two registers (or two
// taps) cannot both read the old count.
func (db *DB) countMiss(ctx context.Context, table, where string, arg any, now time.Time) (bool, error) {
	var lockedUntil int64
	err := db.w.QueryRowContext(ctx, `UPDATE `+table+` SET
			failed_attempts = CASE WHEN failed_attempts + 1 >= ? THEN 0 ELSE failed_attempts + 1 END,
			locked_until    = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE locked_until END
		WHERE `+where+` RETURNING locked_until`,
		MaxPINAttempts, MaxPINAttempts, now.Add(PINLockout).UnixMilli(), arg).Scan(&lockedUntil)
	if err != nil {
		return false, fmt.Errorf("store: count wrong PIN: %w", err)
	}
	return lockedUntil > now.UnixMilli(), nil
}

// VerifyPIN finds the employee whose PIN this is, for a manager's override
// where only a PIN is typed. It tries each active, unlocked employee, highest
// role first (the approver is usually a manager, so usually one hash). A PIN
// that matches nobody cannot be blamed on anyone: such misses count for the
// whole register, and 5 in a row refuse PIN-only checks for 5 minutes.
func (db *DB) VerifyPIN(ctx context.Context, pin string) (register.Employee, error) {
	now := db.now()
	var guardUntil int64
	if err := db.r.QueryRowContext(ctx, `SELECT locked_until FROM pin_guard WHERE id = 1`).Scan(&guardUntil); err != nil {
		return register.Employee{}, fmt.Errorf("store: verify PIN: %w", err)
	}
	if until := time.UnixMilli(guardUntil); now.Before(until) {
		return register.Employee{}, errLocked("PIN entry", until, now)
	}
	cands, err := queryAll(ctx, db.r, scanPINRow, `SELECT `+pinColumns+` FROM employees WHERE active = 1 AND locked_until <= ?`, now.UnixMilli())
	if err != nil {
		return register.Employee{}, fmt.Errorf("store: verify PIN: %w", err)
	}
	rank := map[register.Role]int{register.RoleOwner: 0, register.RoleManager: 1, register.RoleSupervisor: 2, register.RoleCashier: 3}
	sort.SliceStable(cands, func(i, j int) bool { return rank[cands[i].emp.Role] < rank[cands[j].emp.Role] })
	if pos.ValidPIN(pin) {
		for _, r := range cands {
			if r.matches(pin) {
				if _, err := db.w.ExecContext(ctx, `UPDATE pin_guard SET failed_attempts = 0 WHERE id = 1`); err != nil {
					return register.Employee{}, fmt.Errorf("store: verify PIN: %w", err)
				}
				return r.emp, nil
			}
		}
	}
	locked, err := db.countMiss(ctx, `pin_guard`, `id = ?`, 1, now)
	if err != nil {
		return register.Employee{}, err
	}
	if locked {
		return register.Employee{}, errLocked("PIN entry", now.Add(PINLockout), now)
	}
	return register.Employee{}, ErrWrongPIN
}
