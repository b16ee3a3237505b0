// Package registertest is the conformance suite of the register's ports: an
// adapter (store.DB) and the in-memory fakes of the register's tests pass
// the same checks, so a fake cannot drift from what the store does.
package registertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// RunJournalSuite checks a register.Journal made fresh (empty) by
// newJournal for each subtest.
func RunJournalSuite(t *testing.T, newJournal func(t *testing.T) register.Journal) {
	ctx := context.Background()
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	payload := func(v any) register.BuildPayload {
		return func(int64) ([]byte, error) { return json.Marshal(v) }
	}
	add := func(t *testing.T, j register.Journal, kind pos.EntryKind, id string, v any) pos.Entry {
		t.Helper()
		e, err := j.Append(ctx, kind, id, at, payload(v))
		if err != nil {
			t.Fatalf("append %s %s: %v", kind, id, err)
		}
		return e
	}

	t.Run("AppendChainsAndNumbers", func(t *testing.T) {
		j := newJournal(t)
		var seqs []int64
		for i, kind := range []pos.EntryKind{pos.EntrySale, pos.EntryCashMove, pos.EntryReturn} {
			e, err := j.Append(ctx, kind, fmt.Sprintf("id-%d", i), at, func(seq int64) ([]byte, error) {
				seqs = append(seqs, seq)
				return json.Marshal(map[string]int64{"seq": seq})
			})
			if err != nil {
				t.Fatal(err)
			}
			if e.Seq != int64(i+1) || e.Kind != kind || e.ID != fmt.Sprintf("id-%d", i) || !e.CreatedAt.Equal(at) {
				t.Fatalf("entry %d: %+v", i, e)
			}
			got, err := j.EntryByID(ctx, e.ID)
			if err != nil || got.Seq != e.Seq || got.Hash != e.Hash || string(got.Payload) != string(e.Payload) {
				t.Fatalf("EntryByID %s: %+v %v, appended %+v", e.ID, got, err, e)
			}
		}
		if fmt.Sprint(seqs) != "[1 2 3]" {
			t.Fatalf("build saw seqs %v", seqs)
		}
		all, err := j.Entries(ctx, 0, 10)
		if err != nil || len(all) != 3 {
			t.Fatalf("entries %d %v", len(all), err)
		}
		v := pos.NewChainVerifier(0, "")
		for _, e := range all {
			if err := v.Next(e); err != nil {
				t.Fatalf("chain: %v", err)
			}
		}
	})

	t.Run("AppendPrintedIsOneTransaction", func(t *testing.T) {
		j := newJournal(t)
		refused := errors.New("no job")
		if _, err := j.AppendPrinted(ctx, pos.EntrySale, "nojob", at, payload(map[string]string{}),
			func(pos.Entry) (register.PrintJob, error) { return register.PrintJob{}, refused }); !errors.Is(err, refused) {
			t.Fatalf("append with a failing job: %v", err)
		}
		if _, err := j.EntryByID(ctx, "nojob"); pos.ErrorCode(err) != pos.ENotFound {
			t.Fatalf("entry of a refused job found: %v", err)
		}
		var seen pos.Entry
		job := register.PrintJob{ID: "job-1", Kind: register.JobReceipt, State: register.JobQueued, Created: at, Updated: at,
			Doc: pos.Doc{ID: "doc-1"}}
		e, err := j.AppendPrinted(ctx, pos.EntrySale, "sale", at, payload(map[string]string{"a": "b"}),
			func(e pos.Entry) (register.PrintJob, error) { seen = e; return job, nil })
		if err != nil || e.Seq != 1 {
			t.Fatalf("append printed: %+v %v", e, err)
		}
		if seen.Seq != 1 || string(seen.Payload) != string(e.Payload) {
			t.Fatalf("job built from %+v, entry %+v", seen, e)
		}
		// A journal that is also the print queue (the store) holds the job.
		if q, ok := j.(register.PrintQueue); ok {
			jobs, err := q.UnfinishedPrintJobs(ctx)
			if err != nil || len(jobs) != 1 || jobs[0].ID != job.ID || jobs[0].Doc.ID != "doc-1" {
				t.Fatalf("print queue after AppendPrinted: %+v %v", jobs, err)
			}
		}
	})

	t.Run("ClockedInEqualsTheFoldOfClockEntries", func(t *testing.T) {
		j := newJournal(t)
		clock := func(n int, emp string, in bool) {
			rec := register.ClockRecord{EmployeeID: emp, Employee: emp, In: in, At: at.Add(time.Duration(n) * time.Minute)}
			add(t, j, pos.EntryClockInOut, fmt.Sprintf("clock-%d", n), rec)
		}
		check := func(step string) {
			t.Helper()
			got, err := j.ClockedIn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			es, err := j.EntriesOfKind(ctx, 0, pos.EntryClockInOut)
			if err != nil {
				t.Fatal(err)
			}
			want, err := register.FoldClockedIn(es)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%s: ClockedIn %v, fold of the clock entries %v", step, got, want)
			}
			for id, since := range want {
				if !got[id].Equal(since) {
					t.Fatalf("%s: ClockedIn %v, fold of the clock entries %v", step, got, want)
				}
			}
		}
		check("empty")
		clock(1, "ana", true)
		clock(2, "ben", true)
		add(t, j, pos.EntrySale, "sale-between", map[string]string{})
		check("two in")
		clock(3, "ana", false)
		check("ana out")
		clock(4, "ana", true)
		clock(5, "ben", false)
		clock(6, "ben", false) // out twice: still out
		check("ana back, ben out")
		if in, _ := j.ClockedIn(ctx); len(in) != 1 || !in["ana"].Equal(at.Add(4*time.Minute)) {
			t.Fatalf("after the day: %v", in)
		}
	})

	t.Run("ShiftTotalsEqualTheShiftRecomputed", func(t *testing.T) {
		// Property: after every entry of a random day (several shifts,
		// entries outside any shift), the kept totals are the report
		// ComputeShiftReport makes of the open shift's entries.
		j := newJournal(t)
		rng := rand.New(rand.NewPCG(11, 3))
		openSeq := int64(0)
		var shift register.ShiftOpenRecord
		for i := range 400 {
			kind, v := RandomShiftEntry(rng, i, at)
			e := add(t, j, kind, fmt.Sprintf("e-%d", i), v)
			switch kind {
			case pos.EntryShiftOpen:
				openSeq, shift = e.Seq, v.(register.ShiftOpenRecord)
			case pos.EntryZReport:
				openSeq = 0
			}
			got, ok, err := j.ShiftTotals(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if ok != (openSeq > 0) {
				t.Fatalf("entry %d: ShiftTotals ok=%v, shift open=%v", e.Seq, ok, openSeq > 0)
			}
			if !ok {
				continue
			}
			es, err := j.Entries(ctx, openSeq, 1_000_000)
			if err != nil {
				t.Fatal(err)
			}
			want, err := register.ComputeShiftReport(shift, openSeq, es)
			if err != nil {
				t.Fatal(err)
			}
			gb, _ := json.Marshal(got.Report())
			wb, _ := json.Marshal(want)
			if string(gb) != string(wb) {
				t.Fatalf("entry %d: kept totals\n%s\nrecomputed\n%s", e.Seq, gb, wb)
			}
		}
	})

	t.Run("FailedBuildAppendsNothing", func(t *testing.T) {
		j := newJournal(t)
		refused := errors.New("refused inside the transaction")
		if _, err := j.Append(ctx, pos.EntrySale, "bad", at, func(int64) ([]byte, error) { return nil, refused }); !errors.Is(err, refused) {
			t.Fatalf("append with a failing build: %v", err)
		}
		if _, err := j.EntryByID(ctx, "bad"); pos.ErrorCode(err) != pos.ENotFound {
			t.Fatalf("refused entry found: %v", err)
		}
		if e := add(t, j, pos.EntrySale, "good", map[string]string{}); e.Seq != 1 {
			t.Fatalf("the refused entry used a seq: next is %d", e.Seq)
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		j := newJournal(t)
		add(t, j, pos.EntrySale, "s1", map[string]string{})
		if _, err := j.EntryByID(ctx, "nope"); pos.ErrorCode(err) != pos.ENotFound {
			t.Fatalf("EntryByID: %v", err)
		}
		if _, err := j.EntryBySeq(ctx, 2); pos.ErrorCode(err) != pos.ENotFound {
			t.Fatalf("EntryBySeq: %v", err)
		}
		if e, err := j.EntryBySeq(ctx, 1); err != nil || e.ID != "s1" {
			t.Fatalf("EntryBySeq(1): %+v %v", e, err)
		}
	})

	t.Run("ReadBack", func(t *testing.T) {
		j := newJournal(t)
		if _, ok, err := j.LastOfKind(ctx, pos.EntryZReport); ok || err != nil {
			t.Fatalf("LastOfKind on an empty journal: %v %v", ok, err)
		}
		kinds := []pos.EntryKind{pos.EntryShiftOpen, pos.EntrySale, pos.EntryClockInOut, pos.EntrySale, pos.EntryZReport, pos.EntryClockInOut}
		for i, k := range kinds {
			add(t, j, k, fmt.Sprintf("e%d", i+1), map[string]int{"n": i})
		}
		sales, err := j.EntriesOfKind(ctx, 2, pos.EntrySale, pos.EntryZReport)
		if err != nil || len(sales) != 2 || sales[0].Seq != 4 || sales[1].Seq != 5 {
			t.Fatalf("EntriesOfKind after 2: %+v %v", sales, err)
		}
		last, ok, err := j.LastOfKind(ctx, pos.EntryShiftOpen, pos.EntrySale)
		if err != nil || !ok || last.Seq != 4 {
			t.Fatalf("LastOfKind: %+v %v %v", last, ok, err)
		}
		page, err := j.Entries(ctx, 1, 3)
		if err != nil || len(page) != 3 || page[0].Seq != 2 || page[2].Seq != 4 {
			t.Fatalf("Entries(1, 3): %+v %v", page, err)
		}
		if rest, err := j.Entries(ctx, 6, 10); err != nil || len(rest) != 0 {
			t.Fatalf("Entries after the end: %+v %v", rest, err)
		}
	})

	t.Run("EntriesReferringTo", func(t *testing.T) {
		j := newJournal(t)
		add(t, j, pos.EntrySale, "sale-1", pos.SaleRecord{SaleID: "sale-1"})
		add(t, j, pos.EntrySale, "sale-2", pos.SaleRecord{SaleID: "sale-2"})
		add(t, j, pos.EntryReturn, "ret-1", pos.SaleRecord{SaleID: "ret-1", RefersTo: "sale-1"})
		add(t, j, pos.EntryReturn, "ret-2", pos.SaleRecord{SaleID: "ret-2", RefersTo: "sale-2"})
		add(t, j, pos.EntryVoid, "void-1", pos.SaleRecord{SaleID: "void-1", RefersTo: "sale-1"})
		refs, err := j.EntriesReferringTo(ctx, "sale-1")
		if err != nil || len(refs) != 2 || refs[0].ID != "ret-1" || refs[1].ID != "void-1" {
			t.Fatalf("refs of sale-1: %+v %v", refs, err)
		}
		if refs, err := j.EntriesReferringTo(ctx, "nobody"); err != nil || len(refs) != 0 {
			t.Fatalf("refs of nobody: %+v %v", refs, err)
		}
	})

	// The register checks returns and voids inside build (returns.go): the
	// journal's reads must answer there, and see every committed entry.
	t.Run("BuildMayReadTheJournal", func(t *testing.T) {
		j := newJournal(t)
		add(t, j, pos.EntrySale, "sale-1", pos.SaleRecord{SaleID: "sale-1"})
		done := make(chan error, 1)
		go func() {
			_, err := j.Append(ctx, pos.EntryReturn, "ret-1", at, func(int64) ([]byte, error) {
				if _, err := j.EntryByID(ctx, "sale-1"); err != nil {
					return nil, err
				}
				if refs, err := j.EntriesReferringTo(ctx, "sale-1"); err != nil || len(refs) != 0 {
					return nil, fmt.Errorf("refs inside build: %v %v", refs, err)
				}
				return json.Marshal(pos.SaleRecord{SaleID: "ret-1", RefersTo: "sale-1"})
			})
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("a read inside build deadlocked")
		}
	})

	// Appends from several goroutines each get their own seq and one chain.
	t.Run("ConcurrentAppendsChain", func(t *testing.T) {
		j := newJournal(t)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				if _, err := j.Append(ctx, pos.EntrySale, fmt.Sprintf("c%d", i), at, payload(map[string]int{"i": i})); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		all, err := j.Entries(ctx, 0, 100)
		if err != nil || len(all) != 8 {
			t.Fatalf("entries %d %v", len(all), err)
		}
		v := pos.NewChainVerifier(0, "")
		for _, e := range all {
			if err := v.Next(e); err != nil {
				t.Fatalf("chain: %v", err)
			}
		}
	})
}
