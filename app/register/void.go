package register

import (
	"context"
	"fmt"
	"time"

	"github.com/tillpos/till/app/pos"
)

// VoidSale cancels a completed sale of the open shift with a compensating
// EntryVoid: a record with every line, tender and total negated, referring
// to the original. It needs ActionVoidSale, is refused for a sale voided or
// returned before (or with a return of it open), and reverses card payments
// on the terminal first.
//
// A sale of an earlier shift (journaled before the open shift's opening
// entry, or with no shift open) is returned instead: its money is already
// counted in a Z report.
func (r *Register) VoidSale(ctx context.Context, saleID, reason string, ov *Override) (pos.SaleRecord, error) {
	e, err := r.deps.Journal.EntryByID(ctx, saleID)
	if err != nil {
		return pos.SaleRecord{}, fmt.Errorf("void %s: %w", saleID, err)
	}
	if e.Kind != pos.EntrySale {
		return pos.SaleRecord{}, pos.Errorf(pos.EInvalid, "Only a sale can be voided.")
	}
	orig, err := r.returnable(ctx, e)
	if err != nil {
		return pos.SaleRecord{}, err
	}
	rec := orig.Record
	if orig.Voided {
		return pos.SaleRecord{}, pos.Errorf(pos.EConflict, "Receipt %s is already voided.", rec.ReceiptNo)
	}
	for i, left := range orig.Left {
		if left != rec.Lines[i].Qty {
			return pos.SaleRecord{}, pos.Errorf(pos.EConflict, "Goods of receipt %s were returned already: return the rest instead.", rec.ReceiptNo)
		}
	}
	if _, open, ok, err := r.OpenShift(ctx); err != nil {
		return pos.SaleRecord{}, err
	} else if !ok || e.Seq < open.Seq {
		return pos.SaleRecord{}, pos.Errorf(pos.EConflict, "Receipt %s is from an earlier shift: take a return instead.", rec.ReceiptNo)
	}
	// The sale is marked as being voided from here to the commit, so no
	// return of it opens or pays out on this register meanwhile; an open
	// return of it refuses the void. A marker on the register is enough:
	// receipts are returned and voided only on their own register
	// (FindReceipt), and an open return cannot be parked or survive a
	// restart. The journal checks below stay for registers sharing a journal.
	r.mu.Lock()
	if r.sale.Return && r.sale.RefersTo == rec.SaleID {
		r.mu.Unlock()
		// The open return is that of this receipt: finish or cancel it first.
		return pos.SaleRecord{}, pos.Errorf(pos.EConflict, "Park or finish the open sale first.")
	}
	if _, busy := r.voiding[rec.SaleID]; busy {
		r.mu.Unlock()
		return pos.SaleRecord{}, pos.Errorf(pos.EConflict, "Receipt %s is already voided.", rec.ReceiptNo)
	}
	if r.voiding == nil {
		r.voiding = map[string]string{}
	}
	r.voiding[rec.SaleID] = rec.ReceiptNo
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.voiding, rec.SaleID)
		r.mu.Unlock()
	}()
	now := r.deps.Clock.Now()
	if _, err := r.Authorize(ctx, ActionVoidSale, ov, "void "+rec.ReceiptNo+": "+reason); err != nil {
		return pos.SaleRecord{}, err
	}
	for _, t := range rec.Tenders {
		if t.Kind != pos.TenderCard {
			continue
		}
		if r.deps.PaymentTerminal == nil {
			return pos.SaleRecord{}, ErrNoCardTerminal
		}
		// Checked again right before the money goes back: a return committed
		// since the first check (or the override) is never paid back twice.
		if err := voidConflict(ctx, r, e); err != nil {
			return pos.SaleRecord{}, err
		}
		res, err := r.deps.PaymentTerminal.Reverse(ctx, t.Reference, nil)
		if err != nil {
			return pos.SaleRecord{}, fmt.Errorf("void %s: reverse card: %w", rec.ReceiptNo, err)
		}
		if !res.Approved {
			return pos.SaleRecord{}, pos.Errorf(pos.EConflict, "The card terminal refused to reverse the payment: %s", res.Message)
		}
		// Durable before the void's entry: a crash in between leaves the reversal on record.
		r.journalReversal(ctx, rec.SaleID, t, res)
	}
	void := negateRecord(rec)
	void.SaleID, void.RefersTo, void.Reason = newID(), rec.SaleID, reason
	r.mu.Lock()
	void.CashierID, void.Cashier = r.cashier.ID, r.cashier.Name
	r.mu.Unlock()
	at := now.UTC().Truncate(time.Millisecond)
	void.StartedAt, void.Completed = at, at
	var conflict error
	_, err = r.commit(ctx, pos.EntryVoid, void.SaleID, at, func(seq int64) (any, error) {
		// Checked again inside the append's transaction: a return of this
		// sale committed since the check above must not be paid back twice.
		if conflict = voidConflict(ctx, r, e); conflict != nil {
			return nil, conflict
		}
		void.ReceiptNo = ReceiptNo(r.cfg.RegisterCode, seq)
		return void, nil
	})
	if conflict != nil {
		// After a reversal only a register sharing this journal gets here.
		r.deps.Log.Error("void refused at commit", "sale", rec.SaleID, "err", conflict)
		return pos.SaleRecord{}, conflict
	}
	if err != nil {
		return pos.SaleRecord{}, fmt.Errorf("%w: %w", pos.Errorf(pos.EInternal, "The void could not be saved. Try again."), err)
	}
	r.spool.Enqueue(ReceiptDoc(r.cfg, void, false))
	return void, nil
}

// errBeingVoided: the void of receipt no is under way on this register.
// (Worded as a done void, a sentence the UI translates already.)
func errBeingVoided(no string) error {
	return pos.Errorf(pos.EConflict, "Receipt %s was voided: nothing to return.", no)
}

// voidConflict is why the sale of entry e cannot be voided now: voided
// already, or goods of it returned; nil when it can.
func voidConflict(ctx context.Context, r *Register, e pos.Entry) error {
	orig, err := r.returnable(ctx, e)
	if err != nil {
		return err
	}
	if orig.Voided {
		return pos.Errorf(pos.EConflict, "Receipt %s is already voided.", orig.Record.ReceiptNo)
	}
	for i, left := range orig.Left {
		if left != orig.Record.Lines[i].Qty {
			return pos.Errorf(pos.EConflict, "Goods of receipt %s were returned already: return the rest instead.", orig.Record.ReceiptNo)
		}
	}
	return nil
}

// negateRecord turns every figure of a record around, so a void sums with
// its original to zero in any report.
func negateRecord(rec pos.SaleRecord) pos.SaleRecord {
	out := rec
	out.Lines = make([]pos.RecordLine, len(rec.Lines))
	for i, l := range rec.Lines {
		n := l
		n.Qty, n.Discount, n.OrderDiscount = -l.Qty, -l.Discount, -l.OrderDiscount
		n.Amount, n.Net, n.Tax, n.Gross = -l.Amount, -l.Net, -l.Tax, -l.Gross
		n.RefLine = i + 1
		out.Lines[i] = n
	}
	out.Tenders = make([]pos.Tender, len(rec.Tenders))
	for i, t := range rec.Tenders {
		t.Amount = -t.Amount
		out.Tenders[i] = t
	}
	t := rec.Totals
	t.Net, t.Tax, t.Gross, t.Paid, t.Due, t.Change, t.Rounding, t.Items = -t.Net, -t.Tax, -t.Gross, -t.Paid, -t.Due, -t.Change, -t.Rounding, -t.Items
	t.Taxes = make([]pos.TaxLine, len(rec.Totals.Taxes))
	for i, tl := range rec.Totals.Taxes {
		tl.Net, tl.Tax, tl.Gross = -tl.Net, -tl.Tax, -tl.Gross
		t.Taxes[i] = tl
	}
	out.Totals = t
	return out
}
