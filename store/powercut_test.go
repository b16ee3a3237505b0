package store

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/store/powercut"
	"github.com/tillpos/till/store/testseed"
)

// powerCutDirEnv makes TestPowerCutChild sell into the database in that
// directory (the power-cut mount).
const powerCutDirEnv = "TILL_STORE_POWERCUT_DIR"

// PowerCutsEnv sets how many power cuts TestPowerCut makes (make soak: 2000).
const powerCutsEnv = "TILL_POWERCUT_CUTS"

// TestPowerCutChild is the process TestPowerCut kills before each cut. It
// sells in a loop through the real store API and prints a line only after
// what it reports has committed:
//
//	OK seq id     a sale (journal entry and outbox row)
//	PJ id state   a print job added (queued) or marked done
//	PK id         a sale parked
//	UT id         resuming a parked sale: it may be gone from now on
//	UP id         a parked sale resumed (gone from the parked list)
func TestPowerCutChild(t *testing.T) {
	dir := os.Getenv(powerCutDirEnv)
	if dir == "" {
		t.Skip("the child of TestPowerCut")
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
	parked, err := db.ParkedSales(ctx)
	if err != nil {
		fail("parked: %v", err)
	}
	os.Stdout.WriteString("READY\n")
	seed, _ := strconv.ParseUint(os.Getenv(testseed.Env), 10, 64)
	rng := testseed.Rand(seed, uint64(os.Getpid()))
	for i := 0; ; i++ {
		sale := demoSale(ctx, db, rng, codes, 1+rng.IntN(4))
		now := time.Now()
		switch i % 4 {
		case 1: // park it instead of paying
			raw, _ := json.Marshal(sale)
			p := register.ParkedSale{ID: sale.ID, ParkedAt: now, CashierID: "emp-1", Cashier: "Jürgen",
				Gross: 1, Items: pos.QtyOne, Label: "table " + strconv.Itoa(i), Sale: raw}
			if err := db.Park(ctx, p); err != nil {
				fail("park: %v", err)
			}
			os.Stdout.WriteString("PK " + p.ID + "\n")
			parked = append(parked, p)
			continue
		case 3: // resume the oldest parked sale
			if len(parked) > 0 {
				p := parked[0]
				os.Stdout.WriteString("UT " + p.ID + "\n") // it may commit unreported
				if _, err := db.Unpark(ctx, p.ID); err != nil {
					fail("unpark %s: %v", p.ID, err)
				}
				os.Stdout.WriteString("UP " + p.ID + "\n")
				parked = parked[1:]
			}
		}
		e, err := db.Append(ctx, pos.EntrySale, sale.ID, now, salePayload(sale, now))
		if err != nil {
			fail("append: %v", err)
		}
		os.Stdout.WriteString("OK " + strconv.FormatInt(e.Seq, 10) + " " + e.ID + "\n")
		job := register.PrintJob{ID: uuid.Must(uuid.NewV7()).String(), Kind: register.JobReceipt,
			Doc: pos.Doc{ID: sale.ID}, State: register.JobQueued, Created: now, Updated: now}
		if err := db.AddPrintJob(ctx, job); err != nil {
			fail("add print job: %v", err)
		}
		os.Stdout.WriteString("PJ " + job.ID + " queued\n")
		job.State, job.Attempts = register.JobDone, 1
		if err := db.UpdatePrintJob(ctx, job); err != nil {
			fail("update print job: %v", err)
		}
		os.Stdout.WriteString("PJ " + job.ID + " done\n")
	}
}

// powerCutWorld is what the children reported committed, over all cuts.
type powerCutWorld struct {
	sales  map[string]int64  // id -> seq
	jobs   map[string]string // id -> last state reported
	parked map[string]int    // id -> isParked, isResumed or maybe
}

const (
	isParked = iota
	isResumed
	maybeParked // a resume was under way when the power went
)

func (w *powerCutWorld) take(lines []string) error {
	for _, line := range lines {
		f := strings.Fields(line)
		switch {
		case len(f) == 3 && f[0] == "OK":
			seq, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return fmt.Errorf("bad line %q", line)
			}
			w.sales[f[2]] = seq
		case len(f) == 3 && f[0] == "PJ":
			w.jobs[f[1]] = f[2]
		case len(f) == 2 && f[0] == "PK":
			w.parked[f[1]] = isParked
		case len(f) == 2 && f[0] == "UT":
			w.parked[f[1]] = maybeParked
		case len(f) == 2 && f[0] == "UP":
			w.parked[f[1]] = isResumed
		default:
			return fmt.Errorf("bad line %q", line)
		}
	}
	return nil
}

// TestPowerCut runs the register's store on the power-cut file system: a
// child sells, the parent kills it and cuts the power (every mode in turn),
// then reopens the database as the next start would and checks that nothing
// the child saw committed is lost and nothing is corrupt.
func TestPowerCut(t *testing.T) {
	if os.Getenv(powerCutDirEnv) != "" {
		t.Skip("in the child")
	}
	if why := powercut.Available(); why != "" {
		t.Skip("power cuts need FUSE as root: " + why)
	}
	cuts := 60 // make test: 60 here and 60 on the head office
	if testing.Short() {
		cuts = 15
	}
	if s := os.Getenv(powerCutsEnv); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("%s=%q: want a positive number of cuts", powerCutsEnv, s)
		}
		cuts = n
	}
	seed := testseed.For(t)
	rng := testseed.Rand(seed, 0)
	backing, mnt := t.TempDir(), t.TempDir()
	// The demo catalog goes in before the first mount: seeding it through
	// FUSE takes seconds and is not what is under test.
	seeded, err := Open(context.Background(), filepath.Join(backing, "till.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := seeded.SeedDemoIfEmpty(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := seeded.Close(); err != nil {
		t.Fatal(err)
	}
	pc, err := powercut.New(backing)
	if err != nil {
		t.Fatal(err)
	}
	if err := pc.Mount(mnt); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Unmount() })
	world := &powerCutWorld{sales: map[string]int64{}, jobs: map[string]string{}, parked: map[string]int{}}
	start := time.Now()
	byMode := map[powercut.Mode]int{}
	var total powercut.CutReport
	for k := range cuts {
		mode := powercut.Modes[k%len(powercut.Modes)]
		waitReady := rng.IntN(10) != 0 // one in ten: cut during start-up
		delay := time.Duration(1+rng.IntN(80)) * time.Millisecond
		lines, err := powercut.KillChild("TestPowerCutChild", powerCutDirEnv+"="+mnt, waitReady, delay)
		if err != nil {
			t.Fatalf("cut %d: %v", k, err)
		}
		if err := world.take(lines); err != nil {
			t.Fatalf("cut %d: %v", k, err)
		}
		if err := pc.Unmount(); err != nil {
			t.Fatalf("cut %d: %v", k, err)
		}
		rep, err := pc.Cut(mode, testseed.Rand(seed, uint64(k)+1))
		if err != nil {
			t.Fatalf("cut %d: %v", k, err)
		}
		byMode[mode]++
		total.LostWrites += rep.LostWrites
		total.TornWrites += rep.TornWrites
		total.LostBytes += rep.LostBytes
		total.LostNames += rep.LostNames
		// Check a copy of the disk (see CopyDisk); the next child recovers
		// the original through the mount.
		disk := t.TempDir()
		if err := pc.CopyDisk(disk); err != nil {
			t.Fatalf("cut %d: %v", k, err)
		}
		world.check(t, filepath.Join(disk, "till.db"), fmt.Sprintf("cut %d (%v)", k, mode))
		if err := os.RemoveAll(disk); err != nil {
			t.Fatal(err)
		}
		if err := pc.Mount(mnt); err != nil {
			t.Fatalf("cut %d: %v", k, err)
		}
	}
	st := pc.Stats()
	t.Logf("%d power cuts %v in %v: %d sales, %d print jobs, %d parked/resumed checked; the file system saw %d writes, %d fsyncs; cuts lost %d unsynced writes (%d bytes), tore %d, undid %d names",
		cuts, byMode, time.Since(start).Round(time.Millisecond), len(world.sales), len(world.jobs), len(world.parked),
		st.Writes, st.Syncs, total.LostWrites, total.LostBytes, total.TornWrites, total.LostNames)
}

// check opens the database as the next start would (recovering the WAL) and
// checks it against what the children reported.
func (w *powerCutWorld) check(t *testing.T, path, at string) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("%s: reopen: %v", at, err)
	}
	defer db.Close()
	var ok string
	if err := db.r.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("%s: quick_check: %q, %v", at, ok, err)
	}
	n, err := db.VerifyJournal(ctx)
	if err != nil {
		t.Fatalf("%s: VerifyJournal after %d entries: %v", at, n, err)
	}
	found := make(map[string]int64, n)
	want := int64(1)
	for after := int64(0); ; {
		es, err := db.Entries(ctx, after, 2000)
		if err != nil {
			t.Fatalf("%s: entries: %v", at, err)
		}
		if len(es) == 0 {
			break
		}
		for _, e := range es {
			if e.Seq != want {
				t.Fatalf("%s: seq %d where %d was due", at, e.Seq, want)
			}
			want++
			found[e.ID] = e.Seq
		}
		after = es[len(es)-1].Seq
	}
	if want-1 != n {
		t.Fatalf("%s: verified %d entries but listed %d", at, n, want-1)
	}
	for id, seq := range w.sales {
		if got, ok := found[id]; !ok || got != seq {
			t.Fatalf("%s: sale %s reported committed as seq %d, journal has seq %d (present %v)", at, id, seq, got, ok)
		}
	}
	// Nothing is acked here, so the outbox holds exactly one row per entry:
	// the same seqs as the journal.
	pending, err := db.Pending(ctx, int(n)+1)
	if err != nil {
		t.Fatalf("%s: pending: %v", at, err)
	}
	depth, _, err := db.OutboxStats(ctx)
	if err != nil || int64(depth) != n || int64(len(pending)) != n {
		t.Fatalf("%s: outbox has %d rows (%d with an entry), %v; journal %d", at, depth, len(pending), err, n)
	}
	for i, e := range pending {
		if e.Seq != int64(i)+1 || found[e.ID] != e.Seq {
			t.Fatalf("%s: outbox row %d is seq %d id %s, not the journal's", at, i, e.Seq, e.ID)
		}
	}
	for id, state := range w.jobs {
		j, err := db.PrintJob(ctx, id)
		if err != nil {
			t.Fatalf("%s: print job %s reported %s: %v", at, id, state, err)
		}
		if state == string(register.JobDone) && j.State != register.JobDone {
			t.Fatalf("%s: print job %s reported done, is %s", at, id, j.State)
		}
	}
	ps, err := db.ParkedSales(ctx)
	if err != nil {
		t.Fatalf("%s: parked sales: %v", at, err)
	}
	there := map[string]bool{}
	for _, p := range ps {
		there[p.ID] = true
	}
	for id, state := range w.parked {
		if state != maybeParked && there[id] != (state == isParked) {
			t.Fatalf("%s: sale %s reported parked=%v, is parked=%v", at, id, state == isParked, there[id])
		}
	}
}
