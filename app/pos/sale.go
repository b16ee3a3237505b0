package pos

import (
	"sort"
	"time"
)

// Line is one row of a sale. Negative quantities are returned goods.
type Line struct {
	ProductID string `json:"product_id"`
	SKU       string `json:"sku,omitempty"`
	Name      string `json:"name"`
	Barcode   string `json:"barcode,omitempty"`
	UnitPrice int64  `json:"unit_price"` // minor units per piece or per kg
	Qty       Qty    `json:"qty"`        // thousandths
	Weighed   bool   `json:"weighed,omitempty"`
	TaxRateID string `json:"tax_rate_id"`
	TaxBP     int64  `json:"tax_bp"`
	Discount  int64  `json:"discount,omitempty"` // minor units taken off the line amount
	Note      string `json:"note,omitempty"`
	// DiscountBP remembers a percentage line discount (basis points) so the
	// amount follows quantity changes; Discount holds the amount.
	DiscountBP    int64 `json:"discount_bp,omitempty"`
	OrderDiscount int64 `json:"order_discount,omitempty"` // this line's share of the order discount
	ListPrice     int64 `json:"list_price,omitempty"`     // catalog price when UnitPrice was overridden
	Restock       bool  `json:"restock,omitempty"`        // return line: goods go back on the shelf
	RefLine       int   `json:"ref_line,omitempty"`       // return line: 1 + the original sale's line index
	// Lot and Expiry (ISO date) come from a GS1 scan (AI 10 and 17) and go
	// into the line's stock movement; empty when the scan had none.
	Lot    string `json:"lot,omitempty"`
	Expiry string `json:"expiry,omitempty"`
}

// Amount is the line's rounded amount after its discount, in the price's tax mode.
func (l Line) Amount() (int64, error) {
	a, err := LineAmount(l.UnitPrice, l.Qty)
	if err != nil {
		return 0, err
	}
	return addChecked(a, -l.Discount-l.OrderDiscount)
}

// TenderKind is how a sale was paid.
type TenderKind string

const (
	TenderCash    TenderKind = "cash"
	TenderCard    TenderKind = "card"
	TenderVoucher TenderKind = "voucher"
)

// Tender is one payment toward a sale. Card tenders carry only what PCI DSS
// allows outside the terminal: masked PAN, brand, auth code, references.
type Tender struct {
	Kind       TenderKind `json:"kind"`
	Amount     int64      `json:"amount"` // minor units tendered (cash: what the customer handed over)
	MaskedPAN  string     `json:"masked_pan,omitempty"`
	Brand      string     `json:"brand,omitempty"`
	AuthCode   string     `json:"auth_code,omitempty"`
	Reference  string     `json:"reference,omitempty"` // terminal receipt/trace number or voucher code
	TerminalID string     `json:"terminal_id,omitempty"`
	// TerminalReceipt is the card terminal's receipt text, printed on ours
	// (PAN-like numbers masked before it gets here).
	TerminalReceipt []string `json:"terminal_receipt,omitempty"`
}

// TaxLine is the tax breakdown for one rate.
type TaxLine struct {
	RateID      string `json:"rate_id"`
	BasisPoints int64  `json:"bp"`
	Net         int64  `json:"net"`
	Tax         int64  `json:"tax"`
	Gross       int64  `json:"gross"`
}

// Totals of a sale; every figure is a sum of rounded lines (see tax.go).
type Totals struct {
	Net    int64     `json:"net"`
	Tax    int64     `json:"tax"`
	Gross  int64     `json:"gross"` // what the customer pays (negative: is refunded)
	Taxes  []TaxLine `json:"taxes"`
	Paid   int64     `json:"paid"`
	Due    int64     `json:"due"`    // still to pay; 0 when settled
	Change int64     `json:"change"` // cash to hand back
	Items  Qty       `json:"items"`  // pieces (weighed lines count as one)

	// Rounding is what cash rounding added to (or took off) what is owed.
	Rounding int64 `json:"rounding,omitempty"`
}

// Sale is an open or completed sale.
type Sale struct {
	ID         string
	RegisterID string
	Currency   Currency
	TaxMode    TaxMode
	Lines      []Line
	Tenders    []Tender
	CashierID  string
	Cashier    string
	StartedAt  time.Time
	Note       string
	// CustomerID is the attached customer's directory id (customer.go);
	// Customer is their record for the screen only, kept out of every
	// encoding (a parked sale is stored as JSON) so their data stays in the
	// directory, where it can be erased.
	CustomerID string
	Customer   *Customer `json:"-"`
	// OrderDiscount is spread over the lines (see recompute); CashRounding
	// is the cash increment in minor units (5: to 0.05), 0 for none.
	OrderDiscount Discount
	CashRounding  int64
	// OrderDiscountBase is the subtotal an amount order discount was given
	// (and checked against the limit) on; see spreadOrderDiscount.
	OrderDiscountBase int64 `json:",omitempty"`
	// Return marks a sale of returned goods (negative lines); RefersTo is
	// the original sale's id, "" for a return without receipt.
	Return   bool
	RefersTo string
	// PaymentLock names a card payment in flight or with an unknown outcome:
	// until it is settled the sale may not change and takes no other tender.
	PaymentLock string
}

// NewSale starts an empty sale.
func NewSale(id, registerID string, cur Currency, mode TaxMode, startedAt time.Time) *Sale {
	return &Sale{ID: id, RegisterID: registerID, Currency: cur, TaxMode: mode, StartedAt: startedAt}
}

// AddProduct adds qty of a product, merging with the last line when it is the
// same unweighed product at the same price, as a cashier expects from
// scanning the same item twice.
func (s *Sale) AddProduct(p Product, qty Qty, taxBP int64, barcode string) (int, error) {
	if err := s.mustBeEditable(); err != nil {
		return -1, err
	}
	if qty == 0 || qty > MaxQty || qty < -MaxQty {
		return -1, Errorf(EInvalid, "quantity is out of range")
	}
	if p.Price < 0 || p.Price > MaxAmount {
		return -1, ErrAmountTooLarge
	}
	if n := len(s.Lines); n > 0 && !p.SoldByWeight {
		last := &s.Lines[n-1]
		if last.ProductID == p.ID && !last.Weighed && last.UnitPrice == p.Price && last.Discount == 0 && (last.Qty > 0) == (qty > 0) {
			if err := s.SetQty(n-1, last.Qty+qty); err != nil {
				return -1, err
			}
			return n - 1, nil
		}
	}
	if len(s.Lines) >= MaxLines {
		return -1, Errorf(EInvalid, "a sale holds at most %d lines; finish this one and start another", MaxLines)
	}
	l := Line{ProductID: p.ID, SKU: p.SKU, Name: p.Name, Barcode: barcode, UnitPrice: p.Price,
		Qty: qty, Weighed: p.SoldByWeight, TaxRateID: p.TaxRateID, TaxBP: taxBP}
	s.Lines = append(s.Lines, l)
	if err := s.recompute(); err != nil {
		s.Lines = s.Lines[:len(s.Lines)-1]
		_ = s.recompute()
		return -1, err
	}
	return len(s.Lines) - 1, nil
}

// SetQty changes a line's quantity; the sale must still total within bounds.
func (s *Sale) SetQty(i int, qty Qty) error {
	if err := s.mustBeEditable(); err != nil {
		return err
	}
	if i < 0 || i >= len(s.Lines) {
		return Errorf(EInvalid, "no such line")
	}
	if qty == 0 || qty > MaxQty || qty < -MaxQty {
		return Errorf(EInvalid, "quantity is out of range")
	}
	old, oldDisc := s.Lines[i].Qty, s.Lines[i].Discount
	if l := &s.Lines[i]; l.DiscountBP == 0 && l.Discount != 0 && abs64(int64(qty)) < abs64(int64(old)) {
		// An amount discount shrinks with the quantity: it keeps the share
		// of the line it was approved for (the limit check still holds).
		d, err := ScaleAmount(l.Discount, abs(int64(qty)), abs(int64(old)))
		if err != nil {
			return err
		}
		l.Discount = d
	}
	s.Lines[i].Qty = qty
	if err := s.recompute(); err != nil {
		s.Lines[i].Qty, s.Lines[i].Discount = old, oldDisc
		_ = s.recompute()
		return err
	}
	return nil
}

// RemoveLine deletes a line of the open sale.
func (s *Sale) RemoveLine(i int) error {
	if err := s.mustBeOpen(); err != nil {
		return err
	}
	if i < 0 || i >= len(s.Lines) {
		return Errorf(EInvalid, "no such line")
	}
	s.Lines = append(s.Lines[:i], s.Lines[i+1:]...)
	return s.recompute()
}

// ErrReturnFixed refuses changes to a return's lines: they were checked
// against what was sold (or approved without a receipt) when it was opened.
var ErrReturnFixed = Errorf(EConflict, "A return cannot be changed: remove a line, or cancel the return and start it again.")

// mustBeEditable is mustBeOpen for changes that could raise what a return
// pays back (quantity, price, discounts, added products); removing a line
// of a return stays allowed.
func (s *Sale) mustBeEditable() error {
	if err := s.mustBeOpen(); err != nil {
		return err
	}
	if s.Return {
		return ErrReturnFixed
	}
	return nil
}

func (s *Sale) mustBeOpen() error {
	if s.PaymentLock != "" {
		return ErrPaymentPending
	}
	if len(s.Tenders) > 0 {
		return Errorf(EConflict, "payment has started; remove the payments to change the sale")
	}
	return nil
}

// AddTender records a payment. Only cash may exceed what is due (change is
// given in cash); card and voucher are capped at the amount due.
func (s *Sale) AddTender(t Tender) error {
	if s.PaymentLock != "" {
		return ErrPaymentPending
	}
	t0, err := s.Totals()
	if err != nil {
		return err
	}
	if len(s.Lines) == 0 {
		return Errorf(EConflict, "the sale is empty")
	}
	if t.Amount == 0 || t.Amount > MaxAmount || t.Amount < -MaxAmount {
		return Errorf(EInvalid, "enter an amount")
	}
	if len(s.Tenders) >= MaxTenders {
		return Errorf(EInvalid, "a sale takes at most %d payments", MaxTenders)
	}
	if (t.Amount > 0) != (t0.Gross > 0) {
		return Errorf(EInvalid, "the payment's sign does not match the sale")
	}
	if t0.Due == 0 {
		return Errorf(EConflict, "the sale is already paid")
	}
	if t.Kind != TenderCash && abs64(t.Amount) > abs64(t0.Due) {
		return Errorf(EInvalid, "%s payment is more than the amount due", t.Kind)
	}
	s.Tenders = append(s.Tenders, t)
	return nil
}

// RemoveTenders drops all payments not yet completed (e.g. cashier cancels
// the payment screen). Card tenders must be reversed by the caller first.
func (s *Sale) RemoveTenders() { s.Tenders = nil }

// Totals computes the sale's totals by the documented rounding rule.
func (s *Sale) Totals() (Totals, error) {
	var t Totals
	byRate := map[string]*TaxLine{}
	for _, l := range s.Lines {
		amt, err := l.Amount()
		if err != nil {
			return Totals{}, err
		}
		net, tax, gross, err := LineTax(amt, l.TaxBP, s.TaxMode)
		if err != nil {
			return Totals{}, err
		}
		if t.Net, err = addChecked(t.Net, net); err != nil {
			return Totals{}, err
		}
		if t.Tax, err = addChecked(t.Tax, tax); err != nil {
			return Totals{}, err
		}
		if t.Gross, err = addChecked(t.Gross, gross); err != nil {
			return Totals{}, err
		}
		tl := byRate[l.TaxRateID]
		if tl == nil {
			tl = &TaxLine{RateID: l.TaxRateID, BasisPoints: l.TaxBP}
			byRate[l.TaxRateID] = tl
		}
		tl.Net += net
		tl.Tax += tax
		tl.Gross += gross
		if l.Weighed {
			t.Items += QtyOne
		} else {
			t.Items += l.Qty
		}
	}
	for _, tl := range byRate {
		t.Taxes = append(t.Taxes, *tl)
	}
	sort.Slice(t.Taxes, func(i, j int) bool {
		if t.Taxes[i].BasisPoints != t.Taxes[j].BasisPoints {
			return t.Taxes[i].BasisPoints > t.Taxes[j].BasisPoints
		}
		return t.Taxes[i].RateID < t.Taxes[j].RateID
	})
	cash := int64(0)
	for _, tn := range s.Tenders {
		var err error
		if t.Paid, err = addChecked(t.Paid, tn.Amount); err != nil {
			return Totals{}, err
		}
		if tn.Kind == TenderCash {
			cash += tn.Amount
		}
	}
	t.Rounding = s.cashRounding(t.Gross-(t.Paid-cash), cash)
	rest := t.Gross + t.Rounding - t.Paid
	switch {
	case t.Gross >= 0 && rest > 0, t.Gross < 0 && rest < 0:
		t.Due = rest
	default:
		over := -rest // paid beyond the total, given back in cash
		if abs64(over) > abs64(cash) {
			over = cash
		}
		t.Change = over
	}
	return t, nil
}

// Settled reports whether the sale may be completed: it has lines and is fully paid.
func (s *Sale) Settled() bool {
	t, err := s.Totals()
	return err == nil && len(s.Lines) > 0 && t.Due == 0 && (t.Gross == 0 || len(s.Tenders) > 0)
}
