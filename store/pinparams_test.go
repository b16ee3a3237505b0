package store

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/tillpos/till/app/pos"
)

// pinHashWith encodes a PIN hash string with these parameters as written,
// without running argon2 (the hash part is only checked for its length).
func pinHashWith(params string) string {
	enc := base64.RawStdEncoding
	return params + "$" + enc.EncodeToString(make([]byte, 16)) + "$" + enc.EncodeToString(make([]byte, 32))
}

// Parameters argon2 panics on (t=0, p=0), that wrap (p=256 would become 0),
// or that would take the register's memory or minutes are unreadable.
func TestPINParamsOutOfRangeAreRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		params string
		ok     bool
	}{
		{defaultPINParams.String(), true},
		{testPINParams.String(), true},
		{"argon2id$v=19$m=131072,t=4,p=4", true},
		{"argon2id$v=19$m=65536,t=0,p=2", false},
		{"argon2id$v=19$m=65536,t=3,p=0", false},
		{"argon2id$v=19$m=65536,t=3,p=256", false},
		{"argon2id$v=19$m=65536,t=3,p=258", false},
		{"argon2id$v=19$m=65536,t=3,p=-1", false},
		{"argon2id$v=19$m=0,t=3,p=2", false},
		{"argon2id$v=19$m=8,t=1,p=2", false},           // under argon2's 8 KiB per lane
		{"argon2id$v=19$m=4194304,t=3,p=2", false},     // 4 GiB
		{"argon2id$v=19$m=65536,t=1000000,p=2", false}, // minutes per try
		{"argon2id$v=19$m=65536,t=3,p=2,x=1", false},
		{"argon2id$v=18$m=65536,t=3,p=2", false},
	} {
		_, err := parsePINParams(tc.params)
		if (err == nil) != tc.ok {
			t.Errorf("parsePINParams(%q) = %v, want ok %v", tc.params, err, tc.ok)
		}
	}
}

// A PIN hash from outside (catalog file, head office) is only taken at the
// production cost or higher: the cheap test cost is never reachable from it.
func TestValidPINHashNeedsProductionCost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		params string
		ok     bool
	}{
		{defaultPINParams.String(), true},
		{"argon2id$v=19$m=131072,t=4,p=4", true},
		{"argon2id$v=19$m=8,t=1,p=1", false},
		{testPINParams.String(), false},
		{"argon2id$v=19$m=65536,t=2,p=2", false},
		{"argon2id$v=19$m=32768,t=3,p=2", false},
		{"argon2id$v=19$m=65536,t=0,p=2", false},
		{"argon2id$v=19$m=65536,t=3,p=256", false},
	} {
		if got := ValidPINHash(pinHashWith(tc.params)); got != tc.ok {
			t.Errorf("ValidPINHash(%s) = %v, want %v", tc.params, got, tc.ok)
		}
	}
}

// The reviewer's case: a t=0 hash (and a cheap one) in a catalog file or a
// head-office catalog page is refused, and the PIN check never panics.
func TestImportedWeakOrBrokenPINHashIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustSeedDemo(t)
	db.UseCheapPINHashes() // the test mode must not open the door to cheap imported hashes
	for _, params := range []string{"argon2id$v=19$m=65536,t=0,p=2", "argon2id$v=19$m=8,t=1,p=1", "argon2id$v=19$m=65536,t=3,p=256"} {
		h := pinHashWith(params)
		f := `{"version":1,"tax_rates":[],"categories":[],"products":[],"employees":[{"id":"evil","name":"Eve","role":"manager","pin_hash":"` + h + `"}]}`
		if err := db.ImportCatalog(ctx, strings.NewReader(f)); err == nil {
			t.Errorf("catalog file with PIN hash %s imported", params)
		}
		page := []CatalogItem{item(t, KindEmployee, "evil", CatalogEmployee{Name: "Eve", Role: "manager", PINHash: h})}
		if err := db.ApplyCatalogPage(ctx, page, 1); err == nil {
			t.Errorf("head-office page with PIN hash %s applied", params)
		}
	}
	if _, err := db.VerifyEmployeePIN(ctx, "evil", "1234"); pos.ErrorCode(err) != pos.ENotFound {
		t.Fatalf("the refused employee: %v", err)
	}
	if _, err := db.VerifyPIN(ctx, "9999"); err == nil {
		t.Log("9999 is a demo PIN") // only that it returns, without a panic
	}
}

// Parameters already on disk that argon2 would panic on are no match: every
// override dialog keeps working for the other employees.
func TestBrokenStoredPINParamsNeverMatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustSeedDemo(t)
	emps, err := db.Employees(ctx)
	if err != nil || len(emps) < 2 {
		t.Fatalf("demo employees: %v %v", emps, err)
	}
	broken := emps[0]
	for _, params := range []string{"argon2id$v=19$m=65536,t=0,p=2", "argon2id$v=19$m=65536,t=3,p=0"} {
		if _, err := db.w.ExecContext(ctx, `UPDATE employees SET pin_params = ? WHERE id = ?`, params, broken.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.VerifyEmployeePIN(ctx, broken.ID, "1234"); pos.ErrorCode(err) != pos.EUnauthorized {
			t.Errorf("%s: VerifyEmployeePIN = %v, want a wrong PIN", params, err)
		}
		if _, err := db.VerifyPIN(ctx, "0000"); pos.ErrorCode(err) != pos.EUnauthorized {
			t.Errorf("%s: VerifyPIN = %v, want a wrong PIN", params, err)
		}
	}
}
