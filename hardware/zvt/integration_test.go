package zvt_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/devicesim"
	"github.com/tillpos/till/hardware/zvt"
	"github.com/tillpos/till/store"
)

// The full stack: register + SQLite store + ZVT driver + simulated terminal
// over loopback TCP.

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type stack struct {
	r    *register.Register
	db   *store.DB
	sim  *devicesim.ZVTSim
	logs *syncBuffer
	dir  string
}

func newStack(t *testing.T) *stack {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "till.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetRegisterID("reg-1")
	if err := db.SeedDemoIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	sim, _ := startSim(t)
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	term := zvt.New(zvt.Config{Addr: sim.Addr(), AckTimeout: 500 * time.Millisecond, IdleTimeout: 2 * time.Second, Log: log})
	r := register.New(register.Config{RegisterID: "reg-1", RegisterCode: "K1", StoreName: "Till Markt", Currency: pos.MustCurrency("EUR")},
		register.Deps{Catalog: db, Journal: db, Log: log, PaymentTerminal: term, Payments: db})
	r.SetEmployee(register.Employee{ID: "e1", Name: "Anna", Role: register.RoleCashier})
	return &stack{r: r, db: db, sim: sim, logs: logs, dir: dir}
}

// sell puts Käsebrötchen (1.89) and Crème fraîche (0.99) on the sale: 2.88.
func (s *stack) sell(t *testing.T) int64 {
	t.Helper()
	for _, code := range []string{"2168615649859", "4000239057840"} {
		if _, err := s.r.Scan(context.Background(), code); err != nil {
			t.Fatal(err)
		}
	}
	_, tot := s.r.Sale()
	return tot.Due
}

func (s *stack) onlyPayment(t *testing.T, saleID string) register.CardPayment {
	t.Helper()
	var id string
	for _, p := range s.payments(t) {
		if p.SaleID == saleID {
			if id != "" {
				t.Fatalf("two payments for sale %s", saleID)
			}
			id = p.ID
		}
	}
	p, err := s.db.CardPayment(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// payments reads every card payment row straight from the file.
func (s *stack) payments(t *testing.T) []register.CardPayment {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(s.dir, "till.db")+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT id, sale_id FROM card_payments ORDER BY created_at`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []register.CardPayment
	for rows.Next() {
		var p register.CardPayment
		if err := rows.Scan(&p.ID, &p.SaleID); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

func TestStackApproveDeclineAbort(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()

	// Decline: a clear message, the sale stays open and unlocked.
	due := s.sell(t)
	s.sim.SetMode(devicesim.ZVTDecline)
	sale, _ := s.r.Sale()
	_, err := s.r.TenderCard(ctx, due, nil)
	if pos.ErrorCode(err) != pos.EInvalid || pos.ErrorMessage(err) != "Card payment not made: Card declined by the issuer. Take another card or another way to pay." {
		t.Fatalf("decline: %v", err)
	}
	if p := s.onlyPayment(t, sale.ID); p.State != register.CardDeclined || p.Charged || p.ResultCode != "05" {
		t.Fatalf("declined payment %+v", p)
	}

	// Abort by the cashier during a slow PIN entry.
	s.sim.SetMode(devicesim.ZVTSlow)
	prompted := make(chan string, 100)
	errc := make(chan error, 1)
	go func() {
		_, err := s.r.TenderCard(ctx, due, func(p string) { prompted <- p })
		errc <- err
	}()
	<-prompted
	if s2, _ := s.r.Sale(); s2.PaymentLock == "" {
		t.Fatal("the sale is not locked while the terminal works")
	}
	if err := s.r.CancelCard(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; pos.ErrorCode(err) != pos.EInvalid {
		t.Fatalf("aborted: %v", err)
	}
	if s2, _ := s.r.Sale(); s2.PaymentLock != "" || len(s2.Tenders) != 0 {
		t.Fatalf("after abort: %+v", s2)
	}

	// Approve: the sale completes with the card tender.
	s.sim.SetMode(devicesim.ZVTApprove)
	pay, err := s.r.TenderCard(ctx, due, nil)
	if err != nil || pay.Completed == nil {
		t.Fatalf("approve: %+v %v", pay, err)
	}
	tn := pay.Completed.Tenders[0]
	if tn.Kind != pos.TenderCard || tn.Amount != 288 || tn.MaskedPAN != "************1111" || tn.Brand != "VISA" || tn.TerminalID != "52500038" {
		t.Fatalf("tender %+v", tn)
	}
	var approved int
	for _, p := range s.payments(t) {
		if p, _ := s.db.CardPayment(ctx, p.ID); p.State == register.CardApproved {
			approved++
		}
	}
	if approved != 1 || s.sim.Authorisations() != 3 {
		t.Fatalf("%d approved, %d authorisations", approved, s.sim.Authorisations())
	}
	e, err := s.db.EntryByID(ctx, pay.Completed.SaleID)
	if err != nil || !bytes.Contains(e.Payload, []byte(`"terminal_receipt":["KUNDENBELEG"`)) {
		t.Fatalf("journal %s %v", e.Payload, err)
	}
}

// The link drops after the sale request: the register recovers from the
// terminal's last transaction and never sends a second authorisation.
func TestStackDroppedConnection(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		mode    devicesim.ZVTMode
		charged bool
	}{{devicesim.ZVTDropApprove, true}, {devicesim.ZVTDropDecline, false}} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			t.Parallel()
			s := newStack(t)
			ctx := context.Background()
			// One ordinary payment first, so the terminal's last transaction
			// could be mistaken for ours if matching were sloppy.
			if pay, err := s.r.TenderCard(ctx, s.sell(t), nil); err != nil || pay.Completed == nil {
				t.Fatal(err)
			}
			due := s.sell(t)
			sale, _ := s.r.Sale()
			s.sim.SetMode(tt.mode)
			pay, err := s.r.TenderCard(ctx, due, nil)
			if tt.charged != (err == nil && pay.Completed != nil) {
				t.Fatalf("pay %+v err %v", pay, err)
			}
			if n := s.sim.Authorisations(); n != 2 {
				t.Fatalf("%d authorisation requests: a second charge was sent", n)
			}
			p := s.onlyPayment(t, sale.ID)
			if tt.charged {
				if p.State != register.CardApproved || !p.Charged || p.Trace != "000043" || pay.Completed.Tenders[0].Amount != due {
					t.Fatalf("recovered payment %+v", p)
				}
				return
			}
			if p.State != register.CardDeclined || p.Charged {
				t.Fatalf("payment %+v", p)
			}
			if s2, _ := s.r.Sale(); s2.PaymentLock != "" || s2.ID != sale.ID {
				t.Fatal("the sale should be open and unlocked")
			}
			if pay, err := s.r.TenderCash(ctx, due); err != nil || pay.Completed == nil {
				t.Fatalf("cash after: %v", err)
			}
		})
	}
}

// A terminal that never answers: the sale stays locked, recovery cannot
// tell, a manager decides; still one authorisation request in all.
func TestStackSilentTerminalManagerDecides(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	due := s.sell(t)
	s.sim.SetMode(devicesim.ZVTSilent)
	if _, err := s.r.TenderCard(ctx, due, nil); !errors.Is(err, register.ErrCardNeedsDecision) {
		t.Fatalf("err %v", err)
	}
	p, locked, err := s.r.PendingCardPayment(ctx)
	if err != nil || !locked || p.State != register.CardUnknown || p.Amount != due {
		t.Fatalf("pending %+v %v %v", p, locked, err)
	}
	if _, err := s.r.TenderCash(ctx, due); !errors.Is(err, pos.ErrPaymentPending) {
		t.Fatalf("cash while locked: %v", err)
	}
	if _, err := s.r.Scan(ctx, "4000239057840"); !errors.Is(err, pos.ErrPaymentPending) {
		t.Fatalf("scan while locked: %v", err)
	}
	s.sim.SetMode(devicesim.ZVTApprove) // the terminal is back, but has nothing booked
	if _, err := s.r.RecoverCardPayment(ctx); !errors.Is(err, register.ErrCardNeedsDecision) {
		t.Fatalf("recover: %v", err)
	}
	if ps, err := s.r.UnsettledCardPayments(ctx); err != nil || len(ps) != 1 {
		t.Fatalf("unsettled %+v %v", ps, err)
	}
	if _, err := s.r.ResolveCardPayment(ctx, p.ID, false, nil); !errors.Is(err, register.ErrNeedsOverride) {
		t.Fatalf("cashier alone: %v", err)
	}
	s.r.SetEmployee(register.Employee{ID: "m1", Name: "Maria", Role: register.RoleManager})
	if _, err := s.r.ResolveCardPayment(ctx, p.ID, false, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.db.CardPayment(ctx, p.ID); got.State != register.CardManagerResolved || got.Charged || got.ResolvedBy != "m1" {
		t.Fatalf("resolved %+v", got)
	}
	if pay, err := s.r.TenderCash(ctx, due); err != nil || pay.Completed == nil {
		t.Fatalf("cash after: %v", err)
	}
	if n := s.sim.Authorisations(); n != 1 {
		t.Fatalf("%d authorisation requests", n)
	}
}

// generatedIDs are identifiers Till makes itself (UUIDs, SHA-256 hashes):
// long hex runs that may contain digit runs by chance, never card data.
var generatedIDs = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32,}`)

// panScanner finds Luhn-valid 13-19 digit sequences (plain or grouped by
// spaces or dashes). Product barcodes of the catalog are EAN-13 numbers that
// pass the Luhn check by chance (about one in ten): they are known values
// and skipped.
type panScanner struct{ barcodes map[string]bool }

func (ps panScanner) find(b []byte, raw bool) []string {
	var out []string
	for _, m := range pos.FindPANs(string(generatedIDs.ReplaceAll(b, []byte(" ")))) {
		d := regexp.MustCompile(`[^0-9]`).ReplaceAllString(m, "")
		if ps.barcodes[d] {
			continue
		}
		// In raw file bytes column boundaries vanish (adjacent text columns
		// such as terminal id and trace run together in an index record),
		// so there only numbers a card scheme could issue count.
		if raw && !cardRange(d) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// cardRange reports whether digits have the prefix and length of a card
// scheme's PANs (Visa 4: 13/16/19; Mastercard 51-55, 2221-2720: 16; Amex
// 34/37: 15; Diners 30/36/38/39: 14-19; JCB 35, Discover/UnionPay/Maestro
// 50, 56-69: 13-19).
func cardRange(d string) bool {
	n := len(d)
	p2 := d[:2]
	switch {
	case d[0] == '4':
		return n == 13 || n == 16 || n == 19
	case p2 >= "51" && p2 <= "55", d[:4] >= "2221" && d[:4] <= "2720":
		return n == 16
	case p2 == "34" || p2 == "37":
		return n == 15
	case p2 == "30" || p2 == "36" || p2 == "38" || p2 == "39":
		return n >= 14
	case p2 == "35" || p2 == "50" || p2 >= "56" && p2 <= "69":
		return true
	}
	return false
}

// Acceptance 6: after card payments through the whole stack with a terminal
// that leaks the full PAN, no PAN-like number is in any table, the database
// files, the journal payloads, the receipts or the log.
func TestNoPANAnywhere(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	s.sim.LeakPAN = true
	ctx := context.Background()
	var receipts []pos.Doc
	for _, mode := range []devicesim.ZVTMode{devicesim.ZVTApprove, devicesim.ZVTDecline, devicesim.ZVTDropApprove, devicesim.ZVTApprove} {
		s.sim.SetMode(mode)
		due := s.sell(t)
		pay, err := s.r.TenderCard(ctx, due, nil)
		if mode == devicesim.ZVTDecline {
			if err == nil {
				t.Fatal("decline approved")
			}
			if pay, err = s.r.TenderCash(ctx, due); err != nil {
				t.Fatal(err)
			}
		} else if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		receipts = append(receipts, register.ReceiptDoc(s.r.Config(), *pay.Completed, false))
	}
	// A card refund for a return.
	s.sim.SetMode(devicesim.ZVTApprove)
	if _, err := s.r.AddProduct(ctx, "bakery-02", -pos.QtyOne); err != nil {
		t.Fatal(err)
	}
	pay, err := s.r.RefundCard(ctx, 189, nil)
	if err != nil {
		t.Fatal(err)
	}
	receipts = append(receipts, register.ReceiptDoc(s.r.Config(), *pay.Completed, false))
	if n := len(s.sim.History()); n != 5 {
		t.Fatalf("terminal booked %d transactions", n)
	}

	// Every table and column, through SQL.
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(s.dir, "till.db")+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	ps := panScanner{barcodes: map[string]bool{}}
	codes, err := raw.Query(`SELECT code FROM barcodes`)
	if err != nil {
		t.Fatal(err)
	}
	for codes.Next() {
		var c string
		codes.Scan(&c)
		ps.barcodes[c] = true
	}
	codes.Close()
	if len(ps.find([]byte("x Karte "+devicesim.TestPAN+" y 4111 1111 1111 1111"), true)) != 2 {
		t.Fatal("the scanner misses PANs")
	}
	check := func(where string, b []byte) {
		t.Helper()
		if p := ps.find(b, false); len(p) > 0 {
			t.Errorf("%s holds PAN-like numbers %q", where, p)
		}
	}
	tables, err := raw.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var n string
		tables.Scan(&n)
		names = append(names, n)
	}
	tables.Close()
	cells := 0
	for _, table := range names {
		rows, err := raw.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				cells++
				switch v := v.(type) {
				case []byte:
					check(table+"."+cols[i], v)
				case string:
					check(table+"."+cols[i], []byte(v))
				case int64:
					// Unix ms timestamps are 13 digits; a PAN is never stored as a number.
					if v < time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli() || v > time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli() {
						check(table+"."+cols[i], fmt.Append(nil, v))
					}
				}
			}
		}
		rows.Close()
	}
	if cells < 100 {
		t.Fatalf("scanned only %d cells", cells)
	}
	// The journal payloads (what goes to the head office).
	entries, err := s.db.Entries(ctx, 0, 1000)
	if err != nil || len(entries) < 5 {
		t.Fatalf("%d entries, %v", len(entries), err)
	}
	for _, e := range entries {
		check("journal payload "+e.ID, e.Payload)
	}
	// The receipts the printer gets.
	for _, d := range receipts {
		for _, b := range d.Blocks {
			check("receipt", []byte(b.Text+" "+b.Right))
		}
	}
	// The log.
	logs := s.logs.String()
	if len(logs) < 200 {
		t.Fatalf("log suspiciously short: %q", logs)
	}
	check("log", []byte(logs))
	// The database files' bytes, after a checkpoint on close (and the WAL).
	s.db.Close()
	files, _ := filepath.Glob(filepath.Join(s.dir, "till.db*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(devicesim.TestPAN)) {
			t.Errorf("%s holds the test card number", filepath.Base(f))
		}
		if p := ps.find(b, true); len(p) > 0 {
			t.Errorf("%s holds PAN-like numbers %q", filepath.Base(f), p)
		}
	}
}

// The customer paid part by card, then changes their mind: the card tender
// survives CancelPayment and is reversed on the terminal, once.
func TestStackReverseCardTender(t *testing.T) {
	t.Parallel()
	s := newStack(t)
	ctx := context.Background()
	due := s.sell(t)
	sale, _ := s.r.Sale()
	if pay, err := s.r.TenderCard(ctx, 100, nil); err != nil || pay.Totals.Due != due-100 {
		t.Fatalf("partial card: %+v %v", pay, err)
	}
	s.r.CancelPayment()
	if cur, _ := s.r.Sale(); len(cur.Tenders) != 1 {
		t.Fatalf("card tender dropped by CancelPayment: %+v", cur.Tenders)
	}
	pay, err := s.r.ReverseCardTenders(ctx, nil)
	if err != nil || pay.Totals.Due != due {
		t.Fatalf("reverse: %+v %v", pay, err)
	}
	if p := s.onlyPayment(t, sale.ID); p.State != register.CardReversed {
		t.Fatalf("payment %+v", p)
	}
	h := s.sim.History()
	if len(h) != 2 || h[1].Kind != "reversal" || h[1].Amount != 100 || !h[0].Reversed {
		t.Fatalf("terminal history %+v", h)
	}
	if pay, err := s.r.TenderCash(ctx, due); err != nil || pay.Completed == nil {
		t.Fatalf("cash: %v", err)
	}
}
