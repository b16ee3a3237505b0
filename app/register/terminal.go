package register

import (
	"context"

	"github.com/tillpos/till/app/pos"
)

// PaymentTerminal is a card terminal behind a protocol driver (ZVT first, a
// nexo-style JSON terminal API later). The register never sees a card number:
// results carry only what PCI DSS allows outside the terminal.
//
// An error wrapping ErrOutcomeUnknown means the request went out and no
// answer came back: the terminal may have charged the card. The caller must
// not send another charge; it recovers with LastTransaction.
type PaymentTerminal interface {
	// Authorize charges req.Amount; prompt receives the terminal's texts
	// for the cashier ("Insert card", "Enter PIN") as they arrive.
	Authorize(ctx context.Context, req CardRequest, prompt func(string)) (CardResult, error)
	// Refund pays req.Amount back to a card.
	Refund(ctx context.Context, req CardRequest, prompt func(string)) (CardResult, error)
	// Reverse cancels an approved payment by its terminal receipt number.
	Reverse(ctx context.Context, receiptNo string, prompt func(string)) (CardResult, error)
	// Abort asks the terminal to stop waiting for a card.
	Abort(ctx context.Context) error
	// LastTransaction asks the terminal for the outcome of its last
	// transaction, to settle an unknown outcome.
	LastTransaction(ctx context.Context) (CardResult, error)
}

// CardRequest is one card transaction to perform.
type CardRequest struct {
	PaymentID string // our id, recorded in the payment journal before sending
	Amount    int64  // minor units, positive
	Currency  pos.Currency
}

// CardResult is a terminal's answer.
type CardResult struct {
	Approved     bool
	Amount       int64
	MaskedPAN    string // e.g. "************1234"
	Brand        string // "girocard", "VISA"
	AuthCode     string
	Trace        string // terminal trace number
	ReceiptNo    string // terminal receipt number, for reversal and matching
	TerminalID   string
	ResultCode   string // protocol result code, for the log
	Message      string // the terminal's sentence for the cashier on a decline
	ReceiptLines []string
}

// ErrOutcomeUnknown: the request was sent and its outcome is not known.
var ErrOutcomeUnknown = pos.Errorf(pos.EUnavailable, "The card terminal stopped answering during the payment. Do not charge again: checking what happened...")
