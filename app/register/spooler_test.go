package register

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tillpos/till/app/pos"
)

// funcPrinter prints through a function; it records every doc it was given.
type funcPrinter struct {
	mu    sync.Mutex
	docs  []pos.Doc
	print func(n int, d pos.Doc) error // n: 1-based call number
}

func (p *funcPrinter) Print(_ context.Context, d pos.Doc) error {
	p.mu.Lock()
	p.docs = append(p.docs, d)
	n := len(p.docs)
	p.mu.Unlock()
	if p.print == nil {
		return nil
	}
	return p.print(n, d)
}

func (p *funcPrinter) Docs() []pos.Doc {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]pos.Doc(nil), p.docs...)
}

var errSpoolPaperOut = &pos.Error{Code: pos.EUnavailable, Message: "Printer: out of paper"}

func spoolLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func spoolDoc(id string) pos.Doc {
	d := pos.Doc{ID: id}
	d.Text("receipt "+id, pos.AlignLeft)
	return d
}

func startSpooler(t *testing.T, s *Spooler) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func spoolWait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func spoolResumed(d pos.Doc) bool {
	return len(d.Blocks) > 0 && d.Blocks[0].Text == ResumedNote
}

func TestSpoolerPersistsBeforePrintingAndMarksDone(t *testing.T) {
	t.Parallel()
	q := NewMemPrintQueue()
	var states []JobState
	p := &funcPrinter{}
	p.print = func(_ int, d pos.Doc) error {
		jobs, _ := q.UnfinishedPrintJobs(context.Background())
		for _, j := range jobs {
			if j.Doc.ID == d.ID {
				states = append(states, j.State)
			}
		}
		return nil
	}
	s := NewSpooler(p, spoolLog()).WithQueue(q)
	s.Enqueue(spoolDoc("s1"))
	jobs := s.Jobs()
	if len(jobs) != 1 || jobs[0].State != JobQueued || jobs[0].Kind != JobReceipt {
		t.Fatalf("jobs before Run = %+v", jobs)
	}
	if _, ok := q.Job(jobs[0].ID); !ok {
		t.Fatal("job not persisted at Enqueue")
	}
	startSpooler(t, s)
	spoolWait(t, "printed", func() bool { return s.Status().Printed == 1 })
	if !slices.Equal(states, []JobState{JobPrinting}) {
		t.Fatalf("state seen by the printer = %v, want [printing]", states)
	}
	j, _ := q.Job(jobs[0].ID)
	if j.State != JobDone || j.Attempts != 1 || j.Resumed {
		t.Fatalf("stored job after print = %+v", j)
	}
	if d := p.Docs()[0]; d.Copy || spoolResumed(d) {
		t.Fatalf("first print marked as copy: %+v", d)
	}
}

func TestSpoolerFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		err        error
		wantCopy   bool
		wantReason string
	}{
		{"paper out mid-job resumes as copy", fmt.Errorf("after job: %w", errSpoolPaperOut), true, "Printer: out of paper"},
		{"refused before sending prints as original", fmt.Errorf("%w: %w", ErrNothingPrinted, errSpoolPaperOut), false, "Printer: out of paper"},
		{"unplugged is not a pos error", errors.New("write /dev/ttyUSB0: input/output error"), true, "Printer not answering"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			broken := true
			p := &funcPrinter{print: func(int, pos.Doc) error {
				mu.Lock()
				defer mu.Unlock()
				if broken {
					return tt.err
				}
				return nil
			}}
			q := NewMemPrintQueue()
			s := NewSpooler(p, spoolLog()).WithQueue(q)
			s.RetryInterval = time.Hour // only Retry wakes it
			var reasons []string
			var rmu sync.Mutex
			s.OnChange(func(st SpoolStatus) { rmu.Lock(); reasons = append(reasons, st.Reason); rmu.Unlock() })
			startSpooler(t, s)
			s.Enqueue(spoolDoc("s1"))
			s.Enqueue(spoolDoc("s2"))
			spoolWait(t, "failed attempt", func() bool { return s.Status().Err != nil })
			st := s.Status()
			if st.Pending != 2 || st.Reason != tt.wantReason {
				t.Fatalf("status while broken = %+v", st)
			}
			j := s.Jobs()[0]
			if j.State != JobWaiting || j.Resumed != tt.wantCopy || j.LastError == "" {
				t.Fatalf("job while broken = %+v", j)
			}
			if stored, _ := q.Job(j.ID); stored.State != JobWaiting {
				t.Fatalf("stored state = %s", stored.State)
			}
			mu.Lock()
			broken = false
			mu.Unlock()
			s.Retry()
			spoolWait(t, "both printed", func() bool { return s.Status().Printed == 2 })
			docs := p.Docs()
			last2 := docs[len(docs)-2:]
			if last2[0].ID != "s1" || last2[0].Copy != tt.wantCopy || spoolResumed(last2[0]) != tt.wantCopy {
				t.Fatalf("resumed print = %+v", last2[0])
			}
			if last2[1].ID != "s2" || last2[1].Copy {
				t.Fatalf("next job = %+v (it never started, so no copy)", last2[1])
			}
			for _, d := range docs[:len(docs)-2] {
				if d.ID != "s1" {
					t.Fatalf("s2 attempted while s1 waited: %v", docs)
				}
			}
			if st := s.Status(); st.Reason != "" || st.Err != nil || st.Pending != 0 {
				t.Fatalf("status after recovery = %+v", st)
			}
		})
	}
}

func TestSpoolerResumesAfterRestart(t *testing.T) {
	t.Parallel()
	q := NewMemPrintQueue()
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	add := func(id string, st JobState, attempts int, at time.Time) {
		if err := q.AddPrintJob(context.Background(), PrintJob{ID: "job-" + id, Kind: JobReceipt, Doc: spoolDoc(id),
			State: st, Attempts: attempts, Created: at, Updated: at}); err != nil {
			t.Fatal(err)
		}
	}
	add("done", JobDone, 1, t0)
	add("cut", JobPrinting, 1, t0.Add(time.Second))   // power went while printing
	add("never", JobQueued, 0, t0.Add(2*time.Second)) // queued, never started
	p := &funcPrinter{}
	s := NewSpooler(p, spoolLog()).WithQueue(q)
	s.Enqueue(spoolDoc("new")) // a sale completed before Run loaded the old jobs
	startSpooler(t, s)
	spoolWait(t, "three printed", func() bool { return s.Status().Printed == 3 })
	var got []string
	for _, d := range p.Docs() {
		got = append(got, fmt.Sprintf("%s copy=%v resumed=%v", d.ID, d.Copy, spoolResumed(d)))
	}
	want := []string{"cut copy=true resumed=true", "never copy=false resumed=false", "new copy=false resumed=false"}
	if !slices.Equal(got, want) {
		t.Fatalf("printed %q, want %q", got, want)
	}
	if left, _ := q.UnfinishedPrintJobs(context.Background()); len(left) != 0 {
		t.Fatalf("unfinished after resume: %+v", left)
	}
}

// failingDoneQueue refuses the first done mark.
type failingDoneQueue struct {
	*MemPrintQueue
	mu       sync.Mutex
	failDone int
}

func (q *failingDoneQueue) UpdatePrintJob(ctx context.Context, j PrintJob) error {
	q.mu.Lock()
	fail := j.State == JobDone && q.failDone > 0
	if fail {
		q.failDone--
	}
	q.mu.Unlock()
	if fail {
		return errors.New("disk I/O error")
	}
	return q.MemPrintQueue.UpdatePrintJob(ctx, j)
}

func TestSpoolerDoneMarkIsDurableBeforeNextJob(t *testing.T) {
	t.Parallel()
	// In a synctest bubble: synctest.Wait returns once the spooler is idle,
	// so "no second print" is proven, not hoped for after a sleep.
	synctest.Test(t, func(t *testing.T) {
		q := &failingDoneQueue{MemPrintQueue: NewMemPrintQueue(), failDone: 1}
		p := &funcPrinter{}
		s := NewSpooler(p, spoolLog()).WithQueue(q)
		s.RetryInterval = time.Hour
		s.Enqueue(spoolDoc("s1"))
		s.Enqueue(spoolDoc("s2"))
		startSpooler(t, s)
		synctest.Wait()
		if len(p.Docs()) != 1 || s.Status().Err == nil {
			t.Fatalf("first print: %d docs, status %+v", len(p.Docs()), s.Status())
		}
		synctest.Wait() // the spooler is blocked on its retry: nothing more will print
		if n := len(p.Docs()); n != 1 {
			t.Fatalf("%d prints while the done mark was not durable", n)
		}
		s.Retry()
		synctest.Wait()
		if s.Status().Printed != 2 || len(p.Docs()) != 2 {
			t.Fatalf("second print: %+v, %d docs", s.Status(), len(p.Docs()))
		}
		docs := p.Docs()
		if docs[0].ID != "s1" || docs[1].ID != "s2" || docs[1].Copy {
			t.Fatalf("printed %+v: s1 must not print twice", docs)
		}
		if left, _ := q.UnfinishedPrintJobs(context.Background()); len(left) != 0 {
			t.Fatalf("unfinished: %+v", left)
		}
	})
}

func TestSpoolerReprintIsCopyNotResumed(t *testing.T) {
	t.Parallel()
	p := &funcPrinter{}
	s := NewSpooler(p, spoolLog())
	startSpooler(t, s)
	d := spoolDoc("s1")
	d.Copy = true // Register.Reprint asks for a copy
	s.Enqueue(d)
	spoolWait(t, "printed", func() bool { return s.Status().Printed == 1 })
	if got := p.Docs()[0]; !got.Copy || spoolResumed(got) {
		t.Fatalf("reprint = %+v", got)
	}
}
