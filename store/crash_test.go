package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/store/powercut"
	"github.com/tillpos/till/store/testseed"
)

// crashDirEnv makes TestCrashChild sell into the database in that directory.
const crashDirEnv = "TILL_STORE_CRASH_DIR"

// TestCrashChild is the process TestCrashRecovery kills. It commits sales in
// a tight loop, each with its receipt's print job in the same transaction
// (AppendPrinted), and prints "OK seq id" only after the append has
// returned. A spooler prints the receipts meanwhile on a printer that
// writes "PRINTED saleID original|copy" for each one.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("the child of TestCrashRecovery")
	}
	fail := func(format string, args ...any) {
		fmt.Fprintf(os.Stdout, "ERR "+format+"\n", args...)
		os.Exit(3)
	}
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(dir, "till.db"))
	if err != nil {
		fail("open: %v", err)
	}
	db.SetRegisterID("reg-crash")
	if err := db.SeedDemoIfEmpty(ctx); err != nil {
		fail("seed: %v", err)
	}
	codes, err := scannableCodes(ctx, db)
	if err != nil || len(codes) == 0 {
		fail("codes: %v (%d)", err, len(codes))
	}
	spool := register.NewSpooler(pipePrinter{}, nil).WithQueue(db)
	go spool.Run(ctx) //nolint:errcheck // runs until the kill
	os.Stdout.WriteString("READY\n")
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(time.Now().UnixNano())))
	for {
		sale := demoSale(ctx, db, rng, codes, 3+rng.IntN(3))
		now := time.Now()
		e, err := db.AppendPrinted(ctx, pos.EntrySale, sale.ID, now, salePayload(sale, now), receiptJob(sale.ID, now))
		if err != nil {
			fail("append: %v", err)
		}
		spool.Adopt(mustJob(db, sale.ID))
		// One write of a short line: atomic on a pipe, and only after commit.
		os.Stdout.WriteString("OK " + strconv.FormatInt(e.Seq, 10) + " " + e.ID + "\n")
	}
}

// pipePrinter "prints" a receipt by writing one line to stdout: a line
// the parent read is a receipt on paper.
type pipePrinter struct{}

func (pipePrinter) Print(_ context.Context, d pos.Doc) error {
	kind := "original"
	if d.Copy {
		kind = "copy"
	}
	os.Stdout.WriteString("PRINTED " + d.ID + " " + kind + "\n")
	return nil
}

// receiptJob is the print job of a crash-test sale (its doc id is the sale's).
func receiptJob(saleID string, at time.Time) register.BuildPrintJob {
	return func(pos.Entry) (register.PrintJob, error) {
		return register.PrintJob{ID: "job-" + saleID, Kind: register.JobReceipt, State: register.JobQueued,
			Doc: pos.Doc{ID: saleID}, Created: at, Updated: at}, nil
	}
}

func mustJob(db *DB, saleID string) register.PrintJob {
	j, err := db.PrintJob(context.Background(), "job-"+saleID)
	if err != nil {
		panic(err)
	}
	return j
}

func scannableCodes(ctx context.Context, db *DB) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT b.code FROM barcodes b JOIN products p ON p.id = b.product_id
		WHERE p.sold_by_weight = 0 ORDER BY b.code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		codes = append(codes, c)
	}
	return codes, rows.Err()
}

// demoSale scans lines random products and pays cash, rounded up to 5 €.
func demoSale(ctx context.Context, db *DB, rng *rand.Rand, codes []string, lines int) *pos.Sale {
	sale := pos.NewSale(uuid.Must(uuid.NewV7()).String(), "reg-crash", pos.MustCurrency("EUR"), pos.TaxInclusive, time.Now())
	sale.CashierID, sale.Cashier = "emp-1", "Jürgen"
	for range lines {
		code := codes[rng.IntN(len(codes))]
		p, err := db.ProductByBarcode(ctx, code)
		if err != nil {
			panic(err)
		}
		rate, err := db.TaxRate(ctx, p.TaxRateID)
		if err != nil {
			panic(err)
		}
		if _, err := sale.AddProduct(p, pos.QtyOne, rate.BasisPoints, code); err != nil {
			panic(err)
		}
	}
	t, _ := sale.Totals()
	if err := sale.AddTender(pos.Tender{Kind: pos.TenderCash, Amount: (t.Gross/500 + 1) * 500}); err != nil {
		panic(err)
	}
	return sale
}

func salePayload(sale *pos.Sale, at time.Time) register.BuildPayload {
	return func(seq int64) ([]byte, error) {
		rec, err := sale.Record(register.ReceiptNo("K1", seq), at)
		if err != nil {
			return nil, err
		}
		return json.Marshal(rec)
	}
}

// TestCrashRecovery kills a selling child process with SIGKILL at random
// moments, over and over, and after each kill checks that every sale the
// child saw committed is in the journal, the chain verifies and the seqs are
// gapless.
func TestCrashRecovery(t *testing.T) {
	if os.Getenv(crashDirEnv) != "" {
		t.Skip("in the child")
	}
	kills := 200
	if testing.Short() {
		kills = 20
	}
	rng := testseed.Rand(testseed.For(t), 1)
	dir := t.TempDir()
	committed := map[string]int64{} // id -> seq, as reported by children
	start := time.Now()
	var beforeReady int
	printed := receiptPrints{}
	for k := range kills {
		// Mostly kill while selling; one time in ten, at any moment from
		// start-up (during open, migrations, seeding).
		waitReady := rng.IntN(10) != 0
		if !waitReady {
			beforeReady++
		}
		delay := time.Duration(1+rng.IntN(40)) * time.Millisecond
		reported, err := runAndKill(dir, waitReady, delay, printed)
		if err != nil {
			t.Fatalf("kill %d: %v", k, err)
		}
		for id, seq := range reported {
			committed[id] = seq
		}
		checkAfterCrash(t, dir, committed, k)
	}
	// The next start: one spooler pass prints what the kills left.
	resumed := drainAfterCrash(t, dir, printed)
	printed.check(t, dir, committed)
	t.Logf("%d kills (%d before ready) in %v; %d sales reported committed; %d receipts printed, %d by the last restart",
		kills, beforeReady, time.Since(start).Round(time.Millisecond), len(committed), len(printed), resumed)
}

// receiptPrints counts, per sale id, the receipts printed as originals and
// as copies (a job cut between its printing mark and its done mark resumes
// as a marked copy: part of it may be on paper).
type receiptPrints map[string]*[2]int

func (p receiptPrints) add(saleID string, copy bool) {
	c := p[saleID]
	if c == nil {
		c = new([2]int)
		p[saleID] = c
	}
	if copy {
		c[1]++
	} else {
		c[0]++
	}
}

// drainAfterCrash runs the spooler as the next start would until no job is
// unfinished, recording what it prints, and returns how many it printed.
func drainAfterCrash(t *testing.T, dir string, printed receiptPrints) int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := Open(ctx, filepath.Join(dir, "till.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rec := &recordingPrinter{done: make(chan struct{}, 1)}
	spool := register.NewSpooler(rec, nil).WithQueue(db)
	if err := spool.Load(ctx); err != nil {
		t.Fatal(err)
	}
	want := spool.Status().Pending
	spool.OnChange(func(st register.SpoolStatus) {
		if st.Pending == 0 {
			select {
			case rec.done <- struct{}{}:
			default:
			}
		}
	})
	if want > 0 {
		go spool.Run(ctx) //nolint:errcheck // ends with ctx
		<-rec.done        // go test's -timeout bounds a hang
	}
	if left, err := db.UnfinishedPrintJobs(ctx); err != nil || len(left) != 0 {
		t.Fatalf("after the restart's spooler pass: %d unfinished jobs, %v", len(left), err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, d := range rec.docs {
		printed.add(d.ID, d.Copy)
	}
	return len(rec.docs)
}

type recordingPrinter struct {
	mu   sync.Mutex
	docs []pos.Doc
	done chan struct{}
}

func (p *recordingPrinter) Print(_ context.Context, d pos.Doc) error {
	p.mu.Lock()
	p.docs = append(p.docs, d)
	p.mu.Unlock()
	return nil
}

// check: every committed sale's receipt printed, the original at most once;
// any other print is a marked RESUMED copy of a job a kill cut between its
// durable printing mark and its done mark (so never more prints than
// attempts); one job per sale; nothing printed for a sale the journal lacks.
func (p receiptPrints) check(t *testing.T, dir string, committed map[string]int64) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(dir, "till.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for id := range committed {
		c := p[id]
		if c == nil || c[0]+c[1] == 0 {
			t.Fatalf("committed sale %s: receipt never printed", id)
		}
	}
	copies := 0
	for id, c := range p {
		if _, err := db.EntryByID(ctx, id); err != nil {
			t.Fatalf("receipt printed for sale %s the journal lacks: %v", id, err)
		}
		jobs, err := db.PrintJobsForDoc(ctx, id)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("sale %s: %d print jobs, %v; want one", id, len(jobs), err)
		}
		if c[0] > 1 || c[0]+c[1] > jobs[0].Attempts || jobs[0].State != register.JobDone {
			t.Fatalf("sale %s printed %d times as the original and %d as a copy (job %s, attempts %d)", id, c[0], c[1], jobs[0].State, jobs[0].Attempts)
		}
		copies += c[1]
	}
	t.Logf("%d receipts, %d resumed copies after a kill between print and done mark", len(p), copies)
}

// runAndKill starts TestCrashChild, kills it after delay (counted from its
// READY line when waitReady) and returns the sales it reported committed.
func runAndKill(dir string, waitReady bool, delay time.Duration, printed receiptPrints) (map[string]int64, error) {
	lines, err := powercut.KillChild("TestCrashChild", crashDirEnv+"="+dir, waitReady, delay)
	if err != nil {
		return nil, err
	}
	reported := map[string]int64{}
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) == 3 && f[0] == "PRINTED" {
			printed.add(f[1], f[2] == "copy")
			continue
		}
		if len(f) != 3 || f[0] != "OK" {
			return nil, fmt.Errorf("bad line %q", line)
		}
		seq, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad line %q", line)
		}
		reported[f[2]] = seq
	}
	return reported, nil
}

// checkAfterCrash opens the database as the next start would (recovering the
// WAL) and checks it against what the children reported.
func checkAfterCrash(t *testing.T, dir string, committed map[string]int64, kill int) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(dir, "till.db"))
	if err != nil {
		t.Fatalf("kill %d: reopen: %v", kill, err)
	}
	defer db.Close()
	n, err := db.VerifyJournal(ctx)
	if err != nil {
		t.Fatalf("kill %d: VerifyJournal after %d entries: %v", kill, n, err)
	}
	found := make(map[string]int64, n)
	want := int64(1)
	for after := int64(0); ; {
		es, err := db.Entries(ctx, after, 2000)
		if err != nil {
			t.Fatalf("kill %d: entries: %v", kill, err)
		}
		if len(es) == 0 {
			break
		}
		for _, e := range es {
			if e.Seq != want {
				t.Fatalf("kill %d: seq %d where %d was due", kill, e.Seq, want)
			}
			want++
			found[e.ID] = e.Seq
		}
		after = es[len(es)-1].Seq
	}
	if want-1 != n {
		t.Fatalf("kill %d: verified %d entries but listed %d", kill, n, want-1)
	}
	for id, seq := range committed {
		if got, ok := found[id]; !ok || got != seq {
			t.Fatalf("kill %d: sale %s reported committed as seq %d, journal has seq %d (present %v)", kill, id, seq, got, ok)
		}
	}
	if depth, _, err := db.OutboxStats(ctx); err != nil || int64(depth) != n {
		t.Fatalf("kill %d: outbox depth %d, %v; want %d (one row per entry)", kill, depth, err, n)
	}
}
