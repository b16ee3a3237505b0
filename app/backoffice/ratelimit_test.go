package backoffice

import (
	"fmt"
	"testing"
	"time"
)

func TestLoginLimiterPerAddressAndPerAccount(t *testing.T) {
	t.Parallel()
	l := newLoginLimiter()
	now := time.Unix(1_800_000_000, 0)
	for i := range loginIPBurst {
		if !l.allow("10.0.0.1", fmt.Sprint("user", i), now) {
			t.Fatalf("try %d from one address refused", i)
		}
	}
	if l.allow("10.0.0.1", "fresh", now) {
		t.Error("an address past its burst may still try")
	}
	if !l.allow("10.0.0.1", "fresh", now.Add(loginIPEvery)) {
		t.Error("an address may not try again after its interval")
	}
	for i := range loginAccountBurst {
		if !l.allow(fmt.Sprint("10.1.0.", i), "olga", now) {
			t.Fatalf("try %d on one account refused", i)
		}
	}
	if l.allow("10.2.0.1", "olga", now) {
		t.Error("an account past its burst may be tried from a new address")
	}
	if !l.allow("10.2.0.1", "olga", now.Add(loginAccountEvery)) {
		t.Error("an account may not be tried after its interval")
	}
}

func TestLoginLimiterMapsAreBounded(t *testing.T) {
	t.Parallel()
	l := newLoginLimiter()
	now := time.Unix(1_800_000_000, 0)
	for i := range loginLimiterMaxKey + 10 {
		l.allow(fmt.Sprint("ip", i), fmt.Sprint("acct", i), now)
	}
	if len(l.byIP) > loginLimiterMaxKey || len(l.byAccount) > loginLimiterMaxKey {
		t.Errorf("maps grew to %d and %d keys", len(l.byIP), len(l.byAccount))
	}
}

func TestSafeNextStaysOnSite(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"/admin/audit?x=1": "/admin/audit?x=1", "//evil.example/": "/admin",
		"https://evil.example/": "/admin", "": "/admin", "/\\evil.example": "/admin"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
