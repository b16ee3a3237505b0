package store

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/pinhash"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/pos/catalogfile"
	"github.com/tillpos/till/app/register"
)

// testPINParams make test imports cheap; app/pinhash's
// TestPINHashTakesTensOfMilliseconds checks the real cost.
var testPINParams = pinhash.Cheap

type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *stepClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// mustStaff is a database with the demo catalog and its four employees and
// a clock the test moves.
func mustStaff(t *testing.T) (*DB, *stepClock) {
	t.Helper()
	db := MustSeedDemo(t)
	c := &stepClock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	db.SetClock(c)
	return db, c
}

func TestDemoEmployeesArePINHashedOnImport(t *testing.T) {
	t.Parallel()
	db, _ := mustStaff(t)
	ctx := context.Background()
	emps, err := db.Employees(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range emps {
		names = append(names, e.Name+":"+string(e.Role))
	}
	if got := strings.Join(names, " "); got != "Anna:cashier Ben:supervisor Clara:manager Dana:owner" {
		t.Fatalf("employees = %s", got)
	}
	// The PIN is nowhere in the row: only a 32-byte hash, a 16-byte salt and the parameters.
	rows, err := db.r.QueryContext(ctx, `SELECT pin_hash, pin_salt, pin_params FROM employees`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var hash, salt []byte
		var params string
		if err := rows.Scan(&hash, &salt, &params); err != nil {
			t.Fatal(err)
		}
		if len(hash) != 32 || len(salt) != 16 || params != testPINParams.String() {
			t.Fatalf("hash %d bytes, salt %d bytes, params %q", len(hash), len(salt), params)
		}
		for _, pin := range []string{"1111", "2222", "3333", "4444"} {
			if bytes.Contains(hash, []byte(pin)) || strings.Contains(params, pin) {
				t.Fatal("PIN stored in clear")
			}
		}
	}
	e, err := db.VerifyEmployeePIN(ctx, "emp-clara", "3333")
	if err != nil || e.Name != "Clara" || e.Role != register.RoleManager {
		t.Fatalf("VerifyEmployeePIN = %+v, %v", e, err)
	}
}

func TestWrongPINsLockOneEmployeeForFiveMinutes(t *testing.T) {
	t.Parallel()
	db, clock := mustStaff(t)
	ctx := context.Background()
	for i := 1; i < MaxPINAttempts; i++ {
		if _, err := db.VerifyEmployeePIN(ctx, "emp-anna", "9999"); !errors.Is(err, ErrWrongPIN) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	// A right PIN before the limit resets the count.
	if _, err := db.VerifyEmployeePIN(ctx, "emp-anna", "1111"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= MaxPINAttempts; i++ {
		_, err := db.VerifyEmployeePIN(ctx, "emp-anna", "0000")
		if i < MaxPINAttempts && !errors.Is(err, ErrWrongPIN) || i == MaxPINAttempts && !strings.Contains(pos.ErrorMessage(err), "locked") {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	// Locked: even the right PIN is refused; other employees are not affected.
	_, err := db.VerifyEmployeePIN(ctx, "emp-anna", "1111")
	if pos.ErrorCode(err) != pos.EUnauthorized || !strings.Contains(err.Error(), "5 min") {
		t.Fatalf("locked employee, right PIN: %v", err)
	}
	if _, err := db.VerifyEmployeePIN(ctx, "emp-ben", "2222"); err != nil {
		t.Fatalf("Ben is locked by Anna's tries: %v", err)
	}
	// PIN-only checks skip a locked employee.
	if _, err := db.VerifyPIN(ctx, "1111"); err == nil {
		t.Fatal("a locked employee's PIN approved an override")
	}
	clock.add(PINLockout - time.Second)
	if _, err := db.VerifyEmployeePIN(ctx, "emp-anna", "1111"); err == nil {
		t.Fatal("unlocked a second early")
	}
	clock.add(time.Second)
	if e, err := db.VerifyEmployeePIN(ctx, "emp-anna", "1111"); err != nil || e.ID != "emp-anna" {
		t.Fatalf("after 5 min: %+v %v", e, err)
	}
	// The lock survives a restart: it is in the database.
	for range MaxPINAttempts {
		db.VerifyEmployeePIN(ctx, "emp-ben", "0000")
	}
	var until int64
	if err := db.r.QueryRowContext(ctx, `SELECT locked_until FROM employees WHERE id = 'emp-ben'`).Scan(&until); err != nil || until != clock.Now().Add(PINLockout).UnixMilli() {
		t.Fatalf("Ben's lock in the database = %d, %v", until, err)
	}
}

func TestPINOnlyFindsTheEmployeeAndCountsMisses(t *testing.T) {
	t.Parallel()
	db, clock := mustStaff(t)
	ctx := context.Background()
	e, err := db.VerifyPIN(ctx, "3333")
	if err != nil || e.ID != "emp-clara" {
		t.Fatalf("VerifyPIN(3333) = %+v, %v", e, err)
	}
	// A PIN that matches nobody still counts: 5 lock PIN-only entry.
	for i := 1; i <= MaxPINAttempts; i++ {
		_, err := db.VerifyPIN(ctx, "5678")
		if pos.ErrorCode(err) != pos.EUnauthorized {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	if _, err := db.VerifyPIN(ctx, "3333"); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("after 5 misses: %v", err)
	}
	clock.add(PINLockout)
	if _, err := db.VerifyPIN(ctx, "3333"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "123", "1234567", "12a4"} {
		if _, err := db.VerifyPIN(ctx, bad); err == nil {
			t.Errorf("PIN %q accepted", bad)
		}
	}
}

func TestImportRejectsBadEmployees(t *testing.T) {
	t.Parallel()
	db := MustSeedDemo(t)
	bad := `{"version":1,"tax_rates":[],"categories":[],"products":[],"employees":[
		{"id":"x","name":"X","role":"cashier","pin":"12"},
		{"id":"y","name":"Y","role":"boss","pin":"1234"},
		{"id":"","name":"Z","role":"cashier","pin":"1234"}]}`
	err := db.ImportCatalog(context.Background(), strings.NewReader(bad))
	var ie *catalogfile.ImportError
	if !errors.As(err, &ie) || len(ie.Problems) != 3 {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"4 to 6 digits", `role "boss"`, "has no id"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

// The catalog format names the roles as strings (it cannot import
// app/register); they must be exactly the register's roles.
func TestCatalogRolesAreTheRegistersRoles(t *testing.T) {
	t.Parallel()
	want := []string{string(register.RoleCashier), string(register.RoleSupervisor), string(register.RoleManager), string(register.RoleOwner)}
	if !slices.Equal(catalogfile.Roles, want) {
		t.Errorf("catalogfile.Roles = %v, register roles %v", catalogfile.Roles, want)
	}
}
