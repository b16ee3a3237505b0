package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// latencies records per-operation durations and reports p50 and p99.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	b.ReportMetric(float64(l[len(l)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(l[len(l)*99/100].Nanoseconds()), "p99-ns")
}

var bigCatalog = struct {
	once  sync.Once
	dir   string
	codes []string
	err   error
}{}

// bigCatalogPath builds, once per process, a database with 100k generated
// products: building it takes seconds and the benchmark runs more than once.
func bigCatalogPath(b *testing.B) (string, []string) {
	b.Helper()
	bigCatalog.once.Do(func() {
		dir, err := os.MkdirTemp("", "till-bench-")
		if err != nil {
			bigCatalog.err = err
			return
		}
		bigCatalog.dir = dir
		f := GenerateCatalog(100_000, 1)
		for _, p := range f.Products {
			bigCatalog.codes = append(bigCatalog.codes, p.Barcodes...)
		}
		data, _ := json.Marshal(f)
		db, err := Open(context.Background(), filepath.Join(dir, "big.db"))
		if err != nil {
			bigCatalog.err = err
			return
		}
		defer db.Close()
		bigCatalog.err = db.ImportCatalog(context.Background(), bytes.NewReader(data))
	})
	if bigCatalog.err != nil {
		b.Fatal(bigCatalog.err)
	}
	return filepath.Join(bigCatalog.dir, "big.db"), bigCatalog.codes
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bigCatalog.dir != "" {
		os.RemoveAll(bigCatalog.dir)
	}
	os.Exit(code)
}

// BenchmarkScanToLine is the work between a scan and the new line on screen:
// barcode lookup, tax rate, AddProduct (no rendering), over 100k products.
func BenchmarkScanToLine(b *testing.B) {
	path, codes := bigCatalogPath(b)
	benchScan(b, mustOpenPath(b, path), codes)
}

// BenchmarkScanToLine61 is BenchmarkScanToLine over the demo catalog (61
// products): the ratio of the two is what catalog size costs a scan.
func BenchmarkScanToLine61(b *testing.B) {
	db := MustOpenDB(b)
	ctx := context.Background()
	if err := db.SeedDemoIfEmpty(ctx); err != nil {
		b.Fatal(err)
	}
	codes, err := scannableCodes(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	benchScan(b, db, codes)
}

func benchScan(b *testing.B, db *DB, codes []string) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(2, 3))
	eur := pos.MustCurrency("EUR")
	sale := pos.NewSale("bench", "reg", eur, pos.TaxInclusive, time.Now())
	lat := make(latencies, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		code := codes[rng.IntN(len(codes))]
		if len(sale.Lines) >= 50 { // a long receipt, then a new customer
			b.StopTimer()
			sale = pos.NewSale("bench", "reg", eur, pos.TaxInclusive, time.Now())
			b.StartTimer()
		}
		start := time.Now()
		p, err := db.ProductByBarcode(ctx, code)
		if err != nil {
			b.Fatal(err)
		}
		bp, err := scanRate(ctx, db, p)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := sale.AddProduct(p, pos.QtyOne, bp, code); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	lat.report(b)
}

// scanRate is the tax rate as the register takes it (register.add).
func scanRate(ctx context.Context, db *DB, p pos.Product) (int64, error) {
	if p.Rate != nil {
		return p.Rate.BasisPoints, nil
	}
	rate, err := db.TaxRate(ctx, p.TaxRateID)
	return rate.BasisPoints, err
}

// BenchmarkCompleteSale is the durable commit of a settled five-line sale:
// build the sale, tender, freeze the record, marshal it, AppendPrinted
// (journal entry, outbox row and the receipt's print job in one
// synchronous=FULL transaction), back to back.
func BenchmarkCompleteSale(b *testing.B) { benchCompleteSale(b, 0) }

// BenchmarkCompleteSalePaced is BenchmarkCompleteSale with an idle between
// sales, as at a till (benchPace): an idle disk syncs slower than a busy one.
func BenchmarkCompleteSalePaced(b *testing.B) { benchCompleteSale(b, benchPace(b)) }

// BenchmarkBareInsertFsync is the floor: one tiny row in its own transaction
// on the same connection settings (WAL, synchronous=FULL, one writer).
func BenchmarkBareInsertFsync(b *testing.B) { benchBareInsert(b, 0) }

// BenchmarkBareInsertFsyncPaced is the floor with the same idle between
// commits as BenchmarkCompleteSalePaced: the ratio of the two is the sale's cost.
func BenchmarkBareInsertFsyncPaced(b *testing.B) { benchBareInsert(b, benchPace(b)) }

// benchPace is the idle between paced commits: TILL_BENCH_PACE (a Go
// duration), default 50ms, the fastest a till sells.
func benchPace(b *testing.B) time.Duration {
	v := os.Getenv("TILL_BENCH_PACE")
	if v == "" {
		return 50 * time.Millisecond
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		b.Fatalf("TILL_BENCH_PACE=%q: want a duration such as 50ms", v)
	}
	return d
}

// idle waits between paced commits, off the timer.
func idle(b *testing.B, d time.Duration) {
	if d > 0 {
		b.StopTimer()
		time.Sleep(d) // the pacing itself, not a wait for an event
		b.StartTimer()
	}
}

func benchCompleteSale(b *testing.B, pace time.Duration) {
	db := MustOpenDB(b)
	ctx := context.Background()
	if err := db.SeedDemoIfEmpty(ctx); err != nil {
		b.Fatal(err)
	}
	codes, err := scannableCodes(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	type item struct {
		p    pos.Product
		bp   int64
		code string
	}
	var items []item
	for _, c := range codes {
		p, _ := db.ProductByBarcode(ctx, c)
		r, _ := db.TaxRate(ctx, p.TaxRateID)
		items = append(items, item{p, r.BasisPoints, c})
	}
	eur := pos.MustCurrency("EUR")
	cfg := register.Config{RegisterCode: "K1", Currency: eur, StoreName: "Bench"}
	ids := make([]string, b.N)
	for i := range ids {
		ids[i] = uuid.Must(uuid.NewV7()).String()
	}
	lat := make(latencies, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		idle(b, pace)
		start := time.Now()
		now := start
		sale := pos.NewSale(ids[i], "reg-test", eur, pos.TaxInclusive, now)
		for j := range 5 {
			it := items[(i*5+j)%len(items)]
			if _, err := sale.AddProduct(it.p, pos.QtyOne, it.bp, it.code); err != nil {
				b.Fatal(err)
			}
		}
		t, _ := sale.Totals()
		if err := sale.AddTender(pos.Tender{Kind: pos.TenderCash, Amount: t.Gross}); err != nil {
			b.Fatal(err)
		}
		var rec pos.SaleRecord
		if _, err := db.AppendPrinted(ctx, pos.EntrySale, sale.ID, now, func(seq int64) ([]byte, error) {
			var err error
			rec, err = sale.Record(register.ReceiptNo("K1", seq), now)
			if err != nil {
				return nil, err
			}
			return json.Marshal(rec)
		}, func(pos.Entry) (register.PrintJob, error) {
			return register.PrintJob{ID: "job-" + sale.ID, Kind: register.JobReceipt, State: register.JobQueued,
				Doc: register.ReceiptDoc(cfg, rec, false), Created: now, Updated: now}, nil
		}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	lat.report(b)
}

func benchBareInsert(b *testing.B, pace time.Duration) {
	db := MustOpenDB(b)
	ctx := context.Background()
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE bare (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	ins, err := db.w.PrepareContext(ctx, `INSERT INTO bare (v) VALUES (?)`)
	if err != nil {
		b.Fatal(err)
	}
	defer ins.Close()
	lat := make(latencies, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		idle(b, pace)
		start := time.Now()
		tx, err := db.w.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.StmtContext(ctx, ins).ExecContext(ctx, fmt.Sprint(i)); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	lat.report(b)
}
