package ui

import (
	"context"
	"sync"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// fakeTerminal approves, blocks until aborted (block set), or loses the
// answer (unknown).
type fakeTerminal struct {
	approve, unknown bool
	block            chan struct{} // closed by Abort
	prompted         chan struct{} // closed after the first prompt
	prompts          int
	once             sync.Once
	refunds          int      // Refund calls
	reversed         []string // receipt numbers given to Reverse
}

func (f *fakeTerminal) Authorize(ctx context.Context, req register.CardRequest, prompt func(string)) (register.CardResult, error) {
	prompt("Karte einstecken")
	f.prompts++
	if f.prompted != nil {
		close(f.prompted)
	}
	switch {
	case f.block != nil:
		<-f.block
		return register.CardResult{Approved: false, ResultCode: "6c", Message: "Abbruch durch Bediener"}, nil
	case f.unknown:
		return register.CardResult{}, register.ErrOutcomeUnknown
	}
	return register.CardResult{Approved: f.approve, Amount: req.Amount, MaskedPAN: "************1234", Brand: "girocard",
		AuthCode: "A1", Trace: "000042", ReceiptNo: "0042", TerminalID: "T1"}, nil
}

func (f *fakeTerminal) Refund(ctx context.Context, req register.CardRequest, prompt func(string)) (register.CardResult, error) {
	f.refunds++
	return f.Authorize(ctx, req, prompt)
}

func (f *fakeTerminal) Reverse(_ context.Context, receiptNo string, _ func(string)) (register.CardResult, error) {
	f.reversed = append(f.reversed, receiptNo)
	return register.CardResult{Approved: true}, nil
}

func (f *fakeTerminal) Abort(context.Context) error {
	if f.block != nil {
		f.once.Do(func() { close(f.block) })
	}
	return nil
}

func (f *fakeTerminal) LastTransaction(context.Context) (register.CardResult, error) {
	return register.CardResult{}, register.ErrOutcomeUnknown
}

// fakePayments is an in-memory register.PaymentJournal.
type fakePayments struct {
	mu sync.Mutex
	ps map[string]register.CardPayment
}

func newFakePayments() *fakePayments { return &fakePayments{ps: map[string]register.CardPayment{}} }

func (f *fakePayments) RecordCardIntent(_ context.Context, p register.CardPayment) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ps[p.ID] = p
	return nil
}

func (f *fakePayments) SettleCardPayment(_ context.Context, p register.CardPayment) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ps[p.ID] = p
	return nil
}

func (f *fakePayments) CardPayment(_ context.Context, id string) (register.CardPayment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.ps[id]
	if !ok {
		return register.CardPayment{}, pos.Errorf(pos.ENotFound, "no payment %s", id)
	}
	return p, nil
}

func (f *fakePayments) CardPaymentByTerminalRef(context.Context, string, string, string) (register.CardPayment, error) {
	return register.CardPayment{}, pos.Errorf(pos.ENotFound, "none")
}

// RecordTerminalRef keeps nothing: CardPaymentByTerminalRef finds none anyway.
func (f *fakePayments) RecordTerminalRef(context.Context, register.TerminalRef) error { return nil }

func (f *fakePayments) UnsettledCardPayments(context.Context) ([]register.CardPayment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []register.CardPayment
	for _, p := range f.ps {
		if p.State == register.CardIntent || p.State == register.CardUnknown {
			out = append(out, p)
		}
	}
	return out, nil
}
