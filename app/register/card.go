package register

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tillpos/till/app/pos"
)

// Card payments. The flow is protocol-neutral: it speaks only to the
// PaymentTerminal port (terminal.go), so a ZVT driver (hardware/zvt) and a
// nexo-style JSON terminal plug in the same way (see docs/PAYMENTS.md).
//
// The rule that shapes everything here: once a charge request may have
// reached the terminal, the register never sends another one on its own. The
// intent is journaled before the request goes out; an unknown outcome locks
// the sale until the terminal's last transaction or a manager settles it.

// CardState is where a card payment stands in the payment journal.
type CardState string

const (
	CardIntent          CardState = "intent"           // journaled, request about to go or gone out
	CardApproved        CardState = "approved"         // the terminal approved it
	CardDeclined        CardState = "declined"         // declined, aborted or never sent: not charged
	CardUnknown         CardState = "unknown"          // the link failed after the request
	CardReversed        CardState = "reversed"         // approved, then cancelled on the terminal
	CardManagerResolved CardState = "manager-resolved" // a manager decided; Charged says what
)

// CardKind is which way the money goes.
type CardKind string

const (
	CardSale   CardKind = "sale"
	CardRefund CardKind = "refund"
)

// CardPayment is one row of the payment journal. It holds only what PCI DSS
// allows outside the terminal: never a full card number.
type CardPayment struct {
	ID         string
	SaleID     string
	Kind       CardKind
	Amount     int64 // minor units, positive
	Currency   string
	State      CardState
	Charged    bool // money moved: approved, or a manager decided it did
	MaskedPAN  string
	Brand      string
	AuthCode   string
	Trace      string
	ReceiptNo  string // the terminal's receipt number
	TerminalID string
	ResultCode string
	Message    string // the terminal's or the register's sentence about the outcome
	ResolvedBy string // id of the employee who decided an unknown outcome
	Note       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// PaymentJournal is the durable record of card payments (store implements it).
type PaymentJournal interface {
	// RecordCardIntent stores a new payment in state CardIntent; it is on
	// disk when it returns nil, before the request goes to the terminal.
	RecordCardIntent(ctx context.Context, p CardPayment) error
	// SettleCardPayment moves p.ID to p.State with the facts in p. It
	// refuses (pos.EConflict) a move the state machine does not allow:
	// intent -> approved|declined|unknown|manager-resolved,
	// unknown -> approved|declined|manager-resolved, approved -> reversed.
	SettleCardPayment(ctx context.Context, p CardPayment) error
	// CardPayment returns a payment by id (pos.ENotFound if none).
	CardPayment(ctx context.Context, id string) (CardPayment, error)
	// CardPaymentByTerminalRef returns the payment the terminal already
	// reported under this trace or receipt number (pos.ENotFound if none).
	CardPaymentByTerminalRef(ctx context.Context, terminalID, trace, receiptNo string) (CardPayment, error)
	// UnsettledCardPayments lists payments left in intent or unknown (e.g.
	// by a crash), oldest first.
	UnsettledCardPayments(ctx context.Context) ([]CardPayment, error)
	// RecordTerminalRef keeps the numbers of a terminal transaction that is
	// not a payment of its own (a reversal); CardPaymentByTerminalRef then
	// finds them too, so card recovery never takes them for a lost payment.
	RecordTerminalRef(ctx context.Context, ref TerminalRef) error
}

// TerminalRef is a terminal transaction that is not a payment of its own (a
// reversal): its trace and receipt numbers, and the payment it reversed.
type TerminalRef struct {
	ID, PaymentID, What string
	Amount              int64
	TerminalID          string
	Trace, ReceiptNo    string
	At                  time.Time
}

// ErrCardNeedsDecision: the terminal could not tell whether the customer was
// charged. The sale stays locked; a manager decides with ResolveCardPayment.
var ErrCardNeedsDecision = pos.Errorf(pos.EUnavailable, "The card terminal cannot tell whether the customer was charged. Do not charge again: check the terminal, then a manager decides.")

// ErrNoCardTerminal: no terminal (or no payment journal) is configured.
var ErrNoCardTerminal = pos.Errorf(pos.EUnavailable, "No card terminal is set up on this register.")

// TenderCard charges amount (minor units, at most what is due) on the card
// terminal. prompt receives the terminal's texts for the cashier. Approved:
// the card tender is added and the sale completes when settled. Declined: a
// *pos.Error with the terminal's reason; the sale stays open. Unknown
// outcome: the register asks the terminal for its last transaction; if that
// does not settle it, ErrCardNeedsDecision and the sale stays locked.
func (r *Register) TenderCard(ctx context.Context, amount int64, prompt func(string)) (Payment, error) {
	return r.cardTransaction(ctx, CardSale, amount, prompt)
}

// RefundCard pays amount (minor units, positive) back to a card for a return
// (a sale with a negative total), with the same journal and recovery rules.
func (r *Register) RefundCard(ctx context.Context, amount int64, prompt func(string)) (Payment, error) {
	return r.cardTransaction(ctx, CardRefund, amount, prompt)
}

// CancelCard asks the terminal to abort the transaction waiting for a card;
// the running TenderCard then returns the terminal's abort as a decline.
func (r *Register) CancelCard(ctx context.Context) error {
	if r.deps.PaymentTerminal == nil {
		return ErrNoCardTerminal
	}
	if err := r.deps.PaymentTerminal.Abort(ctx); err != nil {
		r.deps.Log.Warn("card abort", "err", err)
		return fmt.Errorf("%w: %w", pos.Errorf(pos.EUnavailable, "The card terminal did not take the cancel: cancel on the terminal itself."), err)
	}
	return nil
}

// PendingCardPayment returns the card payment locking the open sale (in
// flight, or with an unknown outcome), with the facts a manager needs.
func (r *Register) PendingCardPayment(ctx context.Context) (CardPayment, bool, error) {
	r.mu.Lock()
	id := r.sale.PaymentLock
	r.mu.Unlock()
	if id == "" || r.deps.Payments == nil {
		return CardPayment{}, false, nil
	}
	p, err := r.deps.Payments.CardPayment(ctx, id)
	if err != nil {
		return CardPayment{}, true, fmt.Errorf("pending card payment %s: %w", id, err)
	}
	return p, true, nil
}

// UnsettledCardPayments lists payments no one settled (left by a crash or a
// lost link), for a manager to resolve.
func (r *Register) UnsettledCardPayments(ctx context.Context) ([]CardPayment, error) {
	if r.deps.Payments == nil {
		return nil, nil
	}
	return r.deps.Payments.UnsettledCardPayments(ctx)
}

// RecoverCardPayment asks the terminal again about the unknown payment
// locking the open sale (e.g. once the terminal is back).
func (r *Register) RecoverCardPayment(ctx context.Context) (Payment, error) {
	p, ok, err := r.PendingCardPayment(ctx)
	if err != nil || !ok {
		return Payment{}, err
	}
	if p.State != CardUnknown {
		return Payment{}, pos.ErrPaymentPending
	}
	return r.recoverCard(ctx, p)
}

// ResolveCardPayment records a manager's decision on a payment whose
// outcome stayed unknown: approved says the customer was charged (as the
// terminal's own journal or receipt shows). It needs ActionRefund-level
// permission. An approved payment of the open sale becomes its card tender;
// otherwise the sale is unlocked for another payment.
func (r *Register) ResolveCardPayment(ctx context.Context, paymentID string, approved bool, ov *Override) (Payment, error) {
	pj := r.deps.Payments
	if pj == nil {
		return Payment{}, ErrNoCardTerminal
	}
	p, err := pj.CardPayment(ctx, paymentID)
	if err != nil {
		return Payment{}, fmt.Errorf("resolve card payment %s: %w", paymentID, err)
	}
	r.mu.Lock()
	inFlight := r.sale.PaymentLock == p.ID && p.State == CardIntent
	r.mu.Unlock()
	if inFlight || (p.State != CardUnknown && p.State != CardIntent) {
		return Payment{}, pos.Errorf(pos.EConflict, "This card payment is not waiting for a decision.")
	}
	verdict := "not charged"
	if approved {
		verdict = "charged"
	}
	who, err := r.Authorize(ctx, ActionRefund, ov,
		fmt.Sprintf("card payment %s of %s: %s", p.ID, pos.FormatPlain(p.Amount, r.cfg.Currency.Digits), verdict))
	if err != nil {
		return Payment{}, err
	}
	p.State, p.Charged, p.ResolvedBy = CardManagerResolved, approved, who.ID
	p.Note = "decided by " + who.Name + ": " + verdict
	p.UpdatedAt = r.deps.Clock.Now()
	if err := pj.SettleCardPayment(ctx, p); err != nil {
		return Payment{}, fmt.Errorf("resolve card payment %s: %w", p.ID, err)
	}
	r.deps.Log.Info("card payment resolved by manager", "payment", p.ID, "charged", approved, "by", who.ID)
	if approved {
		return r.addCardTender(ctx, p, nil)
	}
	r.unlockSale(p.ID)
	return r.totals(), nil
}

func (r *Register) cardTransaction(ctx context.Context, kind CardKind, amount int64, prompt func(string)) (Payment, error) {
	term, pj := r.deps.PaymentTerminal, r.deps.Payments
	if term == nil || pj == nil {
		return Payment{}, ErrNoCardTerminal
	}
	if amount <= 0 {
		return Payment{}, pos.Errorf(pos.EInvalid, "Enter an amount.")
	}
	if prompt == nil {
		prompt = func(string) {}
	}
	now := r.deps.Clock.Now()
	r.mu.Lock()
	if err := r.loggedInLocked(); err != nil {
		// Checked before charging only: an approval that arrives after a lock
		// is money taken and must still be recorded.
		r.mu.Unlock()
		return Payment{}, err
	}
	if r.sale.PaymentLock != "" {
		r.mu.Unlock()
		return Payment{}, pos.ErrPaymentPending
	}
	// Check the tender would be taken before anything is charged.
	probe := *r.sale
	probe.Tenders = append([]pos.Tender(nil), r.sale.Tenders...)
	if err := probe.AddTender(pos.Tender{Kind: pos.TenderCard, Amount: signedAmount(kind, amount)}); err != nil {
		r.mu.Unlock()
		return Payment{}, err
	}
	if r.sale.Return {
		// The terminal pays out before the commit checks the return again.
		if err := r.checkReturnLocked(ctx); err != nil {
			r.mu.Unlock()
			return Payment{}, err
		}
	}
	p := CardPayment{ID: newID(), SaleID: r.sale.ID, Kind: kind, Amount: amount, Currency: r.cfg.Currency.Code,
		State: CardIntent, CreatedAt: now, UpdatedAt: now}
	r.sale.PaymentLock = p.ID
	r.mu.Unlock()

	if err := pj.RecordCardIntent(ctx, p); err != nil {
		r.unlockSale(p.ID)
		r.deps.Log.Error("card intent", "payment", p.ID, "err", err)
		return Payment{}, fmt.Errorf("%w: %w", pos.Errorf(pos.EInternal, "The card payment could not be recorded, so it was not started. Try again or take another payment."), err)
	}
	r.deps.Log.Info("card request", "payment", p.ID, "sale", p.SaleID, "kind", kind, "amount", amount)
	req := CardRequest{PaymentID: p.ID, Amount: amount, Currency: r.cfg.Currency}
	var res CardResult
	var err error
	if kind == CardRefund {
		res, err = term.Refund(ctx, req, prompt)
	} else {
		res, err = term.Authorize(ctx, req, prompt)
	}
	// From here the outcome must be journaled even if the caller gave up.
	ctx = context.WithoutCancel(ctx)
	res = sanitizeResult(res)
	switch {
	case err == nil && res.Approved:
		r.deps.Metrics.CardOutcome(CardOutcomeApproved)
	case err == nil:
		r.deps.Metrics.CardOutcome(CardOutcomeDeclined)
	default:
		r.deps.Metrics.CardOutcome(CardOutcomeError)
	}
	switch {
	case err == nil && res.Approved:
		return r.approveCard(ctx, p, res, CardApproved)
	case err == nil:
		return r.declineCard(ctx, p, res, "")
	case errors.Is(err, ErrOutcomeUnknown):
		r.deps.Log.Warn("card outcome unknown", "payment", p.ID, "err", err)
		p.State, p.Message, p.UpdatedAt = CardUnknown, "the link to the terminal failed after the request", r.deps.Clock.Now()
		if err := pj.SettleCardPayment(ctx, p); err != nil {
			r.deps.Log.Error("card unknown", "payment", p.ID, "err", err)
		}
		return r.recoverCard(ctx, p)
	default:
		// The port's contract: anything but ErrOutcomeUnknown means no
		// charge happened (not reachable, refused the request).
		r.deps.Log.Warn("card not taken", "payment", p.ID, "err", err)
		msg := pos.ErrorMessage(err)
		_, _ = r.declineCard(ctx, p, CardResult{Message: msg}, msg)
		return Payment{}, err
	}
}

// recoverCard settles an unknown outcome from the terminal's last
// transaction, matched by amount and by trace/receipt numbers the journal
// has not seen before. It never sends a new charge.
func (r *Register) recoverCard(ctx context.Context, p CardPayment) (Payment, error) {
	last, err := r.deps.PaymentTerminal.LastTransaction(ctx)
	if err != nil {
		r.deps.Log.Warn("card recovery: no last transaction", "payment", p.ID, "err", err)
		return r.stillUnknown(ctx, p, "the terminal did not report its last transaction")
	}
	last = sanitizeResult(last)
	if last.Trace == "" && last.ReceiptNo == "" {
		return r.stillUnknown(ctx, p, "the terminal's last transaction has no trace or receipt number")
	}
	other, err := r.deps.Payments.CardPaymentByTerminalRef(ctx, last.TerminalID, last.Trace, last.ReceiptNo)
	switch {
	case err == nil && other.ID != p.ID:
		// The terminal's last transaction is one we already recorded: our
		// request never ran there, so nothing was charged.
		r.deps.Log.Info("card recovery: request never processed", "payment", p.ID, "last", other.ID)
		return r.declineCard(ctx, p, CardResult{}, "The terminal never processed this payment: the customer was not charged.")
	case err != nil && pos.ErrorCode(err) != pos.ENotFound:
		r.deps.Log.Error("card recovery: journal", "payment", p.ID, "err", err)
		return r.stillUnknown(ctx, p, "the payment journal could not be read")
	}
	if last.Amount != p.Amount {
		return r.stillUnknown(ctx, p, fmt.Sprintf("the terminal's last transaction is for %s, not %s",
			pos.FormatPlain(last.Amount, r.cfg.Currency.Digits), pos.FormatPlain(p.Amount, r.cfg.Currency.Digits)))
	}
	r.deps.Log.Info("card recovery: matched last transaction", "payment", p.ID, "approved", last.Approved, "trace", last.Trace, "receipt", last.ReceiptNo)
	if last.Approved {
		p.Note = "recovered from the terminal's last transaction"
		return r.approveCard(ctx, p, last, CardApproved)
	}
	return r.declineCard(ctx, p, last, "")
}

func (r *Register) stillUnknown(ctx context.Context, p CardPayment, why string) (Payment, error) {
	p.State, p.Note, p.UpdatedAt = CardUnknown, why, r.deps.Clock.Now()
	if err := r.deps.Payments.SettleCardPayment(ctx, p); err != nil {
		r.deps.Log.Error("card unknown", "payment", p.ID, "err", err)
	}
	r.deps.Log.Warn("card outcome still unknown: manager decides", "payment", p.ID, "why", why)
	return Payment{}, ErrCardNeedsDecision
}

// approveCard journals an approval and turns it into the sale's tender.
func (r *Register) approveCard(ctx context.Context, p CardPayment, res CardResult, state CardState) (Payment, error) {
	p.State, p.Charged, p.UpdatedAt = state, true, r.deps.Clock.Now()
	p.MaskedPAN, p.Brand, p.AuthCode = res.MaskedPAN, res.Brand, res.AuthCode
	p.Trace, p.ReceiptNo, p.TerminalID, p.ResultCode = res.Trace, res.ReceiptNo, res.TerminalID, res.ResultCode
	if err := r.deps.Payments.SettleCardPayment(ctx, p); err != nil {
		// The customer was charged: the sale must show it even so; the
		// sales journal below still records the tender.
		r.deps.Log.Error("card approved but not journaled", "payment", p.ID, "err", err)
	}
	r.deps.Log.Info("card approved", "payment", p.ID, "amount", p.Amount, "trace", p.Trace, "receipt", p.ReceiptNo)
	return r.addCardTender(ctx, p, res.ReceiptLines)
}

func (r *Register) addCardTender(ctx context.Context, p CardPayment, lines []string) (Payment, error) {
	ref := p.ReceiptNo
	if ref == "" {
		ref = p.Trace
	}
	t := pos.Tender{Kind: pos.TenderCard, Amount: signedAmount(p.Kind, p.Amount), MaskedPAN: p.MaskedPAN, Brand: p.Brand,
		AuthCode: p.AuthCode, Reference: ref, TerminalID: p.TerminalID, TerminalReceipt: lines}
	r.mu.Lock()
	defer r.unlock()
	if r.sale.ID != p.SaleID || r.sale.PaymentLock != p.ID {
		// A payment from before a restart: the decision is journaled, the
		// sale it belonged to is gone.
		tot, _ := r.sale.Totals()
		return Payment{Totals: tot}, nil
	}
	r.sale.PaymentLock = ""
	n := len(r.sale.Tenders)
	pay, err := r.tenderLocked(ctx, t)
	if err != nil && r.sale.ID == p.SaleID && len(r.sale.Tenders) == n {
		// Not added (a failed commit keeps the tender and is retried with Complete).
		r.deps.Log.Error("card charged but the tender was refused", "payment", p.ID, "err", err)
		return Payment{}, fmt.Errorf("%w: %w", pos.Errorf(pos.EInternal, "The card was charged but the sale did not take the payment. Call a manager (payment %s).", p.ID), err)
	}
	return pay, err
}

func (r *Register) declineCard(ctx context.Context, p CardPayment, res CardResult, msg string) (Payment, error) {
	if msg == "" {
		msg = res.Message
	}
	if msg == "" {
		msg = "The card was declined."
	}
	p.State, p.Charged, p.UpdatedAt = CardDeclined, false, r.deps.Clock.Now()
	p.ResultCode, p.Message = res.ResultCode, msg
	p.Trace, p.ReceiptNo, p.TerminalID = res.Trace, res.ReceiptNo, res.TerminalID
	if err := r.deps.Payments.SettleCardPayment(ctx, p); err != nil {
		r.deps.Log.Error("card decline not journaled", "payment", p.ID, "err", err)
	}
	r.deps.Log.Info("card declined", "payment", p.ID, "result", p.ResultCode)
	r.unlockSale(p.ID)
	return Payment{}, pos.Errorf(pos.EInvalid, "Card payment not made: %s Take another card or another way to pay.", sentence(msg))
}

func (r *Register) unlockSale(paymentID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sale.PaymentLock == paymentID {
		r.sale.PaymentLock = ""
	}
}

func (r *Register) totals() Payment {
	r.mu.Lock()
	defer r.mu.Unlock()
	tot, _ := r.sale.Totals()
	return Payment{Totals: tot}
}

func signedAmount(kind CardKind, amount int64) int64 {
	if kind == CardRefund {
		return -amount
	}
	return amount
}

func sentence(s string) string {
	if s == "" {
		return s
	}
	switch s[len(s)-1] {
	case '.', '!', '?':
		return s
	}
	return s + "."
}

// sanitizeResult masks anything PAN-like a terminal sent, whatever its
// protocol: a misbehaving terminal must not put a card number on disk,
// paper or in the log.
func sanitizeResult(res CardResult) CardResult {
	res.MaskedPAN = pos.MaskPAN(res.MaskedPAN)
	for _, f := range []*string{&res.Brand, &res.AuthCode, &res.Trace, &res.ReceiptNo, &res.TerminalID, &res.ResultCode, &res.Message} {
		*f = pos.MaskPANs(*f)
	}
	if res.ReceiptLines != nil {
		lines := make([]string, len(res.ReceiptLines))
		for i, l := range res.ReceiptLines {
			lines[i] = pos.MaskPANs(l)
		}
		res.ReceiptLines = lines
	}
	return res
}

// CardSettlement is a terminal's end of day (its batch settled with the
// acquirers).
type CardSettlement struct {
	Total        int64 // minor units, as the terminal reports it
	ReceiptLines []string
	ResultCode   string
}

// CardSettler settles a card terminal's batch (Deps.CardSettler; the ZVT
// terminal is one).
type CardSettler interface {
	EndOfDay(ctx context.Context, prompt func(string)) (CardSettlement, error)
}

// CardEndOfDay settles the card terminal's batch (a Z-report-level action)
// and prints the terminal's report.
func (r *Register) CardEndOfDay(ctx context.Context, ov *Override, prompt func(string)) (CardSettlement, error) {
	s := r.deps.CardSettler
	if s == nil {
		return CardSettlement{}, pos.Errorf(pos.EUnavailable, "This card terminal has no end of day.")
	}
	if _, err := r.Authorize(ctx, ActionZReport, ov, "card terminal end of day"); err != nil {
		return CardSettlement{}, err
	}
	res, err := s.EndOfDay(ctx, prompt)
	r.deps.Log.Info("card end of day", "total", res.Total, "result", res.ResultCode, "err", err)
	if len(res.ReceiptLines) > 0 {
		d := pos.Doc{ID: newID(), Lang: r.cfg.Locale}
		d.Title(wordsFor(r.cfg.Locale).CardEndOfDay)
		for _, l := range res.ReceiptLines {
			d.Text(pos.MaskPANs(l), pos.AlignLeft)
		}
		d.Feed(2)
		r.spool.EnqueueKind(JobReport, d)
	}
	return res, err
}

// ReverseCardTenders gives back the card payments of the open sale (the
// customer changed their mind before the sale completed): each approved card
// tender is reversed on the terminal by its receipt number, journaled as
// reversed and removed from the sale. A reversal is safe to retry: adapters
// report a payment the terminal had already reversed as an approved
// reversal (PaymentTerminal.Reverse).
func (r *Register) ReverseCardTenders(ctx context.Context, prompt func(string)) (Payment, error) {
	term, pj := r.deps.PaymentTerminal, r.deps.Payments
	if term == nil || pj == nil {
		return Payment{}, ErrNoCardTerminal
	}
	lock := "reversal-" + newID()
	r.mu.Lock()
	if r.sale.PaymentLock != "" {
		r.mu.Unlock()
		return Payment{}, pos.ErrPaymentPending
	}
	saleID := r.sale.ID
	var cards []pos.Tender
	for _, t := range r.sale.Tenders {
		if t.Kind == pos.TenderCard {
			cards = append(cards, t)
		}
	}
	r.sale.PaymentLock = lock
	r.mu.Unlock()
	defer r.unlockSale(lock)

	for _, t := range cards {
		if t.Amount < 0 || t.Reference == "" {
			return Payment{}, pos.Errorf(pos.EConflict, "This card payment cannot be reversed here: refund it on the terminal.")
		}
		res, err := term.Reverse(ctx, t.Reference, prompt)
		if err != nil {
			r.deps.Log.Warn("card reversal", "receipt", t.Reference, "err", err)
			return Payment{}, fmt.Errorf("%w: %w", pos.Errorf(pos.EUnavailable, "The card payment was not reversed. Try again: a reversal is never done twice."), err)
		}
		if !res.Approved {
			return Payment{}, pos.Errorf(pos.EConflict, "The terminal did not reverse the card payment: %s", sentence(res.Message))
		}
		r.journalReversal(ctx, saleID, t, res)
		r.deps.Log.Info("card reversed", "receipt", t.Reference, "amount", t.Amount)
		r.mu.Lock()
		for i, s := range r.sale.Tenders {
			if s.Kind == pos.TenderCard && s.Reference == t.Reference && s.TerminalID == t.TerminalID {
				r.sale.Tenders = append(r.sale.Tenders[:i], r.sale.Tenders[i+1:]...)
				break
			}
		}
		r.mu.Unlock()
	}
	return r.totals(), nil
}

// journalReversal records, right after the terminal approved a reversal of
// tender t of sale saleID, that its payment is reversed, and keeps the reversal's own trace
// and receipt numbers: the terminal's last transaction is then the reversal,
// and card recovery must not take it for the approval of a lost payment of
// the same amount (recoverCard accepts only numbers it has not seen).
func (r *Register) journalReversal(ctx context.Context, saleID string, t pos.Tender, res CardResult) {
	pj := r.deps.Payments
	if pj == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	res = sanitizeResult(res)
	var paymentID string
	if p, ok := tenderPayment(ctx, pj, saleID, t); ok {
		paymentID = p.ID
		if p.State != CardReversed {
			p.State, p.UpdatedAt = CardReversed, r.deps.Clock.Now()
			if err := pj.SettleCardPayment(ctx, p); err != nil {
				r.deps.Log.Error("card reversal not journaled", "payment", p.ID, "err", err)
			}
		}
	}
	if res.Trace == "" && res.ReceiptNo == "" {
		return
	}
	tid := res.TerminalID
	if tid == "" {
		tid = t.TerminalID
	}
	ref := TerminalRef{ID: newID(), PaymentID: paymentID, What: "reversal", Amount: abs64(t.Amount), TerminalID: tid,
		Trace: res.Trace, ReceiptNo: res.ReceiptNo, At: r.deps.Clock.Now()}
	if err := pj.RecordTerminalRef(ctx, ref); err != nil {
		r.deps.Log.Error("card reversal numbers not journaled", "receipt", t.Reference, "trace", res.Trace, "err", err)
	}
}

// tenderPayment finds the payment of card tender t of sale saleID. The
// tender's reference is the terminal's receipt number, or its trace when the
// terminal gave none (addCardTender): both are looked up, and only a payment
// of this sale and amount is taken (a trace may equal another's receipt number).
func tenderPayment(ctx context.Context, pj PaymentJournal, saleID string, t pos.Tender) (CardPayment, bool) {
	for _, by := range [][2]string{{"", t.Reference}, {t.Reference, ""}} {
		p, err := pj.CardPaymentByTerminalRef(ctx, t.TerminalID, by[0], by[1])
		if err == nil && p.SaleID == saleID && p.Amount == abs64(t.Amount) {
			return p, true
		}
	}
	return CardPayment{}, false
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
