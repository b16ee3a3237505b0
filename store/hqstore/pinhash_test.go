package hqstore_test

import (
	"context"
	"encoding/base64"
	"testing"

	"github.com/tillpos/till/app/pinhash"
	"github.com/tillpos/till/app/pos/catalogfile"
	"github.com/tillpos/till/store/hqstore"
)

// The admin API's SetEmployee takes a PIN hash only at the register's
// production cost: a cheap or broken one would be shipped to every register.
func TestSetEmployeeRefusesWeakOrBrokenPINHash(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openSQLite(t)
	enc := base64.RawStdEncoding
	tail := "$" + enc.EncodeToString(make([]byte, 16)) + "$" + enc.EncodeToString(make([]byte, 32))
	for _, params := range []string{"argon2id$v=19$m=8,t=1,p=1", "argon2id$v=19$m=65536,t=0,p=2", "argon2id$v=19$m=65536,t=3,p=256"} {
		e := catalogfile.Employee{ID: "eve", Name: "Eve", Role: "manager", PINHash: params + tail}
		if _, err := hqstore.SetEmployee(ctx, st, e); err == nil {
			t.Errorf("SetEmployee took PIN hash parameters %s", params)
		}
	}
	h, err := pinhash.Encode("4711")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hqstore.SetEmployee(ctx, st, catalogfile.Employee{ID: "ann", Name: "Ann", Role: "manager", PINHash: h}); err != nil {
		t.Fatalf("SetEmployee with a pinhash.Encode hash: %v", err)
	}
}
