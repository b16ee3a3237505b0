package register

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
)

// fakeTerminal is a PaymentTerminal made of function fields; it counts the
// charge requests it is sent.
type fakeTerminal struct {
	mu         sync.Mutex
	authorizes int
	authorize  func(CardRequest) (CardResult, error)
	refund     func(CardRequest) (CardResult, error)
	last       func() (CardResult, error)
	reverse    func(receiptNo string) (CardResult, error)
	aborted    int
}

func (f *fakeTerminal) Authorize(_ context.Context, req CardRequest, prompt func(string)) (CardResult, error) {
	f.mu.Lock()
	f.authorizes++
	f.mu.Unlock()
	prompt("Insert card")
	return f.authorize(req)
}

func (f *fakeTerminal) Refund(_ context.Context, req CardRequest, _ func(string)) (CardResult, error) {
	return f.refund(req)
}

func (f *fakeTerminal) Reverse(_ context.Context, receiptNo string, _ func(string)) (CardResult, error) {
	if f.reverse == nil {
		return CardResult{}, errors.New("not used")
	}
	return f.reverse(receiptNo)
}

func (f *fakeTerminal) Abort(context.Context) error {
	f.mu.Lock()
	f.aborted++
	f.mu.Unlock()
	return nil
}

func (f *fakeTerminal) LastTransaction(context.Context) (CardResult, error) { return f.last() }

// fakePayments is an in-memory PaymentJournal with the store's state machine.
type fakePayments struct {
	mu   sync.Mutex
	rows map[string]CardPayment
	refs []TerminalRef
}

func newFakePayments() *fakePayments { return &fakePayments{rows: map[string]CardPayment{}} }

var cardMoves = map[CardState][]CardState{
	CardIntent:   {CardApproved, CardDeclined, CardUnknown, CardManagerResolved},
	CardUnknown:  {CardApproved, CardDeclined, CardUnknown, CardManagerResolved},
	CardApproved: {CardReversed},
}

func (f *fakePayments) RecordCardIntent(_ context.Context, p CardPayment) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.rows[p.ID]; ok || p.State != CardIntent {
		return pos.Errorf(pos.EConflict, "bad intent")
	}
	f.rows[p.ID] = p
	return nil
}

func (f *fakePayments) SettleCardPayment(_ context.Context, p CardPayment) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	old, ok := f.rows[p.ID]
	if !ok {
		return pos.Errorf(pos.ENotFound, "no payment")
	}
	for _, s := range cardMoves[old.State] {
		if s == p.State {
			f.rows[p.ID] = p
			return nil
		}
	}
	return pos.Errorf(pos.EConflict, "move %s -> %s", old.State, p.State)
}

func (f *fakePayments) CardPayment(_ context.Context, id string) (CardPayment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.rows[id]
	if !ok {
		return CardPayment{}, pos.Errorf(pos.ENotFound, "no payment")
	}
	return p, nil
}

func (f *fakePayments) CardPaymentByTerminalRef(_ context.Context, tid, trace, receipt string) (CardPayment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.rows {
		if p.TerminalID == tid && ((trace != "" && p.Trace == trace) || (receipt != "" && p.ReceiptNo == receipt)) {
			return p, nil
		}
	}
	// As the store: a reversal's numbers name the payment it reversed.
	for i := len(f.refs) - 1; i >= 0; i-- {
		ref := f.refs[i]
		if ref.TerminalID == tid && ((trace != "" && ref.Trace == trace) || (receipt != "" && ref.ReceiptNo == receipt)) {
			if p, ok := f.rows[ref.PaymentID]; ok {
				return p, nil
			}
			return CardPayment{ID: ref.ID, Kind: CardSale, Amount: ref.Amount, State: CardReversed, TerminalID: tid,
				Trace: trace, ReceiptNo: receipt, Note: ref.What, CreatedAt: ref.At, UpdatedAt: ref.At}, nil
		}
	}
	return CardPayment{}, pos.Errorf(pos.ENotFound, "no payment")
}

func (f *fakePayments) RecordTerminalRef(_ context.Context, ref TerminalRef) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refs = append(f.refs, ref)
	return nil
}

func (f *fakePayments) UnsettledCardPayments(context.Context) ([]CardPayment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []CardPayment
	for _, p := range f.rows {
		if p.State == CardIntent || p.State == CardUnknown {
			out = append(out, p)
		}
	}
	return out, nil
}

type fakeStaff map[string]Employee

func (s fakeStaff) VerifyPIN(_ context.Context, pin string) (Employee, error) {
	e, ok := s[pin]
	if !ok {
		return Employee{}, pos.Errorf(pos.EUnauthorized, "Wrong PIN.")
	}
	return e, nil
}

func (s fakeStaff) Employees(context.Context) ([]Employee, error) {
	var out []Employee
	for _, e := range s {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Employee) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (s fakeStaff) VerifyEmployeePIN(ctx context.Context, id, pin string) (Employee, error) {
	e, err := s.VerifyPIN(ctx, pin)
	if err != nil || e.ID != id {
		return Employee{}, pos.Errorf(pos.EUnauthorized, "Wrong PIN.")
	}
	return e, nil
}

func newCardRegister(t *testing.T, term *fakeTerminal) (*Register, *fakePayments, *fakeJournal) {
	t.Helper()
	j, pay := &fakeJournal{}, newFakePayments()
	r := New(testCfg, Deps{Catalog: newFakeCatalog(), Journal: j, Clock: fixedClock{time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)},
		PaymentTerminal: term, Payments: pay, Staff: fakeStaff{"9999": {ID: "m1", Name: "Maria", Role: RoleManager}}})
	r.SetCashier(Cashier{ID: "e1", Name: "Anna"})
	if _, err := r.Scan(context.Background(), "4006381333931"); err != nil { // 8.99
		t.Fatal(err)
	}
	return r, pay, j
}

var approved = CardResult{Approved: true, Amount: 899, MaskedPAN: "************0119", Brand: "VISA", AuthCode: "123456",
	Trace: "000042", ReceiptNo: "0042", TerminalID: "52500038", ResultCode: "00",
	ReceiptLines: []string{"KUNDENBELEG", "VISA ************0119", "Betrag EUR 8,99"}}

func onlyPayment(t *testing.T, pay *fakePayments) CardPayment {
	t.Helper()
	if len(pay.rows) != 1 {
		t.Fatalf("%d payments journaled", len(pay.rows))
	}
	for _, p := range pay.rows {
		return p
	}
	panic("unreachable")
}

func TestTenderCardApproved(t *testing.T) {
	t.Parallel()
	var intentSeen bool
	var pay *fakePayments
	term := &fakeTerminal{authorize: func(req CardRequest) (CardResult, error) {
		p, err := pay.CardPayment(context.Background(), req.PaymentID)
		intentSeen = err == nil && p.State == CardIntent && p.Amount == 899
		return approved, nil
	}}
	r, pay0, j := newCardRegister(t, term)
	pay = pay0
	var prompts []string
	res, err := r.TenderCard(context.Background(), 899, func(s string) { prompts = append(prompts, s) })
	if err != nil {
		t.Fatal(err)
	}
	if !intentSeen {
		t.Fatal("the intent was not journaled before the request went out")
	}
	if res.Completed == nil || len(res.Completed.Tenders) != 1 {
		t.Fatalf("not completed: %+v", res)
	}
	tn := res.Completed.Tenders[0]
	if tn.Kind != pos.TenderCard || tn.Amount != 899 || tn.MaskedPAN != "************0119" || tn.AuthCode != "123456" ||
		tn.Reference != "0042" || tn.TerminalID != "52500038" || len(tn.TerminalReceipt) != 3 {
		t.Fatalf("tender %+v", tn)
	}
	if len(prompts) != 1 || prompts[0] != "Insert card" {
		t.Fatalf("prompts %q", prompts)
	}
	p := onlyPayment(t, pay)
	if p.State != CardApproved || !p.Charged || p.Trace != "000042" || p.SaleID != res.Completed.SaleID {
		t.Fatalf("journal %+v", p)
	}
	if len(j.entries) != 1 {
		t.Fatalf("%d journal entries", len(j.entries))
	}
	doc := ReceiptDoc(testCfg, *res.Completed, false)
	var text []string
	for _, b := range doc.Blocks {
		text = append(text, b.Text)
	}
	if !strings.Contains(strings.Join(text, "\n"), "KUNDENBELEG\nVISA ************0119") {
		t.Fatalf("terminal receipt not on our receipt:\n%s", strings.Join(text, "\n"))
	}
}

func TestTenderCardDeclinedKeepsSaleOpen(t *testing.T) {
	t.Parallel()
	term := &fakeTerminal{authorize: func(CardRequest) (CardResult, error) {
		return CardResult{ResultCode: "05", Message: "Card not accepted"}, nil
	}}
	r, pay, _ := newCardRegister(t, term)
	_, err := r.TenderCard(context.Background(), 899, nil)
	var pe *pos.Error
	if !errors.As(err, &pe) || pe.Code != pos.EInvalid || !strings.Contains(pe.Message, "Card not accepted.") {
		t.Fatalf("err %v", err)
	}
	if p := onlyPayment(t, pay); p.State != CardDeclined || p.Charged || p.ResultCode != "05" {
		t.Fatalf("journal %+v", p)
	}
	if s, _ := r.Sale(); s.PaymentLock != "" || len(s.Tenders) != 0 {
		t.Fatalf("sale %+v", s)
	}
	if res, err := r.TenderCash(context.Background(), 1000); err != nil || res.Completed == nil {
		t.Fatalf("cash after decline: %v", err)
	}
}

func TestTenderCardUnreachableIsNotCharged(t *testing.T) {
	t.Parallel()
	term := &fakeTerminal{authorize: func(CardRequest) (CardResult, error) {
		return CardResult{}, pos.Errorf(pos.EUnavailable, "Card terminal not answering.")
	}}
	r, pay, _ := newCardRegister(t, term)
	if _, err := r.TenderCard(context.Background(), 899, nil); pos.ErrorMessage(err) != "Card terminal not answering." {
		t.Fatalf("err %v", err)
	}
	if p := onlyPayment(t, pay); p.State != CardDeclined {
		t.Fatalf("journal %+v", p)
	}
	if s, _ := r.Sale(); s.PaymentLock != "" {
		t.Fatal("sale still locked")
	}
}

func TestTenderCardUnknownRecovered(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		last  CardResult
		state CardState
		done  bool
	}{
		{"approved", approved, CardApproved, true},
		{"declined", CardResult{Amount: 899, Trace: "000043", ReceiptNo: "0043", TerminalID: "52500038", ResultCode: "05", Message: "Declined"}, CardDeclined, false},
		// The terminal's last transaction is one the journal already has: ours never ran.
		{"never processed", CardResult{Approved: true, Amount: 899, Trace: "000041", ReceiptNo: "0041", TerminalID: "52500038"}, CardDeclined, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			term := &fakeTerminal{
				authorize: func(CardRequest) (CardResult, error) {
					return CardResult{}, fmt.Errorf("zvt: read: connection reset: %w", ErrOutcomeUnknown)
				},
				last: func() (CardResult, error) { return tt.last, nil },
			}
			r, pay, _ := newCardRegister(t, term)
			pay.rows["earlier"] = CardPayment{ID: "earlier", State: CardApproved, Trace: "000041", ReceiptNo: "0041", TerminalID: "52500038", Amount: 899}
			res, err := r.TenderCard(context.Background(), 899, nil)
			if tt.done != (err == nil && res.Completed != nil) {
				t.Fatalf("res %+v err %v", res, err)
			}
			if term.authorizes != 1 {
				t.Fatalf("%d charge requests", term.authorizes)
			}
			delete(pay.rows, "earlier")
			if p := onlyPayment(t, pay); p.State != tt.state || p.Charged != tt.done {
				t.Fatalf("journal %+v", p)
			}
			if s, _ := r.Sale(); s.PaymentLock != "" {
				t.Fatal("sale still locked")
			}
		})
	}
}

func TestTenderCardUnknownLocksSaleUntilManagerDecides(t *testing.T) {
	t.Parallel()
	term := &fakeTerminal{
		authorize: func(CardRequest) (CardResult, error) { return CardResult{}, ErrOutcomeUnknown },
		last:      func() (CardResult, error) { return CardResult{}, ErrOutcomeUnknown },
	}
	r, pay, j := newCardRegister(t, term)
	ctx := context.Background()
	if _, err := r.TenderCard(ctx, 899, nil); !errors.Is(err, ErrCardNeedsDecision) {
		t.Fatalf("err %v", err)
	}
	p, locked, err := r.PendingCardPayment(ctx)
	if err != nil || !locked || p.State != CardUnknown || p.Amount != 899 {
		t.Fatalf("pending %+v %v %v", p, locked, err)
	}
	// Nothing may change the sale, and no other tender is taken.
	if _, err := r.Scan(ctx, "4000417025005"); !errors.Is(err, pos.ErrPaymentPending) {
		t.Fatalf("scan: %v", err)
	}
	if err := r.SetQty(0, 2000); !errors.Is(err, pos.ErrPaymentPending) {
		t.Fatalf("set qty: %v", err)
	}
	if err := r.RemoveLine(0); !errors.Is(err, pos.ErrPaymentPending) {
		t.Fatalf("remove: %v", err)
	}
	if _, err := r.TenderCash(ctx, 1000); !errors.Is(err, pos.ErrPaymentPending) {
		t.Fatalf("cash: %v", err)
	}
	if _, err := r.TenderCard(ctx, 899, nil); !errors.Is(err, pos.ErrPaymentPending) {
		t.Fatalf("second card: %v", err)
	}
	r.CancelPayment()
	if term.authorizes != 1 {
		t.Fatalf("%d charge requests", term.authorizes)
	}
	// Recovery again: still unknown.
	if _, err := r.RecoverCardPayment(ctx); !errors.Is(err, ErrCardNeedsDecision) {
		t.Fatalf("recover: %v", err)
	}
	// A cashier alone may not decide; a wrong PIN neither.
	if _, err := r.ResolveCardPayment(ctx, p.ID, true, nil); !errors.Is(err, ErrNeedsOverride) {
		t.Fatalf("resolve alone: %v", err)
	}
	if _, err := r.ResolveCardPayment(ctx, p.ID, true, &Override{PIN: "0000", Reason: "terminal shows approved"}); pos.ErrorCode(err) != pos.EUnauthorized {
		t.Fatalf("wrong PIN: %v", err)
	}
	res, err := r.ResolveCardPayment(ctx, p.ID, true, &Override{PIN: "9999", Reason: "terminal shows approved"})
	if err != nil || res.Completed == nil {
		t.Fatalf("resolve: %+v %v", res, err)
	}
	got, _ := pay.CardPayment(ctx, p.ID)
	if got.State != CardManagerResolved || !got.Charged || got.ResolvedBy != "m1" {
		t.Fatalf("journal %+v", got)
	}
	if len(j.entries) != 2 || j.entries[0].Kind != pos.EntryOverride || j.entries[1].Kind != pos.EntrySale {
		t.Fatalf("journal entries %+v", j.entries)
	}
	if _, err := r.ResolveCardPayment(ctx, p.ID, false, &Override{PIN: "9999", Reason: "again"}); pos.ErrorCode(err) != pos.EConflict {
		t.Fatalf("second resolve: %v", err)
	}
}

func TestResolveCardPaymentNotCharged(t *testing.T) {
	t.Parallel()
	term := &fakeTerminal{
		authorize: func(CardRequest) (CardResult, error) { return CardResult{}, ErrOutcomeUnknown },
		last:      func() (CardResult, error) { return CardResult{}, errors.New("no answer") },
	}
	r, pay, _ := newCardRegister(t, term)
	ctx := context.Background()
	r.SetEmployee(Employee{ID: "m2", Name: "Max", Role: RoleManager})
	if _, err := r.TenderCard(ctx, 500, nil); !errors.Is(err, ErrCardNeedsDecision) {
		t.Fatalf("err %v", err)
	}
	p := onlyPayment(t, pay)
	res, err := r.ResolveCardPayment(ctx, p.ID, false, nil) // a manager may decide alone
	if err != nil || res.Totals.Due != 899 {
		t.Fatalf("resolve: %+v %v", res, err)
	}
	if s, _ := r.Sale(); s.PaymentLock != "" {
		t.Fatal("still locked")
	}
	if got, _ := pay.CardPayment(ctx, p.ID); got.State != CardManagerResolved || got.Charged {
		t.Fatalf("journal %+v", got)
	}
}

func TestCardResultsAreSanitized(t *testing.T) {
	t.Parallel()
	const pan = "4111111111111111"
	term := &fakeTerminal{authorize: func(CardRequest) (CardResult, error) {
		res := approved
		res.MaskedPAN = pan
		res.ReceiptLines = []string{"PAN " + pan, "PAN 4111 1111 1111 1111", "Trace 000042"}
		return res, nil
	}}
	r, pay, _ := newCardRegister(t, term)
	res, err := r.TenderCard(context.Background(), 899, nil)
	if err != nil {
		t.Fatal(err)
	}
	tn := res.Completed.Tenders[0]
	all := tn.MaskedPAN + strings.Join(tn.TerminalReceipt, "|") + onlyPayment(t, pay).MaskedPAN
	if pans := pos.FindPANs(all); len(pans) != 0 {
		t.Fatalf("PANs leaked: %q", pans)
	}
	if tn.MaskedPAN != "************1111" || tn.TerminalReceipt[1] != "PAN **** **** **** 1111" || tn.TerminalReceipt[2] != "Trace 000042" {
		t.Fatalf("tender %+v", tn)
	}
}

func TestRefundCard(t *testing.T) {
	t.Parallel()
	term := &fakeTerminal{refund: func(req CardRequest) (CardResult, error) {
		return CardResult{Approved: true, Amount: req.Amount, Trace: "000050", ReceiptNo: "0050", TerminalID: "52500038"}, nil
	}}
	j, pay := &fakeJournal{}, newFakePayments()
	r := New(testCfg, Deps{Catalog: newFakeCatalog(), Journal: j, PaymentTerminal: term, Payments: pay})
	ctx := context.Background()
	if _, err := r.AddProduct(ctx, "wine", -pos.QtyOne); err != nil {
		t.Fatal(err)
	}
	if _, err := r.RefundCard(ctx, 1000, nil); pos.ErrorCode(err) != pos.EInvalid {
		t.Fatalf("refund beyond due: %v", err)
	}
	res, err := r.RefundCard(ctx, 899, nil)
	if err != nil || res.Completed == nil || res.Completed.Tenders[0].Amount != -899 {
		t.Fatalf("refund %+v %v", res, err)
	}
	if p := onlyPayment(t, pay); p.Kind != CardRefund || p.State != CardApproved {
		t.Fatalf("journal %+v", p)
	}
}

type fakeSettler struct{ total int64 }

func (f fakeSettler) EndOfDay(context.Context, func(string)) (CardSettlement, error) {
	return CardSettlement{Total: f.total, ReceiptLines: []string{"KASSENSCHNITT", "Karte 4111111111111111"}, ResultCode: "00"}, nil
}

func TestCardEndOfDay(t *testing.T) {
	t.Parallel()
	p := newFakePrinter()
	r := New(testCfg, Deps{Catalog: newFakeCatalog(), Journal: &fakeJournal{}, Printer: p,
		PaymentTerminal: &fakeTerminal{}, CardSettler: fakeSettler{12345}, Payments: newFakePayments()})
	r.SetEmployee(Employee{ID: "e1", Name: "Anna", Role: RoleCashier})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	if _, err := r.CardEndOfDay(ctx, nil, nil); !errors.Is(err, ErrNeedsOverride) {
		t.Fatalf("cashier: %v", err)
	}
	r.SetEmployee(Employee{ID: "m1", Name: "Maria", Role: RoleManager})
	s, err := r.CardEndOfDay(ctx, nil, nil)
	if err != nil || s.Total != 12345 {
		t.Fatalf("%+v %v", s, err)
	}
	select {
	case d := <-p.printed:
		if d.Blocks[1].Text != "KASSENSCHNITT" || d.Blocks[2].Text != "Karte ************1111" {
			t.Fatalf("report %+v", d.Blocks)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("end of day report not printed")
	}
	noEOD := New(testCfg, Deps{Catalog: newFakeCatalog(), Journal: &fakeJournal{}, PaymentTerminal: &fakeTerminal{}, Payments: newFakePayments()})
	if _, err := noEOD.CardEndOfDay(ctx, nil, nil); pos.ErrorCode(err) != pos.EUnavailable {
		t.Fatalf("no settler: %v", err)
	}
}

func TestCancelPaymentKeepsCardTendersUntilReversed(t *testing.T) {
	t.Parallel()
	var reversed []string
	fail := true
	term := &fakeTerminal{
		authorize: func(req CardRequest) (CardResult, error) {
			res := approved
			res.Amount = req.Amount
			return res, nil
		},
		reverse: func(rn string) (CardResult, error) {
			if fail {
				fail = false
				return CardResult{}, fmt.Errorf("link lost: %w", ErrOutcomeUnknown)
			}
			reversed = append(reversed, rn)
			return CardResult{Approved: true, ResultCode: "00"}, nil
		},
	}
	r, pay, _ := newCardRegister(t, term)
	ctx := context.Background()
	if _, err := r.TenderCard(ctx, 500, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := r.TenderCash(ctx, 100); err != nil {
		t.Fatal(err)
	}
	r.CancelPayment()
	s, _ := r.Sale()
	if len(s.Tenders) != 1 || s.Tenders[0].Kind != pos.TenderCard {
		t.Fatalf("after cancel: %+v", s.Tenders)
	}
	// A failed reversal keeps the tender; the retry reverses it.
	if _, err := r.ReverseCardTenders(ctx, nil); pos.ErrorCode(err) != pos.EUnavailable {
		t.Fatalf("failed reversal: %v", err)
	}
	if s, _ := r.Sale(); len(s.Tenders) != 1 || s.PaymentLock != "" {
		t.Fatalf("after failed reversal: %+v", s)
	}
	res, err := r.ReverseCardTenders(ctx, nil)
	if err != nil || res.Totals.Due != 899 || len(reversed) != 1 || reversed[0] != "0042" {
		t.Fatalf("reversal %+v %v %q", res, err, reversed)
	}
	if p := onlyPayment(t, pay); p.State != CardReversed {
		t.Fatalf("journal %+v", p)
	}
	if _, err := r.Scan(ctx, "4000417025005"); err != nil {
		t.Fatalf("the sale is open again: %v", err)
	}
}

// A payment left in intent by a crash belongs to a sale that is gone: a
// manager records the decision; the open sale is not touched.
func TestResolveOrphanedIntentAfterRestart(t *testing.T) {
	t.Parallel()
	r, pay, _ := newCardRegister(t, &fakeTerminal{})
	ctx := context.Background()
	pay.rows["old"] = CardPayment{ID: "old", SaleID: "gone", Kind: CardSale, Amount: 450, State: CardIntent}
	ps, err := r.UnsettledCardPayments(ctx)
	if err != nil || len(ps) != 1 || ps[0].ID != "old" {
		t.Fatalf("unsettled %+v %v", ps, err)
	}
	r.SetEmployee(Employee{ID: "m1", Name: "Maria", Role: RoleManager})
	res, err := r.ResolveCardPayment(ctx, "old", true, nil)
	if err != nil || res.Completed != nil || res.Totals.Due != 899 {
		t.Fatalf("resolve %+v %v", res, err)
	}
	if p, _ := pay.CardPayment(ctx, "old"); p.State != CardManagerResolved || !p.Charged {
		t.Fatalf("journal %+v", p)
	}
	if s, _ := r.Sale(); len(s.Tenders) != 0 || s.PaymentLock != "" {
		t.Fatalf("open sale touched: %+v", s)
	}
}
