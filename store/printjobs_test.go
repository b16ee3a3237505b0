package store

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

func TestPrintJobsStoreRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := MustOpenDB(t)
	at := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	doc := pos.Doc{ID: "sale-1"}
	doc.Title("Till Markt").Pair("Milk", "1.19", false).Barcode("S01R01-000001")
	jobs := []register.PrintJob{
		{ID: "j2", Kind: register.JobReceipt, Doc: doc, State: register.JobQueued, Created: at.Add(time.Second), Updated: at.Add(time.Second)},
		{ID: "j1", Kind: register.JobReport, Doc: pos.Doc{ID: "z-1"}, State: register.JobQueued, Created: at, Updated: at},
		{ID: "j3", Kind: register.JobReceipt, Doc: pos.Doc{ID: "sale-1", Copy: true}, State: register.JobQueued, Created: at.Add(2 * time.Second), Updated: at.Add(2 * time.Second)},
	}
	for _, j := range jobs {
		if err := db.AddPrintJob(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddPrintJob(ctx, jobs[0]); err == nil {
		t.Fatal("duplicate job id accepted")
	}
	j := jobs[0]
	j.State, j.Attempts, j.LastError, j.Resumed, j.Updated = register.JobWaiting, 1, "Printer: out of paper", true, at.Add(time.Minute)
	if err := db.UpdatePrintJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	got, err := db.PrintJob(ctx, "j2")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != register.JobWaiting || got.Attempts != 1 || !got.Resumed || got.LastError != "Printer: out of paper" ||
		!got.Updated.Equal(at.Add(time.Minute)) || !got.Created.Equal(at.Add(time.Second)) || got.Kind != register.JobReceipt {
		t.Fatalf("job = %+v", got)
	}
	if len(got.Doc.Blocks) != 3 || got.Doc.Blocks[2].Kind != pos.BlockBarcode || got.Doc.Blocks[2].Text != "S01R01-000001" {
		t.Fatalf("doc did not round-trip: %+v", got.Doc)
	}
	done := jobs[1]
	done.State = register.JobDone
	if err := db.UpdatePrintJob(ctx, done); err != nil {
		t.Fatal(err)
	}
	un, err := db.UnfinishedPrintJobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(un) != 2 || un[0].ID != "j2" || un[1].ID != "j3" {
		t.Fatalf("unfinished = %+v, want j2, j3 oldest first", un)
	}
	forDoc, err := db.PrintJobsForDoc(ctx, "sale-1")
	if err != nil || len(forDoc) != 2 || !forDoc[1].Doc.Copy {
		t.Fatalf("PrintJobsForDoc = %+v, %v", forDoc, err)
	}
	if err := db.UpdatePrintJob(ctx, register.PrintJob{ID: "nope", State: register.JobDone}); pos.ErrorCode(err) != pos.ENotFound {
		t.Fatalf("update unknown job: %v", err)
	}
	if _, err := db.PrintJob(ctx, "nope"); pos.ErrorCode(err) != pos.ENotFound {
		t.Fatalf("unknown job: %v", err)
	}
	bad := jobs[2]
	bad.State = "lost"
	if err := db.UpdatePrintJob(ctx, bad); err == nil {
		t.Fatal("a state outside the schema was accepted")
	}
	if n, err := db.PrunePrintJobs(ctx, at.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("prune = %d, %v", n, err)
	}
}

// flakyPrinter fails while broken is set, recording every doc it is given.
type flakyPrinter struct {
	mu     sync.Mutex
	broken error
	docs   []pos.Doc
}

func (p *flakyPrinter) Print(_ context.Context, d pos.Doc) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.docs = append(p.docs, d)
	return p.broken
}

func (p *flakyPrinter) Docs() []pos.Doc {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]pos.Doc(nil), p.docs...)
}

func waitCond(t *testing.T, what string, f func() bool) {
	t.Helper()
	// Polls for a condition; the bound only stops a hang (a loaded
	// machine may take seconds).
	for end := time.Now().Add(time.Minute); !f(); {
		if time.Now().After(end) {
			t.Fatalf("timed out: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestPrintJobsSurviveRestart: a receipt interrupted by paper out before a
// restart prints once after it, in full, marked COPY and resumed.
func TestPrintJobsSurviveRestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "till.db")
	ctx := context.Background()
	paperOut := &pos.Error{Code: pos.EUnavailable, Message: "Printer: out of paper"}

	db1, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	p1 := &flakyPrinter{broken: errors.Join(errors.New("after job"), paperOut)}
	s1 := register.NewSpooler(p1, nil).WithQueue(db1)
	run1, stop1 := context.WithCancel(ctx)
	done1 := make(chan struct{})
	go func() { s1.Run(run1); close(done1) }()
	d := pos.Doc{ID: "sale-7"}
	d.Text("Riesling 8.99", pos.AlignLeft)
	s1.Enqueue(d)
	waitCond(t, "failed attempt", func() bool { return s1.Status().Reason == "Printer: out of paper" })
	stop1()
	<-done1
	if err := db1.Close(); err != nil {
		t.Fatal(err)
	}

	db2 := mustOpenPath(t, path)
	p2 := &flakyPrinter{}
	s2 := register.NewSpooler(p2, nil).WithQueue(db2)
	run2, stop2 := context.WithCancel(ctx)
	defer stop2()
	done2 := make(chan struct{})
	go func() { s2.Run(run2); close(done2) }()
	// No second print: once the job is durably done nothing is left to
	// print, so stopping the spooler and waiting for Run to return ends
	// every chance of one; the count is read after that, not after a sleep.
	waitCond(t, "resumed print marked done", func() bool {
		jobs, err := db2.PrintJobsForDoc(ctx, "sale-7")
		return err == nil && len(jobs) == 1 && jobs[0].State == register.JobDone
	})
	stop2()
	<-done2
	docs := p2.Docs()
	if len(docs) != 1 || docs[0].ID != "sale-7" || !docs[0].Copy || docs[0].Blocks[0].Text != register.ResumedNote {
		t.Fatalf("after restart printed %+v, want one resumed copy of sale-7", docs)
	}
	jobs, err := db2.PrintJobsForDoc(ctx, "sale-7")
	if err != nil || len(jobs) != 1 || jobs[0].State != register.JobDone || jobs[0].Attempts != 2 || !jobs[0].Resumed {
		t.Fatalf("stored = %+v, %v", jobs, err)
	}
	if un, _ := db2.UnfinishedPrintJobs(ctx); len(un) != 0 {
		t.Fatalf("unfinished after resume: %+v", un)
	}
}

// shutdownPrinter puts the whole job on paper, but the register shuts down
// (the spooler's ctx ends) just as the printer finishes.
type shutdownPrinter struct {
	mu     sync.Mutex
	n      int
	cancel context.CancelFunc
}

func (p *shutdownPrinter) Print(context.Context, pos.Doc) error {
	p.mu.Lock()
	p.n++
	p.mu.Unlock()
	p.cancel() // window closed or SIGTERM while the last bytes went out
	return nil
}

// TestPrintedJobIsDoneAfterShutdown: a receipt that finished printing as the
// register shut down is marked done in the real store, so the next start
// does not print it again as a resumed copy.
func TestPrintedJobIsDoneAfterShutdown(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "till.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := &shutdownPrinter{cancel: cancel}
	s := register.NewSpooler(p, slog.New(slog.NewTextHandler(io.Discard, nil))).WithQueue(db)
	s.Enqueue(pos.Doc{ID: "sale-1"})
	done := make(chan struct{})
	go func() { _ = s.Run(ctx); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("spooler did not stop")
	}
	if p.n != 1 {
		t.Fatalf("printed %d times before the restart", p.n)
	}
	db.Close()

	db2, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	left, err := db2.UnfinishedPrintJobs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("the printed receipt is unfinished after the shutdown (state %s): the next start prints it again", left[0].State)
	}
}
