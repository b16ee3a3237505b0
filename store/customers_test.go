package store

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// customerRig is a selling rig whose register has a customer directory.
func customerRig(t *testing.T) (*sellingRig, string, *syncBuffer) {
	t.Helper()
	rig := newSellingRig(t)
	logs := &syncBuffer{}
	keys := rig.path + "-customer-keys"
	if err := rig.db.OpenCustomerKeys(context.Background(), keys); err != nil {
		t.Fatal(err)
	}
	rig.reg = register.New(register.Config{RegisterID: "reg-test", RegisterCode: "K1", Currency: pos.MustCurrency("EUR")},
		register.Deps{Catalog: rig.db, Journal: rig.db, Parked: rig.db, Staff: rig.db, Clock: fixedClock{t0}, Customers: rig.db,
			PrintQueue: rig.db, Printer: discardPrinter{}, Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	rig.reg.SetEmployee(register.Employee{ID: "e-ana", Name: "Ana", Role: register.RoleCashier})
	return rig, keys, logs
}

// syncBuffer is a log sink the register's goroutines may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// discardPrinter accepts every document.
type discardPrinter struct{}

func (discardPrinter) Print(context.Context, pos.Doc) error { return nil }

// filesOf returns the database files at path: the file, its -wal and -shm.
func filesOf(path string) []string {
	return []string{path, path + "-wal", path + "-shm"}
}

// copyFiles copies the files that exist, as a naive backup would.
func copyFiles(t *testing.T, from []string, dir string) []string {
	t.Helper()
	var out []string
	for _, f := range from {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		to := filepath.Join(dir, filepath.Base(f))
		if err := os.WriteFile(to, b, 0o600); err != nil {
			t.Fatal(err)
		}
		out = append(out, to)
	}
	return out
}

// TestNoCustomerDataAfterErasure is TestNoPANAnywhere for customers at the
// register: after an erasure no byte of the customer's name, e-mail, phone
// or card is readable in any file the register wrote (database, WAL, SHM,
// key file) nor in backups taken before the erasure (a file copy and VACUUM
// INTO), no key that opens a backup's sealed row survives, and the journal,
// whose sale names the customer by id, still verifies.
func TestNoCustomerDataAfterErasure(t *testing.T) {
	rig, keysPath, logs := customerRig(t)
	ctx := context.Background()
	pii := []string{"Hildegard Wunderlich", "hilde.wunderlich@example.org", "015112345678", "TILLC5550"}
	c, err := rig.reg.AddCustomer(ctx, register.NewCustomer{Name: pii[0], Email: pii[1], Phone: "0151 1234 5678", Card: pii[3]})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"0151-12345678", "Hilde.Wunderlich@example.org", pii[3]} {
		if got, err := rig.reg.FindCustomers(ctx, key); err != nil || len(got) != 1 || got[0].ID != c.ID || got[0].Name != pii[0] {
			t.Fatalf("find %q: %+v %v", key, got, err)
		}
	}
	rig.scan(kaese)
	rec := rig.payExact()
	if rec.CustomerID != c.ID {
		t.Fatalf("sale names customer %q, want %q", rec.CustomerID, c.ID)
	}
	var jobs int
	if err := rig.db.r.QueryRowContext(ctx, `SELECT count(*) FROM print_jobs`).Scan(&jobs); err != nil || jobs == 0 {
		t.Fatalf("the receipt should be spooled (its bytes are searched below): %d, %v", jobs, err)
	}
	// Backups before the erasure: the live files copied, and VACUUM INTO.
	dir := t.TempDir()
	backups := copyFiles(t, filesOf(rig.path), dir)
	vac := filepath.Join(dir, "vacuum.db")
	if _, err := rig.db.w.ExecContext(ctx, `VACUUM INTO ?`, vac); err != nil {
		t.Fatal(err)
	}
	backups = append(backups, vac)
	key, err := customerKey(ctx, rig.db.keys, c.ID, false)
	if err != nil {
		t.Fatal(err)
	}

	if err := rig.reg.EraseCustomer(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := rig.db.Customer(ctx, c.ID); pos.ErrorCode(err) != pos.ENotFound {
		t.Fatalf("erased customer still opens: %v", err)
	}
	if got, _ := rig.reg.FindCustomers(ctx, pii[1]); len(got) != 0 {
		t.Fatalf("erased customer still found: %+v", got)
	}
	live := append(filesOf(rig.path), filesOf(keysPath)...)
	for _, f := range append(live, backups...) {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		for _, s := range append(pii, "Wunderlich", "1234") {
			if s == "1234" {
				continue // too short to mean anything in binary files
			}
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %q after the erasure", filepath.Base(f), s)
			}
		}
		if strings.Contains(f, "customer-keys") && bytes.Contains(b, key) {
			t.Errorf("%s still holds the erased customer's key", filepath.Base(f))
		}
	}
	// The backup still has the sealed row; nothing left opens it.
	bk := mustOpenPath(t, vac)
	var sealed []byte
	if err := bk.r.QueryRowContext(ctx, `SELECT sealed FROM customers WHERE id = ?`, c.ID).Scan(&sealed); err != nil {
		t.Fatalf("the backup should still hold the sealed row: %v", err)
	}
	if _, err := openCustomer(key, c.ID, sealed); err != nil {
		t.Fatalf("control: the erased key opened the row before: %v", err)
	}
	left, err := rig.db.allKeys(ctx, rig.db.keys)
	if err != nil {
		t.Fatal(err)
	}
	for id, k := range left {
		if _, err := openCustomer(k, c.ID, sealed); err == nil {
			t.Fatalf("key of %s opens the erased customer's backup row", id)
		}
	}
	if !strings.Contains(logs.String(), c.ID) {
		t.Errorf("the erasure is not logged (by id): %q", logs.String())
	}
	for _, s := range pii {
		if strings.Contains(logs.String(), s) {
			t.Errorf("the log holds %q", s)
		}
	}
	for _, db := range []*DB{rig.db, bk} {
		if n, err := db.VerifyJournal(ctx); err != nil || n == 0 {
			t.Fatalf("journal after erasure: %d entries, %v", n, err)
		}
	}
	e, err := rig.db.EntryByID(ctx, rec.SaleID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(e.Payload, []byte(`"customer_id":"`+c.ID+`"`)) {
		t.Fatalf("the sale lost its customer id: %s", e.Payload)
	}
}

// legacyRecord is a sale record as registers wrote it before customers moved
// out of the journal: the customer's data inside the payload.
type legacyRecord struct {
	pos.SaleRecord
	Customer struct {
		Name  string `json:"name,omitempty"`
		Phone string `json:"phone,omitempty"`
		Email string `json:"email,omitempty"`
	} `json:"customer"`
}

// TestUpgradeKeepsLegacyCustomerRecords: a journal whose old sale records
// carry a customer's name, phone and e-mail still decodes and verifies after
// the upgrade (the chain cannot be rewritten: docs/PRIVACY.md); the decoded
// record drops the legacy fields, and new sales carry only a customer id.
func TestUpgradeKeepsLegacyCustomerRecords(t *testing.T) {
	rig, _, _ := customerRig(t)
	ctx := context.Background()
	var old legacyRecord
	old.SaleRecord = pos.SaleRecord{SaleID: "old-sale", ReceiptNo: "K1-1", RegisterID: "reg-test", CashierID: "e-ana", Cashier: "Ana",
		Currency: "EUR", StartedAt: t0, Completed: t0,
		Lines:   []pos.RecordLine{{Line: pos.Line{ProductID: "p", Name: "Brot", Qty: 1000, UnitPrice: 250, TaxBP: 700}, Amount: 250, Net: 234, Tax: 16, Gross: 250}},
		Tenders: []pos.Tender{{Kind: pos.TenderCash, Amount: 250}}, Totals: pos.Totals{Items: 1000, Net: 234, Tax: 16, Gross: 250}}
	old.Customer.Name, old.Customer.Phone, old.Customer.Email = "Frau Berg", "0171999", "berg@example.org"
	payload, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rig.db.Append(ctx, pos.EntrySale, "old-sale", t0, func(int64) ([]byte, error) { return payload, nil }); err != nil {
		t.Fatal(err)
	}
	c, err := rig.reg.AddCustomer(ctx, register.NewCustomer{Name: "Frau Berg", Phone: "0171999"})
	if err != nil {
		t.Fatal(err)
	}
	rig.scan(kaese)
	rec := rig.payExact()
	if n, err := rig.db.VerifyJournal(ctx); err != nil || n != 2 {
		t.Fatalf("verify after the upgrade: %d, %v", n, err)
	}
	e, err := rig.db.EntryByID(ctx, "old-sale")
	if err != nil || !bytes.Equal(e.Payload, payload) {
		t.Fatalf("the old entry must stay byte for byte: %v", err)
	}
	var decoded pos.SaleRecord
	if err := pos.DecodeCanonical(e.Payload, &decoded); err != nil || decoded.Totals.Gross != 250 || decoded.CustomerID != "" {
		t.Fatalf("old record decodes to %+v, %v", decoded, err)
	}
	if again, _ := json.Marshal(decoded); bytes.Contains(again, []byte("Berg")) {
		t.Fatalf("a decoded old record still carries the customer: %s", again)
	}
	ne, err := rig.db.EntryByID(ctx, rec.SaleID)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(ne.Payload, []byte("Berg")) || bytes.Contains(ne.Payload, []byte("0171999")) || !bytes.Contains(ne.Payload, []byte(c.ID)) {
		t.Fatalf("new sale payload: %s", ne.Payload)
	}
}

// TestCustomerRefusedWithoutPurpose: data minimisation is enforced at the
// door, and the directory needs its key file.
func TestCustomerRefusedWithoutPurpose(t *testing.T) {
	db := mustOpenPath(t, filepath.Join(t.TempDir(), "till.db"))
	ctx := context.Background()
	c := pos.Customer{ID: "x1", Email: "a@b.c", Purposes: []string{pos.PurposeLoyalty},
		Consent: pos.Consent{What: "loyalty", At: time.Unix(1, 0), Where: "register K1"}}
	if err := db.SaveCustomer(ctx, c); pos.ErrorCode(err) != pos.EInvalid {
		t.Fatalf("an e-mail kept without the receipt purpose: %v", err)
	}
	c.Email, c.Phone = "", "0171"
	if err := db.SaveCustomer(ctx, c); pos.ErrorCode(err) != pos.EUnavailable {
		t.Fatalf("saved without a key file: %v", err)
	}
}

// TestRetentionErasesInactiveCustomers: with a retention of 365 days on an
// injected clock, a customer seen again stays and one not seen is erased.
func TestRetentionErasesInactiveCustomers(t *testing.T) {
	db := mustOpenPath(t, filepath.Join(t.TempDir(), "till.db"))
	ctx := context.Background()
	if err := db.OpenCustomerKeys(ctx, filepath.Join(t.TempDir(), "keys.db")); err != nil {
		t.Fatal(err)
	}
	clock := &stepClock{t: t0}
	reg := register.New(register.Config{RegisterID: "reg-test", Currency: pos.MustCurrency("EUR")},
		register.Deps{Catalog: db, Journal: db, Clock: clock, Customers: db})
	gone, err := reg.AddCustomer(ctx, register.NewCustomer{Phone: "0170111"})
	if err != nil {
		t.Fatal(err)
	}
	stays, err := reg.AddCustomer(ctx, register.NewCustomer{Email: "stays@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	const keep = 365 * 24 * time.Hour
	clock.add(300 * 24 * time.Hour)
	if err := reg.TouchCustomer(ctx, stays.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := reg.EraseInactiveCustomers(ctx, keep); err != nil || n != 0 {
		t.Fatalf("day 300: erased %d, %v", n, err)
	}
	clock.add(100 * 24 * time.Hour) // day 400: gone was last seen on day 0, stays on day 300
	if n, err := reg.EraseInactiveCustomers(ctx, keep); err != nil || n != 1 {
		t.Fatalf("day 400: erased %d, %v", n, err)
	}
	if _, err := db.Customer(ctx, gone.ID); pos.ErrorCode(err) != pos.ENotFound {
		t.Fatalf("inactive customer kept: %v", err)
	}
	if c, err := db.Customer(ctx, stays.ID); err != nil || c.Email != "stays@example.org" {
		t.Fatalf("active customer: %+v, %v", c, err)
	}
}

// TestResumeRefetchesTheCustomer: a parked sale keeps only the customer's id;
// resumed, it shows the customer again, and after an erasure it has none.
func TestResumeRefetchesTheCustomer(t *testing.T) {
	rig, _, _ := customerRig(t)
	ctx := context.Background()
	park := func() string {
		t.Helper()
		rig.scan(kaese)
		p, err := rig.reg.Park(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	c, err := rig.reg.AddCustomer(ctx, register.NewCustomer{Name: "Ida Holm", Email: "ida@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	first := park()
	rig.reg.AttachCustomer(c)
	second := park()
	if err := rig.reg.Resume(ctx, first); err != nil {
		t.Fatal(err)
	}
	if s, _ := rig.reg.Sale(); s.CustomerID != c.ID || s.Customer == nil || s.Customer.Name != "Ida Holm" {
		t.Fatalf("resumed sale: id %q customer %+v", s.CustomerID, s.Customer)
	}
	rig.payExact()
	if err := rig.reg.EraseCustomer(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := rig.reg.Resume(ctx, second); err != nil {
		t.Fatal(err)
	}
	if s, _ := rig.reg.Sale(); s.CustomerID != "" || s.Customer != nil {
		t.Fatalf("resumed after the erasure: id %q customer %+v", s.CustomerID, s.Customer)
	}
}
