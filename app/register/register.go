package register

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/tillpos/till/app/pos"
)

// Config is what the register needs to know about itself and its shop.
type Config struct {
	RegisterID   string   // UUID given at enrollment, or a local id
	RegisterCode string   // short, unique across the chain: receipt numbers are CODE-000123
	StoreID      string   //
	StoreName    string   // first line of the receipt
	StoreLines   []string // address, VAT id ... under the name
	Currency     pos.Currency
	TaxMode      pos.TaxMode
	Locale       string // "en", "de"
	// CashRounding rounds the cash part of a payment to this many minor
	// units (5: to 0.05, as in CHF or DKK); 0 for none.
	CashRounding int64
	// DiscountLimitBP is the largest discount a cashier gives alone, in
	// basis points (1000 = 10 %); 0 means DefaultDiscountLimitBP.
	DiscountLimitBP int64
	// DisplayWelcomeAfter is how long the customer display shows a
	// completed sale before the welcome line; 0: DefaultDisplayWelcomeAfter.
	DisplayWelcomeAfter time.Duration
}

// Deps are the adapters the register uses.
type Deps struct {
	Catalog Catalog
	Journal Journal
	Printer Printer // may be nil: no printer configured
	Clock   Clock
	Log     *slog.Logger
	Staff   Staff // PIN checks for login and overrides; nil: no employees
	// Parked keeps parked sales across restarts (park.go); nil: no parking.
	Parked ParkedSales
	// Drawer opens the cash drawer (no-sale, payouts, drops); nil: none.
	Drawer Drawer
	// PaymentTerminal and Payments take card payments (card.go); nil: none.
	PaymentTerminal PaymentTerminal
	Payments        PaymentJournal
	// CardSettler is the terminal's end of day (CardEndOfDay); nil: the
	// terminal has none.
	CardSettler CardSettler
	// OnCommitted is called after each journal commit, with the decoded
	// record, once the register's lock is released (journal.go): it may call
	// the Register. It wakes the background syncer and opens the cash
	// drawer; it must not block.
	OnCommitted func(Committed)
	// PrintQueue persists print jobs so they survive faults and restarts;
	// nil keeps them in memory.
	PrintQueue PrintQueue
	// Barcodes parses scans (GTIN keys, variable-measure and GS1 weights
	// and prices, scan.go); nil looks codes up as scanned.
	Barcodes BarcodeParser
	// Display is the customer pole display (display.go); Scale weighs
	// products sold by weight (scale.go). Either may be nil.
	Display CustomerDisplay
	Scale   Scale
	// Metrics counts card outcomes, print failures and scan-to-line
	// latency for the heartbeat (metrics.go); nil records nothing.
	Metrics Metrics
	// Customers is the customer directory (customers.go); nil: none.
	Customers Customers
}

// Register runs one till: the open sale and what happens to it. Its methods
// are safe to call from several goroutines (the UI calls them off the UI
// goroutine for anything that touches the disk).
type Register struct {
	cfg   Config
	deps  Deps
	spool *Spooler
	// display feeds the customer display off the sale's path; nil: none.
	display *displayFeed

	mu      sync.Mutex
	sale    *pos.Sale
	cashier Cashier
	role    Role
	last    *pos.SaleRecord
	// pending are entries committed while mu is held, for OnCommitted
	// once it is released (unlock, journal.go).
	pending []Committed
	// voiding maps the ids of sales VoidSale is voiding, from its check to
	// its commit, to their receipt numbers: no return of them opens
	// meanwhile (void.go).
	voiding map[string]string
}

// Cashier is who is logged in.
type Cashier struct {
	ID   string
	Name string
}

// New makes a register with an empty sale. Call Run to start printing.
func New(cfg Config, deps Deps) *Register {
	if deps.Clock == nil {
		deps.Clock = SystemClock{}
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Metrics == nil {
		deps.Metrics = noMetrics{}
	}
	if cfg.TaxMode == "" {
		cfg.TaxMode = pos.TaxInclusive
	}
	if cfg.Locale == "" {
		cfg.Locale = "en"
	}
	r := &Register{cfg: cfg, deps: deps, spool: NewSpooler(deps.Printer, deps.Log).WithQueue(deps.PrintQueue)}
	r.spool.metrics = deps.Metrics
	r.sale = r.newSale()
	r.display = newDisplayFeed(deps.Display, deps.Log, cfg)
	return r
}

// Run prints queued documents until ctx ends.
func (r *Register) Run(ctx context.Context) error { return r.spool.Run(ctx) }

// Spooler returns the print spooler (for status and tests).
func (r *Register) Spooler() *Spooler { return r.spool }

// Config returns the register's configuration.
func (r *Register) Config() Config { return r.cfg }

// SetCashier sets who sells, as a cashier; the open sale keeps going.
func (r *Register) SetCashier(c Cashier) {
	r.SetEmployee(Employee{ID: c.ID, Name: c.Name, Role: RoleCashier})
}

// SetEmployee sets who sells and with which role; the open sale keeps going.
func (r *Register) SetEmployee(e Employee) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := Cashier{ID: e.ID, Name: e.Name}
	r.cashier, r.role = c, e.Role
	r.sale.CashierID, r.sale.Cashier = c.ID, c.Name
}

func (r *Register) newSale() *pos.Sale {
	s := pos.NewSale(newID(), r.cfg.RegisterID, r.cfg.Currency, r.cfg.TaxMode, r.deps.Clock.Now())
	s.CashierID, s.Cashier = r.cashier.ID, r.cashier.Name
	s.CashRounding = r.cfg.CashRounding
	return s
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// Sale returns a copy of the open sale and its totals, for display.
func (r *Register) Sale() (pos.Sale, pos.Totals) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.snapshotLocked()
}

func (r *Register) snapshotLocked() (pos.Sale, pos.Totals) {
	s := *r.sale
	s.Lines = append([]pos.Line(nil), r.sale.Lines...)
	s.Tenders = append([]pos.Tender(nil), r.sale.Tenders...)
	t, _ := r.sale.Totals() // every mutation checked Totals already
	return s, t
}

// Scan adds one of the product with this barcode and returns the line index.
func (r *Register) Scan(ctx context.Context, code string) (int, error) {
	start := time.Now()               // monotonic: a latency, not a time of day
	i, err := r.scanParsed(ctx, code) // scan.go
	if err == nil {
		r.deps.Metrics.ScanToLine(time.Since(start))
	}
	return i, err
}

// AddProduct adds qty (thousandths) of a product by id, e.g. from a quick key
// or with a weight from the scale.
func (r *Register) AddProduct(ctx context.Context, productID string, qty pos.Qty) (int, error) {
	p, err := r.deps.Catalog.Product(ctx, productID)
	if err != nil {
		return -1, fmt.Errorf("add product %q: %w", productID, err)
	}
	return r.add(ctx, p, qty, "")
}

func (r *Register) add(ctx context.Context, p pos.Product, qty pos.Qty, barcode string) (int, error) {
	rate, err := r.taxRate(ctx, p)
	if err != nil {
		return -1, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.loggedInLocked(); err != nil {
		return -1, err
	}
	i, err := r.sale.AddProduct(p, qty, rate.BasisPoints, barcode)
	if err == nil {
		r.showItemLocked(i)
	}
	return i, err
}

// taxRate is the product's rate: the one the catalog read with it, or a lookup.
func (r *Register) taxRate(ctx context.Context, p pos.Product) (pos.TaxRate, error) {
	if p.Rate != nil && p.Rate.ID == p.TaxRateID {
		return *p.Rate, nil
	}
	rate, err := r.deps.Catalog.TaxRate(ctx, p.TaxRateID)
	if err != nil {
		return pos.TaxRate{}, fmt.Errorf("tax rate of %s: %w", p.ID, err)
	}
	return rate, nil
}

// SetQty changes a line's quantity.
func (r *Register) SetQty(i int, qty pos.Qty) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sale.SetQty(i, qty)
}

// RemoveLine removes a line from the open sale.
func (r *Register) RemoveLine(i int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sale.RemoveLine(i)
}

// CancelPayment removes the tenders of the open sale (back to the cart).
func (r *Register) CancelPayment() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sale.PaymentLock != "" {
		return // a card payment must be settled first (card.go)
	}
	// Charged card tenders stay until ReverseCardTenders pays them back.
	var cards []pos.Tender
	for _, t := range r.sale.Tenders {
		if t.Kind == pos.TenderCard {
			cards = append(cards, t)
		}
	}
	r.sale.RemoveTenders()
	r.sale.Tenders = cards
}

// Payment is the outcome of a tender: the totals after it, and the completed
// sale's record when it settled the sale.
type Payment struct {
	Totals    pos.Totals
	Completed *pos.SaleRecord
}

// TenderCash records cash handed over; when it settles the sale, the sale is
// committed (journal + outbox in one transaction), a new sale starts and the
// receipt is queued for printing.
func (r *Register) TenderCash(ctx context.Context, amount int64) (Payment, error) {
	return r.tender(ctx, pos.Tender{Kind: pos.TenderCash, Amount: amount})
}

// TenderExact pays the amount due in cash.
func (r *Register) TenderExact(ctx context.Context) (Payment, error) {
	r.mu.Lock()
	due, err := r.sale.CashDue() // rounded when cash rounding is on
	r.mu.Unlock()
	if err != nil {
		return Payment{}, err
	}
	return r.TenderCash(ctx, due)
}

func (r *Register) tender(ctx context.Context, t pos.Tender) (Payment, error) {
	r.mu.Lock()
	defer r.unlock()
	if err := r.loggedInLocked(); err != nil {
		return Payment{}, err
	}
	if r.sale.Return {
		// A refund tender is money handed out now: check the return first,
		// not only at the commit.
		if err := r.checkReturnLocked(ctx); err != nil {
			return Payment{}, err
		}
	}
	return r.tenderLocked(ctx, t)
}

func (r *Register) tenderLocked(ctx context.Context, t pos.Tender) (Payment, error) {
	if err := r.sale.AddTender(t); err != nil {
		return Payment{}, err
	}
	if !r.sale.Settled() {
		tot, _ := r.sale.Totals()
		return Payment{Totals: tot}, nil
	}
	rec, err := r.completeLocked(ctx)
	if err != nil {
		// The tender stays on the sale: the cashier can retry completing it.
		return Payment{}, err
	}
	return Payment{Totals: rec.Totals, Completed: &rec}, nil
}

// Complete commits the open sale when it is fully paid: the retry after a
// failed commit (the tenders are kept), and the way to finish a zero-total sale.
func (r *Register) Complete(ctx context.Context) (pos.SaleRecord, error) {
	r.mu.Lock()
	defer r.unlock()
	if err := r.loggedInLocked(); err != nil {
		return pos.SaleRecord{}, err
	}
	if !r.sale.Settled() {
		return pos.SaleRecord{}, pos.Errorf(pos.EConflict, "The sale is not fully paid yet.")
	}
	return r.completeLocked(ctx)
}

// ErrNotLoggedIn: staff are set up and the register is locked. The login
// screen stops this first; the register refuses too, so no path sells with
// nobody responsible for the drawer.
var ErrNotLoggedIn = pos.Errorf(pos.EUnauthorized, "Nobody is logged in. Log in to sell.")

// loggedInLocked refuses sale work while nobody is logged in on a register
// with staff (without staff there is no login). r.mu is held.
func (r *Register) loggedInLocked() error {
	if r.deps.Staff != nil && r.role == "" {
		return ErrNotLoggedIn
	}
	return nil
}

// ErrNotCommitted means the disk refused the sale; it is still open on screen.
var ErrNotCommitted = pos.Errorf(pos.EInternal, "The sale could not be saved. It is still open: try again, or call a manager.")

// completeLocked commits the settled sale. Commit first, print after.
func (r *Register) completeLocked(ctx context.Context) (pos.SaleRecord, error) {
	// The journal keeps milliseconds; the record must say the same instant.
	now := r.deps.Clock.Now().UTC().Truncate(time.Millisecond)
	var rec pos.SaleRecord
	receipt := func(any) pos.Doc { return ReceiptDoc(r.cfg, rec, false) }
	_, err := r.commitPrintedLocked(ctx, r.sale.EntryKind(), r.sale.ID, now, func(seq int64) (any, error) {
		if err := r.checkReturnLocked(ctx); err != nil {
			return nil, err // inside the append's transaction: see checkReturnLocked
		}
		var err error
		rec, err = r.sale.Record(ReceiptNo(r.cfg.RegisterCode, seq), now)
		if err != nil {
			return nil, err
		}
		rec.StoreID = r.cfg.StoreID
		return rec, nil
	}, receipt)
	if err != nil {
		r.deps.Log.Error("commit sale", "sale", r.sale.ID, "err", err)
		var pe *pos.Error
		if errors.As(err, &pe) {
			return pos.SaleRecord{}, err
		}
		return pos.SaleRecord{}, fmt.Errorf("%w: %w", ErrNotCommitted, err)
	}
	r.last = &rec
	r.showPaid(rec)
	r.sale = r.newSale()
	return rec, nil
}

// LastSale is the most recently completed sale, or nil.
func (r *Register) LastSale() *pos.SaleRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// Reprint queues a copy of a completed sale's receipt, marked COPY.
func (r *Register) Reprint(ctx context.Context, saleID string) error {
	e, err := r.deps.Journal.EntryByID(ctx, saleID)
	if err != nil {
		return fmt.Errorf("reprint %s: %w", saleID, err)
	}
	var rec pos.SaleRecord
	if err := json.Unmarshal(e.Payload, &rec); err != nil {
		return fmt.Errorf("reprint %s: decode: %w", saleID, err)
	}
	r.spool.Enqueue(ReceiptDoc(r.cfg, rec, true))
	return nil
}

// ReceiptNo is the chain-wide unique receipt number for a journal sequence.
func ReceiptNo(registerCode string, seq int64) string {
	return fmt.Sprintf("%s-%06d", registerCode, seq)
}

// Categories lists the quick-key categories of the catalog.
func (r *Register) Categories(ctx context.Context) ([]pos.Category, error) {
	return r.deps.Catalog.Categories(ctx)
}

// QuickKeys lists the quick-key products of a category.
func (r *Register) QuickKeys(ctx context.Context, categoryID string) ([]pos.Product, error) {
	return r.deps.Catalog.QuickKeys(ctx, categoryID)
}
