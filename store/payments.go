package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

var _ register.PaymentJournal = (*DB)(nil)

// cardMoves is the payment state machine: the states each state may move to.
// unknown -> unknown records a further failed recovery attempt.
var cardMoves = map[register.CardState][]register.CardState{
	register.CardIntent:   {register.CardApproved, register.CardDeclined, register.CardUnknown, register.CardManagerResolved},
	register.CardUnknown:  {register.CardApproved, register.CardDeclined, register.CardUnknown, register.CardManagerResolved},
	register.CardApproved: {register.CardReversed},
}

const cardColumns = `id, sale_id, kind, amount, currency, state, charged, masked_pan, brand, auth_code, trace,
	receipt_no, terminal_id, result_code, message, resolved_by, note, created_at, updated_at`

// RecordCardIntent writes a new card payment in state intent, durably, before
// the request goes to the terminal.
func (db *DB) RecordCardIntent(ctx context.Context, p register.CardPayment) error {
	if p.State != register.CardIntent {
		return pos.Errorf(pos.EInvalid, "A new card payment must start as an intent.")
	}
	if err := checkCardFields(p); err != nil {
		return err
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO card_payments (`+cardColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.SaleID, string(p.Kind), p.Amount, p.Currency, string(p.State), p.Charged, p.MaskedPAN, p.Brand,
		p.AuthCode, p.Trace, p.ReceiptNo, p.TerminalID, p.ResultCode, p.Message, p.ResolvedBy, p.Note,
		p.CreatedAt.UnixMilli(), p.UpdatedAt.UnixMilli())
	if err != nil {
		if isUniqueViolation(err) {
			return pos.Errorf(pos.EConflict, "Card payment %s is already recorded.", p.ID)
		}
		return fmt.Errorf("store: card intent %s: %w", p.ID, err)
	}
	return nil
}

// SettleCardPayment moves a payment to p.State with the facts in p, if the
// state machine allows it; amount, kind, sale and creation time never change.
func (db *DB) SettleCardPayment(ctx context.Context, p register.CardPayment) error {
	if err := checkCardFields(p); err != nil {
		return err
	}
	var from []string
	for s, tos := range cardMoves {
		for _, to := range tos {
			if to == p.State {
				from = append(from, "'"+string(s)+"'")
			}
		}
	}
	if len(from) == 0 {
		return pos.Errorf(pos.EConflict, "A card payment cannot move to %q.", p.State)
	}
	res, err := db.w.ExecContext(ctx, `UPDATE card_payments SET state = ?, charged = ?, masked_pan = ?, brand = ?,
		auth_code = ?, trace = ?, receipt_no = ?, terminal_id = ?, result_code = ?, message = ?, resolved_by = ?,
		note = ?, updated_at = ? WHERE id = ? AND state IN (`+strings.Join(from, ", ")+`)`,
		string(p.State), p.Charged, p.MaskedPAN, p.Brand, p.AuthCode, p.Trace, p.ReceiptNo, p.TerminalID,
		p.ResultCode, p.Message, p.ResolvedBy, p.Note, p.UpdatedAt.UnixMilli(), p.ID)
	if err != nil {
		return fmt.Errorf("store: settle card payment %s: %w", p.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: settle card payment %s: %w", p.ID, err)
	} else if n == 1 {
		return nil
	}
	old, err := db.CardPayment(ctx, p.ID)
	if err != nil {
		return err
	}
	return pos.Errorf(pos.EConflict, "Card payment %s is %s and cannot become %s.", p.ID, old.State, p.State)
}

// CardPayment returns one payment, or ENotFound.
func (db *DB) CardPayment(ctx context.Context, id string) (register.CardPayment, error) {
	p, err := scanCardPayment(db.r.QueryRowContext(ctx, `SELECT `+cardColumns+` FROM card_payments WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return register.CardPayment{}, pos.Errorf(pos.ENotFound, "No card payment %s.", id)
	} else if err != nil {
		return register.CardPayment{}, fmt.Errorf("store: card payment %s: %w", id, err)
	}
	return p, nil
}

// CardPaymentByTerminalRef returns the most recent payment this terminal
// reported under trace or receiptNo, or ENotFound.
func (db *DB) CardPaymentByTerminalRef(ctx context.Context, terminalID, trace, receiptNo string) (register.CardPayment, error) {
	if trace == "" && receiptNo == "" {
		return register.CardPayment{}, pos.Errorf(pos.ENotFound, "No trace or receipt number given.")
	}
	p, err := scanCardPayment(db.r.QueryRowContext(ctx, `SELECT `+cardColumns+` FROM card_payments
		WHERE terminal_id = ? AND ((? <> '' AND trace = ?) OR (? <> '' AND receipt_no = ?))
		ORDER BY created_at DESC LIMIT 1`, terminalID, trace, trace, receiptNo, receiptNo))
	if errors.Is(err, sql.ErrNoRows) {
		return db.cardPaymentByOtherRef(ctx, terminalID, trace, receiptNo)
	} else if err != nil {
		return register.CardPayment{}, fmt.Errorf("store: card payment by terminal ref: %w", err)
	}
	return p, nil
}

// RecordTerminalRef keeps the numbers of a terminal transaction that is not
// a payment of its own (a reversal), so CardPaymentByTerminalRef finds them.
func (db *DB) RecordTerminalRef(ctx context.Context, ref register.TerminalRef) error {
	if err := checkCardFields(register.CardPayment{Trace: ref.Trace, ReceiptNo: ref.ReceiptNo, TerminalID: ref.TerminalID}); err != nil {
		return err
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO card_terminal_refs (id, payment_id, what, amount, terminal_id, trace, receipt_no, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, ref.ID, ref.PaymentID, ref.What, ref.Amount, ref.TerminalID, ref.Trace, ref.ReceiptNo, ref.At.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: terminal ref %s: %w", ref.ID, err)
	}
	return nil
}

// cardPaymentByOtherRef finds trace or receiptNo among the recorded
// reversals: the payment it reversed, or (not known) a row standing for the
// reversal itself, state reversed.
func (db *DB) cardPaymentByOtherRef(ctx context.Context, terminalID, trace, receiptNo string) (register.CardPayment, error) {
	var id, paymentID, what string
	var amount, at int64
	err := db.r.QueryRowContext(ctx, `SELECT id, payment_id, what, amount, created_at FROM card_terminal_refs
		WHERE terminal_id = ? AND ((? <> '' AND trace = ?) OR (? <> '' AND receipt_no = ?))
		ORDER BY created_at DESC LIMIT 1`, terminalID, trace, trace, receiptNo, receiptNo).Scan(&id, &paymentID, &what, &amount, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return register.CardPayment{}, pos.Errorf(pos.ENotFound, "No card payment with trace %s / receipt %s.", trace, receiptNo)
	} else if err != nil {
		return register.CardPayment{}, fmt.Errorf("store: card payment by terminal ref: %w", err)
	}
	if paymentID != "" {
		if p, err := db.CardPayment(ctx, paymentID); err == nil {
			return p, nil
		}
	}
	t := time.UnixMilli(at).UTC()
	return register.CardPayment{ID: id, Kind: register.CardSale, Amount: amount, State: register.CardReversed,
		TerminalID: terminalID, Trace: trace, ReceiptNo: receiptNo, Note: what, CreatedAt: t, UpdatedAt: t}, nil
}

// UnsettledCardPayments lists payments in intent or unknown, oldest first.
func (db *DB) UnsettledCardPayments(ctx context.Context) ([]register.CardPayment, error) {
	out, err := queryAll(ctx, db.r, scanCardPayment, `SELECT `+cardColumns+` FROM card_payments
		WHERE state IN ('intent', 'unknown') ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("store: unsettled card payments: %w", err)
	}
	return out, nil
}

// checkCardFields refuses anything that looks like a full card number: the
// register masks PANs already; the store is the last line of defence.
func checkCardFields(p register.CardPayment) error {
	for _, f := range []string{p.MaskedPAN, p.Brand, p.AuthCode, p.Trace, p.ReceiptNo, p.TerminalID, p.ResultCode, p.Message, p.Note} {
		if len(pos.FindPANs(f)) > 0 {
			return pos.Errorf(pos.EInvalid, "A card payment may not hold a card number.")
		}
	}
	if p.MaskedPAN != "" && pos.MaskPAN(p.MaskedPAN) != p.MaskedPAN {
		return pos.Errorf(pos.EInvalid, "A card payment may not hold a card number.")
	}
	return nil
}

func scanCardPayment(row scanner) (register.CardPayment, error) {
	var p register.CardPayment
	var kind, state string
	var created, updated int64
	err := row.Scan(&p.ID, &p.SaleID, &kind, &p.Amount, &p.Currency, &state, &p.Charged, &p.MaskedPAN, &p.Brand,
		&p.AuthCode, &p.Trace, &p.ReceiptNo, &p.TerminalID, &p.ResultCode, &p.Message, &p.ResolvedBy, &p.Note,
		&created, &updated)
	if err != nil {
		return register.CardPayment{}, err
	}
	p.Kind, p.State = register.CardKind(kind), register.CardState(state)
	p.CreatedAt, p.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
	return p, nil
}
