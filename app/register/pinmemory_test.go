package register

import (
	"context"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/tillpos/till/app/pinhash"
	"github.com/tillpos/till/app/pos"
)

// hashingStaff checks a PIN with argon2id at the real cost (64 MiB), as
// the store does.
type hashingStaff struct {
	fakeStaff
	salt, hash []byte
}

func (s hashingStaff) VerifyEmployeePIN(ctx context.Context, id, pin string) (Employee, error) {
	if string(pinhash.Default.Sum(pin, s.salt)) != string(s.hash) {
		return Employee{}, pos.Errorf(pos.EUnauthorized, "Wrong PIN.")
	}
	return s.fakeStaff.VerifyEmployeePIN(ctx, id, pin)
}

// retainedHeap is the heap memory the process holds from the system.
func retainedHeap() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapSys - m.HeapReleased
}

// After a login the register does not keep argon2id's 64 MiB: the heap it
// holds from the system is back near where it was. Not parallel: it
// measures the process.
func TestLoginReturnsPINHashMemory(t *testing.T) {
	hash, salt := pinhash.New(pinhash.Default, "4711")
	staff := hashingStaff{fakeStaff: fakeStaff{"4711": {ID: "e1", Name: "Ana", Role: RoleCashier}}, salt: salt, hash: hash}
	r := New(Config{RegisterCode: "K1", Currency: pos.MustCurrency("EUR")}, Deps{Catalog: newFakeCatalog(), Journal: NewFakeJournal(), Staff: staff})
	ctx := context.Background()
	for i := range 2 {
		runtime.GC()
		debug.FreeOSMemory()
		before := retainedHeap()
		if _, _, err := r.Login(ctx, "e1", "4711"); err != nil {
			t.Fatal(err)
		}
		after := retainedHeap()
		t.Logf("login %d: heap held from the system %d MiB before, %d MiB after", i, before>>20, after>>20)
		if after > before+16<<20 {
			t.Fatalf("login %d: the heap holds %d MiB more after the PIN check (argon2id uses %d MiB)", i, (after-before)>>20, pinhash.Default.Memory>>10)
		}
	}
}
