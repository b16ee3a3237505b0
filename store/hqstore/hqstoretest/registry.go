package hqstoretest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/store/hqstore"
)

func testRegistry(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	if err := st.AddStore(ctx, hqstore.StoreInfo{ID: "S01", Name: "Berlin"}); err != nil {
		t.Fatal(err)
	}
	if err := st.AddStore(ctx, hqstore.StoreInfo{ID: "S01", Name: "again"}); !errors.Is(err, hqstore.ErrExists) {
		t.Errorf("second store S01: %v, want ErrExists", err)
	}
	stores, err := st.Stores(ctx)
	if err != nil || len(stores) != 1 || stores[0] != (hqstore.StoreInfo{ID: "S01", Name: "Berlin"}) {
		t.Errorf("stores %+v, %v", stores, err)
	}
	exp := Epoch.Add(24 * time.Hour)
	code := hqstore.PendingCode{Hash: "code-1-hash", Hint: "ABCD", ExpiresAt: exp}
	if err := st.AddRegister(ctx, hqstore.RegisterAccount{ID: "R1", StoreID: "S09", Name: "x"}, code); !errors.Is(err, hqstore.ErrNotFound) {
		t.Errorf("register of unknown store: %v, want ErrNotFound", err)
	}
	if err := st.AddRegister(ctx, hqstore.RegisterAccount{ID: "R1", StoreID: "S01", Name: "Till 1"}, code); err != nil {
		t.Fatal(err)
	}
	if err := st.AddRegister(ctx, hqstore.RegisterAccount{ID: "R1", StoreID: "S01"}, hqstore.PendingCode{Hash: "other", ExpiresAt: exp}); !errors.Is(err, hqstore.ErrExists) {
		t.Errorf("second register R1: %v, want ErrExists", err)
	}
	if err := st.AddRegister(ctx, hqstore.RegisterAccount{ID: "R2", StoreID: "S01"}, hqstore.PendingCode{Hash: "code-2-hash", ExpiresAt: Epoch.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	pending, err := st.RegisterAccount(ctx, "R1")
	if err != nil {
		t.Fatal(err)
	}
	if pending.Enrolled() || pending.Code.Hint != "ABCD" || !pending.Code.ExpiresAt.Equal(exp) || pending.StoreID != "S01" || pending.Name != "Till 1" {
		t.Errorf("pending R1 %+v", pending)
	}
	if _, err := st.RegisterAccount(ctx, "R9"); !errors.Is(err, hqstore.ErrNotFound) {
		t.Errorf("unknown register: %v", err)
	}

	key := make([]byte, 32)
	key[0] = 7
	if _, err := st.Enroll(ctx, "nonsense", key, "tok", Epoch); !errors.Is(err, hqstore.ErrCodeInvalid) {
		t.Errorf("unknown code: %v, want ErrCodeInvalid", err)
	}
	if _, err := st.Enroll(ctx, "code-2-hash", key, "tok", Epoch.Add(time.Hour)); !errors.Is(err, hqstore.ErrCodeExpired) {
		t.Errorf("expired code: %v, want ErrCodeExpired", err)
	}
	// Two enrollments race with one code: exactly one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, invalid := 0, 0
	for range 4 {
		wg.Go(func() {
			r, err := st.Enroll(ctx, "code-1-hash", key, "token-hash", Epoch.Add(time.Minute))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
				if r.ID != "R1" || r.StoreID != "S01" || !r.Enrolled() || r.TokenHash != "token-hash" || string(r.PublicKey) != string(key) {
					t.Errorf("enrolled %+v", r)
				}
			case errors.Is(err, hqstore.ErrCodeInvalid):
				invalid++
			default:
				t.Errorf("enroll: %v", err)
			}
		})
	}
	wg.Wait()
	if wins != 1 || invalid != 3 {
		t.Errorf("%d enrollments won, %d refused; want 1 and 3", wins, invalid)
	}
	got, err := st.RegisterAccount(ctx, "R1")
	if err != nil || !got.Enrolled() || got.Code != (hqstore.PendingCode{}) || got.TokenHash != "token-hash" {
		t.Errorf("enrolled R1 %+v, %v", got, err)
	}
	all, err := st.RegisterAccounts(ctx)
	if err != nil || len(all) != 2 || all[0].ID != "R1" || all[1].ID != "R2" || all[1].Enrolled() {
		t.Errorf("accounts %+v, %v", all, err)
	}
}

func testStoreDetailsAndRevoke(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	full := hqstore.StoreInfo{ID: "S02", Name: "Hamburg", Address: "Elbchaussee 1\n22763 Hamburg", VATID: "DE123456789", Currency: "EUR",
		TaxMode: "inclusive", TimeZone: "Europe/Berlin", ReceiptHeader: "Moin!", ReceiptFooter: "Tschüss", CashRounding: 5}
	if err := st.AddStore(ctx, full); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Stores(ctx); err != nil || len(got) != 1 || got[0] != full {
		t.Errorf("stores %+v, %v", got, err)
	}
	if err := st.AddRegister(ctx, hqstore.RegisterAccount{ID: "R1", StoreID: "S02"}, hqstore.PendingCode{Hash: "c1", ExpiresAt: Epoch.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := st.AddRegister(ctx, hqstore.RegisterAccount{ID: "R2", StoreID: "S02"}, hqstore.PendingCode{Hash: "c2", ExpiresAt: Epoch.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Enroll(ctx, "c1", make([]byte, 32), "tok", Epoch); err != nil {
		t.Fatal(err)
	}
	at := Epoch.Add(time.Minute)
	if err := st.RevokeRegister(ctx, "R1", at); err != nil {
		t.Fatal(err)
	}
	r, err := st.RegisterAccount(ctx, "R1")
	if err != nil || !r.Revoked() || !r.RevokedAt.Equal(at) || r.TokenHash != "" || r.PublicKey != nil {
		t.Errorf("revoked R1 %+v, %v", r, err)
	}
	// Revoking again keeps the first time; a pending register loses its code.
	if err := st.RevokeRegister(ctx, "R1", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if r, _ := st.RegisterAccount(ctx, "R1"); !r.RevokedAt.Equal(at) {
		t.Errorf("second revoke moved the time: %v", r.RevokedAt)
	}
	if err := st.RevokeRegister(ctx, "R2", at); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Enroll(ctx, "c2", make([]byte, 32), "tok", Epoch); !errors.Is(err, hqstore.ErrCodeInvalid) {
		t.Errorf("enrolling a revoked register: %v, want ErrCodeInvalid", err)
	}
	if err := st.RevokeRegister(ctx, "R9", at); !errors.Is(err, hqstore.ErrNotFound) {
		t.Errorf("revoke unknown: %v", err)
	}
}
