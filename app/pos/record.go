package pos

import "time"

// SaleRecord is a completed sale as written to the journal and sent to the
// head office: every computed figure is frozen so a later price or tax change
// never alters history.
type SaleRecord struct {
	SaleID     string       `json:"sale_id"`
	ReceiptNo  string       `json:"receipt_no"`
	RegisterID string       `json:"register_id"`
	StoreID    string       `json:"store_id,omitempty"`
	ShiftID    string       `json:"shift_id,omitempty"`
	CashierID  string       `json:"cashier_id"`
	Cashier    string       `json:"cashier"`
	Currency   string       `json:"currency"`
	TaxMode    TaxMode      `json:"tax_mode"`
	StartedAt  time.Time    `json:"started_at"`
	Completed  time.Time    `json:"completed_at"`
	Lines      []RecordLine `json:"lines"`
	Tenders    []Tender     `json:"tenders"`
	Totals     Totals       `json:"totals"`
	RefersTo   string       `json:"refers_to,omitempty"` // original sale of a void or return
	Reason     string       `json:"reason,omitempty"`
	Note       string       `json:"note,omitempty"`
	// CustomerID is the customer's random directory id, never their data:
	// the journal is append-only and hash-chained, so nothing in it can be
	// erased (docs/PRIVACY.md). Records written before this field carried a
	// "customer" object; decoding ignores it.
	CustomerID string `json:"customer_id,omitempty"`
	// OrderDiscount is the discount given on the whole sale; its shares are
	// in the lines' order_discount.
	OrderDiscount Discount `json:"order_discount,omitempty"`
}

// RecordLine is a line with its frozen amounts.
type RecordLine struct {
	Line
	Amount int64 `json:"amount"` // after discount, in the tax mode of the sale
	Net    int64 `json:"net"`
	Tax    int64 `json:"tax"`
	Gross  int64 `json:"gross"`
}

// Record freezes a settled sale into a SaleRecord.
func (s *Sale) Record(receiptNo string, completed time.Time) (SaleRecord, error) {
	if !s.Settled() {
		return SaleRecord{}, Errorf(EConflict, "the sale is not fully paid")
	}
	t, err := s.Totals()
	if err != nil {
		return SaleRecord{}, err
	}
	r := SaleRecord{SaleID: s.ID, ReceiptNo: receiptNo, RegisterID: s.RegisterID, CashierID: s.CashierID,
		Cashier: s.Cashier, Currency: s.Currency.Code, TaxMode: s.TaxMode, StartedAt: s.StartedAt.UTC(),
		Completed: completed.UTC(), Tenders: append([]Tender(nil), s.Tenders...), Totals: t,
		Note: s.Note, CustomerID: s.CustomerID, OrderDiscount: s.OrderDiscount, RefersTo: s.RefersTo}
	for _, l := range s.Lines {
		amt, _ := l.Amount()
		net, tax, gross, _ := LineTax(amt, l.TaxBP, s.TaxMode)
		r.Lines = append(r.Lines, RecordLine{Line: l, Amount: amt, Net: net, Tax: tax, Gross: gross})
	}
	// The head office refuses a record beyond the bounds; better the cashier
	// hears it now than the register's sync gets stuck on it later.
	if err := r.Check(time.Time{}); err != nil {
		return SaleRecord{}, err
	}
	return r, nil
}

// EntryKind is the journal kind the completed sale is recorded as.
func (s *Sale) EntryKind() EntryKind {
	if s.Return {
		return EntryReturn
	}
	return EntrySale
}
