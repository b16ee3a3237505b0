package register

import (
	"context"
	"errors"
	"testing"
)

// TestLockedRegisterRefusesToSell: with staff set up, nothing is scanned,
// tendered or completed while nobody is logged in (the login screen is the
// first guard, this the second); a card approval that arrives after the
// lock is money taken and is still recorded.
func TestLockedRegisterRefusesToSell(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	term := &fakeTerminal{}
	r, _, j := newCardRegister(t, term) // staff, Anna logged in, one line
	r.Lock()
	checks := map[string]func() error{
		"Scan":       func() error { _, err := r.Scan(ctx, "4006381333931"); return err },
		"AddProduct": func() error { _, err := r.AddProduct(ctx, "apples", 1500); return err },
		"TenderCash": func() error { _, err := r.TenderCash(ctx, 1000); return err },
		"TenderCard": func() error { _, err := r.TenderCard(ctx, 899, nil); return err },
		"Complete":   func() error { _, err := r.Complete(ctx); return err },
	}
	for name, f := range checks {
		if err := f(); !errors.Is(err, ErrNotLoggedIn) {
			t.Errorf("%s while locked: err = %v, want ErrNotLoggedIn", name, err)
		}
	}
	if term.authorizes != 0 {
		t.Errorf("the terminal was asked to charge %d times while locked", term.authorizes)
	}
	if len(j.entries) != 0 {
		t.Errorf("%d entries journaled while locked", len(j.entries))
	}

	// Started while logged in, approved after the lock: recorded.
	r.SetCashier(Cashier{ID: "e1", Name: "Anna"})
	term.authorize = func(CardRequest) (CardResult, error) {
		r.Lock() // the cashier switched while the customer was at the terminal
		return approved, nil
	}
	p, err := r.TenderCard(ctx, 899, nil)
	if err != nil || p.Completed == nil {
		t.Fatalf("approval after the lock: %+v, %v (the customer was charged: the sale must be recorded)", p, err)
	}
}
