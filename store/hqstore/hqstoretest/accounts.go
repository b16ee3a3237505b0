package hqstoretest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/store/hqstore"
)

func testAccounts(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	owner := hqstore.Account{Name: "olga", Role: headoffice.RoleOwner, PasswordHash: "argon2id$x", TOTPSecret: "ABC", CreatedAt: Epoch}
	mgr := hqstore.Account{Name: "max", Role: headoffice.RoleManager, Stores: []string{"S01", "S02"}, PasswordHash: "h2", CreatedAt: Epoch.Add(time.Second)}
	for _, a := range []hqstore.Account{owner, mgr} {
		if err := st.AddAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.AddAccount(ctx, hqstore.Account{Name: "olga", Role: headoffice.RoleAccountant, PasswordHash: "x", CreatedAt: Epoch}); !errors.Is(err, hqstore.ErrExists) {
		t.Errorf("second olga: %v, want ErrExists", err)
	}
	if err := st.AddAccount(ctx, hqstore.Account{Name: "eve", Role: "root", PasswordHash: "x", CreatedAt: Epoch}); err == nil {
		t.Error("an account with role root was stored")
	}
	got, err := st.Account(ctx, "max")
	if err != nil || got.Name != "max" || got.Role != headoffice.RoleManager || !slices.Equal(got.Stores, mgr.Stores) ||
		got.PasswordHash != "h2" || got.Disabled || !got.CreatedAt.Equal(mgr.CreatedAt) || got.TOTPSecret != "" {
		t.Errorf("account max %+v, %v", got, err)
	}
	if _, err := st.Account(ctx, "nobody"); !errors.Is(err, hqstore.ErrNotFound) {
		t.Errorf("unknown account: %v", err)
	}
	list, err := st.AccountList(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "max" || list[1].Name != "olga" || list[1].TOTPSecret != "ABC" || list[1].Stores != nil {
		t.Errorf("accounts %+v, %v", list, err)
	}

	// A TOTP step is accepted once, even by racing logins, and only forward.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 4 {
		wg.Go(func() {
			ok, err := st.UseTOTPStep(ctx, "olga", 1000)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins++
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("step 1000 accepted %d times, want once", wins)
	}
	if ok, err := st.UseTOTPStep(ctx, "olga", 999); ok || err != nil {
		t.Errorf("earlier step: %v, %v", ok, err)
	}
	if ok, err := st.UseTOTPStep(ctx, "olga", 1001); !ok || err != nil {
		t.Errorf("later step: %v, %v", ok, err)
	}
	if err := st.SetTOTPSecret(ctx, "olga", "NEW"); err != nil {
		t.Fatal(err)
	}
	if a, _ := st.Account(ctx, "olga"); a.TOTPSecret != "NEW" || a.TOTPLastStep != 0 {
		t.Errorf("after new secret: %+v", a)
	}
	if err := st.SetTOTPSecret(ctx, "nobody", "X"); !errors.Is(err, hqstore.ErrNotFound) {
		t.Errorf("TOTP of unknown account: %v", err)
	}

	// Sessions.
	s1 := hqstore.Session{TokenHash: "t1", AccountName: "olga", CreatedAt: Epoch, LastSeen: Epoch}
	s2 := hqstore.Session{TokenHash: "t2", AccountName: "max", CreatedAt: Epoch.Add(time.Hour), LastSeen: Epoch.Add(time.Hour)}
	for _, s := range []hqstore.Session{s1, s2} {
		if err := st.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CreateSession(ctx, hqstore.Session{TokenHash: "t3", AccountName: "ghost", CreatedAt: Epoch, LastSeen: Epoch}); err == nil {
		t.Error("a session of an unknown account was stored")
	}
	if got, err := st.Session(ctx, "t1"); err != nil || got.AccountName != "olga" || !got.CreatedAt.Equal(Epoch) || !got.LastSeen.Equal(Epoch) {
		t.Errorf("session t1 %+v, %v", got, err)
	}
	if err := st.TouchSession(ctx, "t1", Epoch.Add(5*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Session(ctx, "t1"); !got.LastSeen.Equal(Epoch.Add(5 * time.Minute)) {
		t.Errorf("touched session %+v", got)
	}
	if err := st.TouchSession(ctx, "gone", Epoch); !errors.Is(err, hqstore.ErrNotFound) {
		t.Errorf("touch unknown session: %v", err)
	}
	if err := st.DeleteSessionsBefore(ctx, Epoch.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Session(ctx, "t1"); !errors.Is(err, hqstore.ErrNotFound) {
		t.Errorf("old session t1 kept: %v", err)
	}
	if err := st.DeleteSession(ctx, "t2"); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteSession(ctx, "t2"); err != nil {
		t.Errorf("second logout: %v", err)
	}
	if _, err := st.Session(ctx, "t2"); !errors.Is(err, hqstore.ErrNotFound) {
		t.Errorf("deleted session t2: %v", err)
	}
}

func testAudit(t *testing.T, open func(t *testing.T) hqstore.Store) {
	ctx := context.Background()
	st := open(t)
	entries := []hqstore.AuditEntry{
		{At: Epoch, Actor: "olga", Action: "account.add", Target: "max", After: `{"name":"max"}`},
		{At: Epoch.Add(time.Hour), Actor: "max", Action: "price.set", Target: "S01/cola", Before: `{"price":100}`, After: `{"price":120}`},
		{At: Epoch.Add(2 * time.Hour), Actor: "olga", Action: "price.set", Target: "S02/cola", Before: `{"price":100}`},
	}
	for _, e := range entries {
		if err := st.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(es []hqstore.AuditEntry) (out []string) {
		for _, e := range es {
			out = append(out, e.Target)
		}
		return out
	}
	for _, tt := range []struct {
		f    hqstore.AuditFilter
		want []string
	}{
		{hqstore.AuditFilter{}, []string{"S02/cola", "S01/cola", "max"}},
		{hqstore.AuditFilter{Actor: "olga"}, []string{"S02/cola", "max"}},
		{hqstore.AuditFilter{Action: "price.set"}, []string{"S02/cola", "S01/cola"}},
		{hqstore.AuditFilter{From: Epoch.Add(time.Hour), To: Epoch.Add(2 * time.Hour)}, []string{"S01/cola"}},
		{hqstore.AuditFilter{Actor: "olga", Action: "price.set", From: Epoch}, []string{"S02/cola"}},
		{hqstore.AuditFilter{Limit: 1}, []string{"S02/cola"}},
	} {
		got, err := st.AuditLog(ctx, tt.f)
		if err != nil || !slices.Equal(ids(got), tt.want) {
			t.Errorf("AuditLog(%+v) = %v, %v; want %v", tt.f, ids(got), err, tt.want)
		}
	}
	all, _ := st.AuditLog(ctx, hqstore.AuditFilter{})
	if len(all) == 3 {
		e := all[1]
		if e.ID <= 0 || !e.At.Equal(entries[1].At) || e.Actor != "max" || e.Before != `{"price":100}` || e.After != `{"price":120}` || all[0].After != "" {
			t.Errorf("entry %+v", e)
		}
		if !(all[0].ID > all[1].ID && all[1].ID > all[2].ID) {
			t.Errorf("ids not newest first: %d %d %d", all[0].ID, all[1].ID, all[2].ID)
		}
	}
}
