package store

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/pos/catalogfile"
)

// pinHashWith encodes a PIN hash string with these parameters as written,
// without running argon2 (the hash part is only checked for its length).
func pinHashWith(params string) string {
	enc := base64.RawStdEncoding
	return params + "$" + enc.EncodeToString(make([]byte, 16)) + "$" + enc.EncodeToString(make([]byte, 32))
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
		page := []catalogfile.Item{item(t, catalogfile.KindEmployee, "evil", catalogfile.Employee{Name: "Eve", Role: "manager", PINHash: h})}
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
