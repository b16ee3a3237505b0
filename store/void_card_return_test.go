package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// countingTerminal approves everything and counts each way money moves;
// onReverse runs before a reversal is approved (while a void is under way).
type countingTerminal struct {
	mu                      sync.Mutex
	n                       int
	auths, refunds, reverse int
	onReverse               func()
}

func (t *countingTerminal) result(amount int64) register.CardResult {
	t.n++
	no := fmt.Sprintf("%04d", t.n)
	return register.CardResult{Approved: true, Amount: amount, Trace: no, ReceiptNo: no, TerminalID: "T1"}
}

func (t *countingTerminal) Authorize(_ context.Context, req register.CardRequest, _ func(string)) (register.CardResult, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.auths++
	return t.result(req.Amount), nil
}

func (t *countingTerminal) Refund(_ context.Context, req register.CardRequest, _ func(string)) (register.CardResult, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.refunds++
	return t.result(req.Amount), nil
}

func (t *countingTerminal) Reverse(_ context.Context, _ string, _ func(string)) (register.CardResult, error) {
	if f := t.onReverse; f != nil {
		t.onReverse = nil
		f()
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.reverse++
	return t.result(0), nil
}

func (t *countingTerminal) Abort(context.Context) error { return nil }

func (t *countingTerminal) LastTransaction(context.Context) (register.CardResult, error) {
	return register.CardResult{}, fmt.Errorf("not kept")
}

// paidBack is how many times the terminal gave money back to a customer.
func (t *countingTerminal) paidBack() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.refunds + t.reverse
}

// cardRegister is a register on the rig's database with a card terminal,
// its shift open (a sale is voided only in its shift).
func cardRegister(t *testing.T, rig *sellingRig, j register.Journal, term register.PaymentTerminal) *register.Register {
	t.Helper()
	reg := register.New(register.Config{RegisterID: "reg-test", RegisterCode: "K1", Currency: pos.MustCurrency("EUR")},
		register.Deps{Catalog: rig.db, Journal: j, Parked: rig.db, Staff: rig.db, Clock: fixedClock{t0},
			PaymentTerminal: term, Payments: rig.db})
	reg.SetEmployee(register.Employee{ID: "e-ana", Name: "Ana", Role: register.RoleCashier})
	return reg
}

func cardSale(t *testing.T, reg *register.Register) pos.SaleRecord {
	t.Helper()
	ctx := context.Background()
	if _, err := reg.Scan(ctx, kaese); err != nil {
		t.Fatal(err)
	}
	p, err := reg.TenderCard(ctx, 189, nil)
	if err != nil || p.Completed == nil {
		t.Fatalf("card sale: %v %+v", err, p)
	}
	return *p.Completed
}

// The reviewer's case: a card receipt, a return of it opened, then "void
// last sale" on the same receipt, then the return refunded to the card. The
// customer must get the money back once, and the journal must say how.
func TestCardReturnAndVoidOfTheSameReceiptPayBackOnce(t *testing.T) {
	ctx := context.Background()
	rig, term, reg, sale, ov := cardSaleInShift(t)
	if err := reg.StartReturn(ctx, sale.ReceiptNo, []register.ReturnLine{{Index: 0, Qty: 1000}}, ov); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.VoidSale(ctx, sale.SaleID, "wrong", ov); pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("void while a return of the same receipt is open: %v, want a conflict", err)
	}
	if n := term.paidBack(); n != 0 {
		t.Fatalf("the refused void paid back %d times", n)
	}
	p, err := reg.RefundCard(ctx, 189, nil)
	if err != nil || p.Completed == nil {
		t.Fatalf("refund of the open return: %v %+v", err, p)
	}
	if term.refunds != 1 || term.reverse != 0 {
		t.Fatalf("terminal: %d refunds, %d reversals; want one refund", term.refunds, term.reverse)
	}
	refs, err := rig.db.EntriesReferringTo(ctx, sale.SaleID)
	if err != nil || len(refs) != 1 || refs[0].Kind != pos.EntryReturn {
		t.Fatalf("entries referring to the sale: %+v %v", refs, err)
	}
	if _, err := reg.VoidSale(ctx, sale.SaleID, "wrong", ov); pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("void after the return: %v, want a conflict", err)
	}
	if n := term.paidBack(); n != 1 {
		t.Fatalf("customer paid back %d times for one card sale", n)
	}
	if n, err := rig.db.VerifyJournal(ctx); err != nil || n == 0 {
		t.Fatalf("journal chain: %d %v", n, err)
	}
}

// An open return whose receipt was voided meanwhile (another register on the
// same journal) is refused before any money leaves: no card refund, no cash.
func TestReturnOfAVoidedReceiptIsRefusedBeforePayingOut(t *testing.T) {
	ctx := context.Background()
	rig, term, reg, sale, ov := cardSaleInShift(t)
	if err := reg.StartReturn(ctx, sale.ReceiptNo, []register.ReturnLine{{Index: 0, Qty: 1000}}, ov); err != nil {
		t.Fatal(err)
	}
	other := cardRegister(t, rig, rig.db, term)
	if _, err := other.VoidSale(ctx, sale.SaleID, reason, ov); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.RefundCard(ctx, 189, nil); pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("card refund of a voided receipt: %v, want a conflict", err)
	}
	if _, err := reg.TenderCash(ctx, -100); pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("part cash refund of a voided receipt: %v, want a conflict", err)
	}
	if s, _ := reg.Sale(); len(s.Tenders) != 0 || s.PaymentLock != "" {
		t.Fatalf("the refused refunds left tenders or a lock: %+v", s)
	}
	if term.refunds != 0 || term.reverse != 1 {
		t.Fatalf("terminal: %d refunds, %d reversals; want the void's reversal only", term.refunds, term.reverse)
	}
}

// overrideHookJournal runs beforeOverride just before an override entry is
// appended: for VoidSale, after its first check and before any reversal.
type overrideHookJournal struct {
	*DB
	beforeOverride func()
}

func (j *overrideHookJournal) Append(ctx context.Context, kind pos.EntryKind, id string, at time.Time, build register.BuildPayload) (pos.Entry, error) {
	if f := j.beforeOverride; kind == pos.EntryOverride && f != nil {
		j.beforeOverride = nil
		f()
	}
	return j.DB.Append(ctx, kind, id, at, build)
}

// A return committed after VoidSale's first check (another register on the
// same journal) is seen right before the card is reversed: the void is
// refused with no reversal, instead of reversing and then failing at commit.
func TestVoidRechecksRightBeforeReversingTheCard(t *testing.T) {
	ctx := context.Background()
	rig, term, reg, sale, ov := cardSaleInShift(t)
	j := &overrideHookJournal{DB: rig.db}
	other := cardRegister(t, rig, j, term)
	if err := reg.StartReturn(ctx, sale.ReceiptNo, []register.ReturnLine{{Index: 0, Qty: 1000}}, ov); err != nil {
		t.Fatal(err)
	}
	j.beforeOverride = func() {
		if _, err := reg.RefundCard(ctx, 189, nil); err != nil {
			t.Errorf("return on the first register: %v", err)
		}
	}
	if _, err := other.VoidSale(ctx, sale.SaleID, reason, ov); pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("void after a return: %v, want a conflict", err)
	}
	if term.refunds != 1 || term.reverse != 0 {
		t.Fatalf("terminal: %d refunds, %d reversals; want the return's refund only", term.refunds, term.reverse)
	}
	if refs, _ := rig.db.EntriesReferringTo(ctx, sale.SaleID); len(refs) != 1 || refs[0].Kind != pos.EntryReturn {
		t.Fatalf("entries referring to the sale: %+v", refs)
	}
}

// While a void reverses the card, the same register cannot open a return of
// that receipt (nor a second void): the void's commit then never meets a
// return it has already paid for.
func TestReceiptBeingVoidedCannotBeReturned(t *testing.T) {
	ctx := context.Background()
	rig, term, reg, sale, ov := cardSaleInShift(t)
	term.onReverse = func() {
		err := reg.StartReturn(ctx, sale.ReceiptNo, []register.ReturnLine{{Index: 0, Qty: 1000}}, ov)
		if pos.ErrorCode(err) != pos.EConflict {
			t.Errorf("return while the receipt is being voided: %v, want a conflict", err)
		}
		if _, err := reg.VoidSale(ctx, sale.SaleID, reason, ov); pos.ErrorCode(err) != pos.EConflict {
			t.Errorf("second void while the first runs: %v, want a conflict", err)
		}
	}
	if _, err := reg.VoidSale(ctx, sale.SaleID, reason, ov); err != nil {
		t.Fatalf("void: %v", err)
	}
	if n := term.paidBack(); n != 1 {
		t.Fatalf("customer paid back %d times", n)
	}
	if refs, _ := rig.db.EntriesReferringTo(ctx, sale.SaleID); len(refs) != 1 || refs[0].Kind != pos.EntryVoid {
		t.Fatalf("entries referring to the sale: %+v", refs)
	}
	if p, err := rig.db.CardPaymentByTerminalRef(ctx, "T1", "", sale.Tenders[0].Reference); err != nil || p.State != register.CardReversed {
		t.Fatalf("the voided sale's card payment: %+v %v", p, err)
	}
	if err := reg.StartReturn(ctx, sale.ReceiptNo, []register.ReturnLine{{Index: 0, Qty: 1000}}, ov); pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("return after the void: %v, want a conflict", err)
	}
}

// cardSaleInShift is where every test here starts: a register with a
// counting card terminal, an open shift, one card sale, and a manager's
// approval ready for the return or void that follows.
func cardSaleInShift(t *testing.T) (*sellingRig, *countingTerminal, *register.Register, pos.SaleRecord, *register.Override) {
	t.Helper()
	rig := newSellingRig(t)
	term := &countingTerminal{}
	reg := cardRegister(t, rig, rig.db, term)
	if _, err := reg.StartShift(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return rig, term, reg, cardSale(t, reg), &register.Override{PIN: mgr, Reason: reason}
}
