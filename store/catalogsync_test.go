package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/tillpos/till/app/pinhash"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/pos/catalogfile"
)

func item(t *testing.T, kind, id string, v any) catalogfile.Item {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return catalogfile.Item{Kind: kind, ID: id, Data: b}
}

func TestApplyCatalogPageIsAtomicWithItsCursor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	hash, err := pinhash.Encode("4711")
	if err != nil {
		t.Fatal(err)
	}
	page := []catalogfile.Item{
		item(t, catalogfile.KindSetting, SettingCurrency, "EUR"),
		item(t, catalogfile.KindTaxRate, "std", catalogfile.TaxRate{Name: "Standard", BasisPoints: 1900}),
		item(t, catalogfile.KindCategory, "drinks", catalogfile.Category{Name: "Drinks", Color: "#112233"}),
		item(t, catalogfile.KindProduct, "cola", catalogfile.Product{Name: "Cola", Price: 129, TaxRate: "std", Category: "drinks",
			Barcodes: []string{"4000000000006"}, QuickKey: true}),
		item(t, catalogfile.KindEmployee, "e1", catalogfile.Employee{Name: "Ann", Role: "manager", PINHash: hash}),
	}
	if err := db.ApplyCatalogPage(ctx, page, 7); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.CatalogCursor(ctx); c != 7 {
		t.Fatalf("cursor = %d, want 7", c)
	}
	p, err := db.ProductByBarcode(ctx, "4000000000006")
	if err != nil || p.Price != 129 || p.CategoryID != "drinks" {
		t.Fatalf("product = %+v, %v", p, err)
	}
	// The shipped hash logs the employee in with the PIN it was made from.
	if e, err := db.VerifyEmployeePIN(ctx, "e1", "4711"); err != nil || e.Name != "Ann" {
		t.Fatalf("VerifyEmployeePIN = %+v, %v", e, err)
	}

	// A page that fails half-way changes nothing, not even the cursor.
	bad := []catalogfile.Item{
		item(t, catalogfile.KindProduct, "cola", catalogfile.Product{Name: "Cola", Price: 999, TaxRate: "std"}),
		item(t, catalogfile.KindProduct, "water", catalogfile.Product{Name: "Water", Price: 50, TaxRate: "no-such-rate"}),
	}
	if err := db.ApplyCatalogPage(ctx, bad, 9); err == nil {
		t.Fatal("page with an unknown tax rate applied")
	}
	if c, _ := db.CatalogCursor(ctx); c != 7 {
		t.Fatalf("cursor after failed page = %d, want 7", c)
	}
	if p, _ := db.Product(ctx, "cola"); p.Price != 129 {
		t.Fatalf("price after failed page = %d, want 129", p.Price)
	}

	// A barcode moved to another product moves; a deleted product goes.
	move := []catalogfile.Item{
		item(t, catalogfile.KindProduct, "cola-zero", catalogfile.Product{Name: "Cola Zero", Price: 139, TaxRate: "std",
			Barcodes: []string{"4000000000006"}}),
		{Kind: catalogfile.KindProduct, ID: "cola", Deleted: true},
	}
	if err := db.ApplyCatalogPage(ctx, move, 10); err != nil {
		t.Fatal(err)
	}
	if p, err := db.ProductByBarcode(ctx, "4000000000006"); err != nil || p.ID != "cola-zero" {
		t.Fatalf("moved barcode finds %+v, %v", p, err)
	}
	if _, err := db.Product(ctx, "cola"); pos.ErrorCode(err) != pos.ENotFound {
		t.Fatalf("deleted product: %v", err)
	}
}

func TestApplyCatalogSnapshotRemovesWhatItLacks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustSeedDemo(t)
	hash, _ := pinhash.Encode("1234")
	snap := []catalogfile.Item{
		// Products before their tax rate: a snapshot need not be ordered.
		item(t, catalogfile.KindProduct, "only", catalogfile.Product{Name: "Only", Price: 100, TaxRate: "r"}),
		item(t, catalogfile.KindTaxRate, "r", catalogfile.TaxRate{Name: "R", BasisPoints: 700}),
		item(t, catalogfile.KindEmployee, "boss", catalogfile.Employee{Name: "Boss", Role: "owner", PINHash: hash}),
	}
	if err := db.ApplyCatalogSnapshot(ctx, snap, 42); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.ProductCount(ctx); n != 1 {
		t.Fatalf("products after snapshot = %d, want 1", n)
	}
	es, _ := db.Employees(ctx)
	if len(es) != 1 || es[0].ID != "boss" {
		t.Fatalf("active employees = %+v, want only boss", es)
	}
	if c, _ := db.CatalogCursor(ctx); c != 42 {
		t.Fatalf("cursor = %d", c)
	}
}

func TestSyncRejectionsKeepFirstSeen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	t0 := time.UnixMilli(1_700_000_000_000)
	if first, err := db.RecordSyncRejection(ctx, "e5", 5, "edited", t0); err != nil || !first.Equal(t0) {
		t.Fatalf("first record: %v %v", first, err)
	}
	if first, err := db.RecordSyncRejection(ctx, "e5", 5, "edited again", t0.Add(time.Hour)); err != nil || !first.Equal(t0) {
		t.Fatalf("second record: %v %v, want first seen %v", first, err, t0)
	}
	rs, err := db.SyncRejections(ctx)
	if err != nil || len(rs) != 1 || rs[0].Reason != "edited again" || !rs[0].LastSeen.Equal(t0.Add(time.Hour)) {
		t.Fatalf("rejections %+v, %v", rs, err)
	}
	if err := db.ClearSyncRejections(ctx); err != nil {
		t.Fatal(err)
	}
	if rs, _ := db.SyncRejections(ctx); len(rs) != 0 {
		t.Fatalf("after clear: %+v", rs)
	}
}

func activeIDs(t *testing.T, db *DB) []string {
	t.Helper()
	es, err := db.Employees(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	return ids
}

// TestCatalogFeedDeactivatesStaffTheHeadOfficeLacks: a register that once
// got the demo catalog (PINs 1111-4444) and then syncs with a head office
// that has staff lets only the head office's staff log in; a head office
// without staff yet locks no one out; an employee the head office deletes
// no longer logs in.
func TestCatalogFeedDeactivatesStaffTheHeadOfficeLacks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustSeedDemo(t)
	demo := []string{"emp-anna", "emp-ben", "emp-clara", "emp-dana"}
	if got := activeIDs(t, db); !slices.Equal(got, demo) {
		t.Fatalf("demo staff = %v, want %v", got, demo)
	}
	if err := db.ApplyCatalogPage(ctx, []catalogfile.Item{item(t, catalogfile.KindSetting, SettingCurrency, "EUR")}, 1); err != nil {
		t.Fatal(err)
	}
	if got := activeIDs(t, db); !slices.Equal(got, demo) {
		t.Fatalf("a head office without staff changed who logs in: %v", got)
	}

	hash, err := pinhash.Encode("8642")
	if err != nil {
		t.Fatal(err)
	}
	page := []catalogfile.Item{
		item(t, catalogfile.KindEmployee, "hq-boss", catalogfile.Employee{Name: "Boss", Role: "owner", PINHash: hash, Sort: 1}),
		item(t, catalogfile.KindEmployee, "hq-temp", catalogfile.Employee{Name: "Temp", Role: "cashier", PINHash: hash, Sort: 2}),
	}
	if err := db.ApplyCatalogPage(ctx, page, 2); err != nil {
		t.Fatal(err)
	}
	if got := activeIDs(t, db); !slices.Equal(got, []string{"hq-boss", "hq-temp"}) {
		t.Fatalf("after the head office's staff arrived, active = %v, want hq-boss and hq-temp only", got)
	}
	if _, err := db.VerifyEmployeePIN(ctx, "emp-dana", "4444"); err == nil {
		t.Fatal("demo owner Dana still logs in with 4444 after the head office's staff arrived")
	}
	if _, err := db.VerifyEmployeePIN(ctx, "hq-boss", "8642"); err != nil {
		t.Fatalf("the head office's owner cannot log in: %v", err)
	}

	if err := db.ApplyCatalogPage(ctx, []catalogfile.Item{{Kind: catalogfile.KindEmployee, ID: "hq-temp", Deleted: true}}, 3); err != nil {
		t.Fatal(err)
	}
	if got := activeIDs(t, db); !slices.Equal(got, []string{"hq-boss"}) {
		t.Fatalf("after the head office deleted hq-temp, active = %v, want hq-boss", got)
	}
	if _, err := db.VerifyEmployeePIN(ctx, "hq-temp", "8642"); err == nil {
		t.Fatal("an employee the head office deleted still logs in")
	}
}

// TestUpgradeReplaysTheCatalogFeed: a register that synced employees before
// they were marked as the head office's gets its cursor reset by the
// migration, so the replayed feed marks them before other staff is
// deactivated: nobody the head office has is locked out by the upgrade.
func TestUpgradeReplaysTheCatalogFeed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "till.db")
	db := mustOpenPath(t, path)
	if err := db.SeedDemoIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	hash, err := pinhash.Encode("8642")
	if err != nil {
		t.Fatal(err)
	}
	boss := item(t, catalogfile.KindEmployee, "hq-boss", catalogfile.Employee{Name: "Boss", Role: "owner", PINHash: hash})
	// The schema before 0009: the feed's employee is stored unmarked.
	for _, q := range []string{`ALTER TABLE employees DROP COLUMN from_head_office`, `DELETE FROM schema_version WHERE version = 9`,
		`INSERT INTO employees (id, name, role, pin_hash, pin_salt, pin_params) SELECT 'hq-boss', 'Boss', 'owner', pin_hash, pin_salt, pin_params FROM employees WHERE id = 'emp-dana'`,
		`UPDATE catalog_sync SET cursor = 7`} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	db = mustOpenPath(t, path)
	if c, err := db.CatalogCursor(ctx); err != nil || c != 0 {
		t.Fatalf("cursor after the upgrade = %d (%v), want 0: the feed must replay", c, err)
	}
	if err := db.ApplyCatalogPage(ctx, []catalogfile.Item{boss}, 7); err != nil {
		t.Fatal(err)
	}
	if got := activeIDs(t, db); !slices.Equal(got, []string{"hq-boss"}) {
		t.Fatalf("after the replay, active = %v, want hq-boss only", got)
	}
}
