package hqstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/store/powercut"
	"github.com/tillpos/till/store/testseed"
)

// hqPowerCutDirEnv makes TestSQLitePowerCutChild ingest into the head-office
// database in that directory (the power-cut mount).
const hqPowerCutDirEnv = "TILL_HQ_POWERCUT_DIR"

// powerCutRegisters push to the head office in the power-cut test.
var powerCutRegisters = []string{"R1", "R2", "R3"}

// TestSQLitePowerCutChild is the head office TestSQLitePowerCut kills before
// each cut. It ingests batches of the registers' chains (resending some
// entries, as a register whose ack was lost does) and prints "ACK register
// seq" once IngestBatch has returned: what the head office acknowledged and
// a register would delete from its outbox.
func TestSQLitePowerCutChild(t *testing.T) {
	dir := os.Getenv(hqPowerCutDirEnv)
	if dir == "" {
		t.Skip("the child of TestSQLitePowerCut")
	}
	fail := func(format string, args ...any) {
		fmt.Fprintf(os.Stdout, "ERR "+format+"\n", args...)
		os.Exit(3)
	}
	ctx := context.Background()
	s, err := hqstore.OpenSQLite(ctx, filepath.Join(dir, "hq.db"))
	if err != nil {
		fail("open: %v", err)
	}
	chains := map[string]*hqstoretest.Chain{}
	for _, reg := range powerCutRegisters {
		st, err := s.SyncState(ctx, reg)
		if err != nil {
			fail("sync state: %v", err)
		}
		// Chains are deterministic: rebuild each up to what is stored.
		c := hqstoretest.NewChain(reg)
		c.Sales(int(st.LastSeq))
		chains[reg] = c
	}
	os.Stdout.WriteString("READY\n")
	seed, _ := strconv.ParseUint(os.Getenv(testseed.Env), 10, 64)
	rng := testseed.Rand(seed, uint64(os.Getpid()))
	for {
		reg := powerCutRegisters[rng.IntN(len(powerCutRegisters))]
		c := chains[reg]
		entries := c.Sales(1 + rng.IntN(20))
		if last, _ := c.Last(); rng.IntN(4) == 0 && last > int64(len(entries)) {
			// Resend the batch's first entry again: a duplicate is fine.
			entries = append(entries[:1:1], entries...)
		}
		batch, acked, err := s.IngestBatch(ctx, reg, entries)
		if err != nil {
			fail("ingest: %v", err)
		}
		for _, o := range batch {
			if o.Status == hqstore.Rejected {
				fail("entry %s rejected: %s", o.ID, o.Reason)
			}
		}
		if last, _ := c.Last(); acked != last {
			fail("acked through %d, sent through %d", acked, last)
		}
		os.Stdout.WriteString("ACK " + reg + " " + strconv.FormatInt(acked, 10) + "\n")
	}
}

// TestSQLitePowerCut runs the head office's SQLite store on the power-cut
// file system while it ingests, cuts the power over and over (every mode in
// turn) and checks after each cut that everything it acknowledged is there,
// each register's sales are gapless and intact, and the file is sound.
func TestSQLitePowerCut(t *testing.T) {
	if os.Getenv(hqPowerCutDirEnv) != "" {
		t.Skip("in the child")
	}
	if why := powercut.Available(); why != "" {
		t.Skip("power cuts need FUSE as root: " + why)
	}
	cuts := 60 // make test: 60 here and 60 on the head office
	if testing.Short() {
		cuts = 15
	}
	if s := os.Getenv("TILL_POWERCUT_CUTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("TILL_POWERCUT_CUTS=%q: want a positive number of cuts", s)
		}
		cuts = n
	}
	seed := testseed.For(t)
	rng := testseed.Rand(seed, 0)
	backing, mnt := t.TempDir(), t.TempDir()
	pc, err := powercut.New(backing)
	if err != nil {
		t.Fatal(err)
	}
	if err := pc.Mount(mnt); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Unmount() })
	acked := map[string]int64{}
	start := time.Now()
	byMode := map[powercut.Mode]int{}
	var lost, torn, names int
	for k := range cuts {
		mode := powercut.Modes[k%len(powercut.Modes)]
		waitReady := rng.IntN(10) != 0
		delay := time.Duration(1+rng.IntN(80)) * time.Millisecond
		lines, err := powercut.KillChild("TestSQLitePowerCutChild", hqPowerCutDirEnv+"="+mnt, waitReady, delay)
		if err != nil {
			t.Fatalf("cut %d: %v", k, err)
		}
		for _, line := range lines {
			f := strings.Fields(line)
			n, err := strconv.ParseInt(f[len(f)-1], 10, 64)
			if len(f) != 3 || f[0] != "ACK" || err != nil {
				t.Fatalf("cut %d: bad line %q", k, line)
			}
			acked[f[1]] = max(acked[f[1]], n)
		}
		if err := pc.Unmount(); err != nil {
			t.Fatalf("cut %d: %v", k, err)
		}
		rep, err := pc.Cut(mode, testseed.Rand(seed, uint64(k)+1))
		if err != nil {
			t.Fatalf("cut %d: %v", k, err)
		}
		byMode[mode]++
		lost += rep.LostWrites
		torn += rep.TornWrites
		names += rep.LostNames
		// Check a copy of the disk (see CopyDisk); the next child recovers
		// the original through the mount.
		disk := t.TempDir()
		if err := pc.CopyDisk(disk); err != nil {
			t.Fatalf("cut %d: %v", k, err)
		}
		checkHQAfterCut(t, filepath.Join(disk, "hq.db"), acked, k, mode)
		if err := os.RemoveAll(disk); err != nil {
			t.Fatal(err)
		}
		if err := pc.Mount(mnt); err != nil {
			t.Fatalf("cut %d: %v", k, err)
		}
	}
	var total int64
	for _, n := range acked {
		total += n
	}
	st := pc.Stats()
	t.Logf("%d power cuts %v in %v: %d acknowledged entries checked; the file system saw %d writes, %d fsyncs; cuts lost %d unsynced writes, tore %d, undid %d names",
		cuts, byMode, time.Since(start).Round(time.Millisecond), total, st.Writes, st.Syncs, lost, torn, names)
}

// checkHQAfterCut opens the store as the restarted head office would and
// checks every register's stored chain against what was acknowledged.
func checkHQAfterCut(t *testing.T, path string, acked map[string]int64, k int, mode powercut.Mode) {
	t.Helper()
	ctx := context.Background()
	at := fmt.Sprintf("cut %d (%v)", k, mode)
	s, err := hqstore.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatalf("%s: reopen: %v", at, err)
	}
	defer s.Close()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("%s: ping: %v", at, err)
	}
	// A connection of the test's own, after OpenSQLite has recovered the WAL.
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	var ok string
	err = raw.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&ok)
	raw.Close()
	if err != nil || ok != "ok" {
		t.Fatalf("%s: quick_check: %q, %v", at, ok, err)
	}
	for _, reg := range powerCutRegisters {
		st, err := s.SyncState(ctx, reg)
		if err != nil {
			t.Fatalf("%s: sync state %s: %v", at, reg, err)
		}
		if st.LastSeq < acked[reg] {
			t.Fatalf("%s: %s acknowledged through %d, stored through %d", at, reg, acked[reg], st.LastSeq)
		}
		c := hqstoretest.NewChain(reg)
		c.Sales(int(st.LastSeq))
		if _, h := c.Last(); h != st.LastHash {
			t.Fatalf("%s: %s last hash %s, the chain's is %s", at, reg, st.LastHash, h)
		}
		n, err := s.SalesCount(ctx, reg)
		if err != nil || n != st.LastSeq {
			t.Fatalf("%s: %s has %d sales, %v; stored through %d", at, reg, n, err, st.LastSeq)
		}
		sales, err := s.Sales(ctx, hqstore.SalesFilter{RegisterID: reg, Limit: int(st.LastSeq) + 1})
		if err != nil {
			t.Fatalf("%s: sales of %s: %v", at, reg, err)
		}
		for i, sale := range sales {
			if sale.Seq != int64(i)+1 || sale.TotalGross != 100*sale.Seq {
				t.Fatalf("%s: %s sale %d is seq %d gross %d", at, reg, i, sale.Seq, sale.TotalGross)
			}
		}
	}
	// The store's own next ingest must work on the recovered file.
	c := hqstoretest.NewChain(fmt.Sprintf("R-probe-%d", k))
	if _, _, err := s.IngestBatch(ctx, c.RegisterID, c.Sales(1)); err != nil {
		t.Fatalf("%s: ingest after recovery: %v", at, err)
	}
}
