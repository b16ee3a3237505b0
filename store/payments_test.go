package store

import (
	"context"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

func TestCardPaymentJournal(t *testing.T) {
	t.Parallel()
	db := MustOpenDB(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	intent := register.CardPayment{ID: "p1", SaleID: "s1", Kind: register.CardSale, Amount: 899, Currency: "EUR",
		State: register.CardIntent, CreatedAt: at, UpdatedAt: at}
	if err := db.RecordCardIntent(ctx, intent); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordCardIntent(ctx, intent); pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("duplicate intent: %v", err)
	}
	if got, err := db.CardPayment(ctx, "p1"); err != nil || got != intent {
		t.Fatalf("read back %+v %v", got, err)
	}
	if ps, err := db.UnsettledCardPayments(ctx); err != nil || len(ps) != 1 {
		t.Fatalf("unsettled %+v %v", ps, err)
	}

	unknown := intent
	unknown.State, unknown.UpdatedAt = register.CardUnknown, at.Add(time.Second)
	if err := db.SettleCardPayment(ctx, unknown); err != nil {
		t.Fatal(err)
	}
	approved := unknown
	approved.State, approved.Charged = register.CardApproved, true
	approved.MaskedPAN, approved.Brand, approved.AuthCode = "************0119", "VISA", "123456"
	approved.Trace, approved.ReceiptNo, approved.TerminalID = "000042", "0042", "52500038"
	if err := db.SettleCardPayment(ctx, approved); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.CardPayment(ctx, "p1"); got != approved {
		t.Fatalf("approved %+v", got)
	}
	if ps, _ := db.UnsettledCardPayments(ctx); len(ps) != 0 {
		t.Fatalf("still unsettled: %+v", ps)
	}
	for _, ref := range [][2]string{{"000042", ""}, {"", "0042"}, {"000042", "9999"}} {
		if got, err := db.CardPaymentByTerminalRef(ctx, "52500038", ref[0], ref[1]); err != nil || got.ID != "p1" {
			t.Fatalf("by ref %v: %+v %v", ref, got, err)
		}
	}
	for _, ref := range [][3]string{{"52500038", "000043", ""}, {"other", "000042", "0042"}, {"52500038", "", ""}} {
		if _, err := db.CardPaymentByTerminalRef(ctx, ref[0], ref[1], ref[2]); pos.ErrorCode(err) != pos.ENotFound {
			t.Fatalf("by ref %v: %v", ref, err)
		}
	}

	// The state machine: an approved payment may only be reversed.
	back := approved
	back.State = register.CardDeclined
	if err := db.SettleCardPayment(ctx, back); pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("approved -> declined: %v", err)
	}
	rev := approved
	rev.State = register.CardReversed
	if err := db.SettleCardPayment(ctx, rev); err != nil {
		t.Fatal(err)
	}
	if err := db.SettleCardPayment(ctx, approved); pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("reversed -> approved: %v", err)
	}
	missing := approved
	missing.ID = "nope"
	if err := db.SettleCardPayment(ctx, missing); pos.ErrorCode(err) != pos.ENotFound {
		t.Fatalf("missing: %v", err)
	}
}

func TestCardPaymentRefusesFullPAN(t *testing.T) {
	t.Parallel()
	db := MustOpenDB(t)
	ctx := context.Background()
	p := register.CardPayment{ID: "p1", SaleID: "s1", Kind: register.CardSale, Amount: 100, Currency: "EUR", State: register.CardIntent}
	if err := db.RecordCardIntent(ctx, p); err != nil {
		t.Fatal(err)
	}
	for _, mut := range []func(*register.CardPayment){
		func(p *register.CardPayment) { p.MaskedPAN = "4111111111111111" },
		func(p *register.CardPayment) { p.MaskedPAN = "12345678" },
		func(p *register.CardPayment) { p.Message = "card 4111 1111 1111 1111 declined" },
		func(p *register.CardPayment) { p.Note = "5555555555554444" },
	} {
		q := p
		q.State = register.CardDeclined
		mut(&q)
		if err := db.SettleCardPayment(ctx, q); pos.ErrorCode(err) != pos.EInvalid {
			t.Fatalf("%+v stored: %v", q, err)
		}
	}
	// The schema refuses an all-digit masked PAN even past the Go check.
	if _, err := db.w.ExecContext(ctx, `UPDATE card_payments SET masked_pan = '4111111111111111' WHERE id = 'p1'`); err == nil {
		t.Fatal("schema took an all-digit masked_pan")
	}
}
