package register

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/tillpos/till/app/pos"
)

// JobKind is what a print job prints.
type JobKind string

// Job kinds.
const (
	JobReceipt JobKind = "receipt"
	JobReport  JobKind = "report"
)

// JobState is where a print job is in its life.
type JobState string

// Job states. A job goes queued -> printing -> done; a failure sends it to
// failed-waiting until the printer is back.
const (
	JobQueued   JobState = "queued"
	JobPrinting JobState = "printing"
	JobDone     JobState = "done"
	JobWaiting  JobState = "failed-waiting"
)

// PrintJob is one document to print, persisted so that it survives a
// printer fault and a restart.
type PrintJob struct {
	ID        string // job id (UUIDv7): a reprint is a new job
	Kind      JobKind
	Doc       pos.Doc
	State     JobState
	Attempts  int    // prints started
	LastError string // why the last attempt failed, for the log and the UI
	// Resumed: an attempt may have put part of the job on paper (paper ran
	// out mid-job, unplugged, restart while printing), so the next print is
	// marked COPY and says it is resumed.
	Resumed bool
	Created time.Time
	Updated time.Time
}

// PrintQueue persists print jobs (store.DB implements it). Update must be
// durable when it returns: the done mark is what keeps a job from printing
// twice.
type PrintQueue interface {
	AddPrintJob(ctx context.Context, j PrintJob) error
	UpdatePrintJob(ctx context.Context, j PrintJob) error
	// UnfinishedPrintJobs returns the jobs not done, oldest first.
	UnfinishedPrintJobs(ctx context.Context) ([]PrintJob, error)
}

// ErrNothingPrinted, wrapped in a Printer's error, says the job was refused
// before any of it was sent (the status check before the job found a
// fault): it prints later as the original, not as a resumed copy.
var ErrNothingPrinted = errors.New("print job not sent")

// ResumedNote is printed under the COPY banner of a resumed job (in
// English; a job's document in another language gets that language's note).
const ResumedNote = "RESUMED after a printer fault"

// DefaultRetryInterval is how often waiting jobs are tried again when
// nobody calls Retry (a device manager calls it when the printer is back).
const DefaultRetryInterval = 5 * time.Second

// Spooler prints documents one at a time off the sale path. Every job is
// persisted in its PrintQueue before it prints and marked done, durably,
// before the next one starts; a job that fails waits and is retried (by
// Retry, or every RetryInterval), and Run resumes unfinished jobs after a
// restart. The sale that produced a job is already committed, so nothing is
// lost when the printer is down.
type Spooler struct {
	printer Printer
	log     *slog.Logger
	wake    chan struct{}

	// RetryInterval: how often waiting jobs are retried without a Retry
	// call; zero means DefaultRetryInterval. Set before Run.
	RetryInterval time.Duration
	// Now is the clock for job times; nil means time.Now. Set before Run.
	Now func() time.Time

	mu       sync.Mutex
	queue    PrintQueue
	jobs     []PrintJob // unfinished, oldest first
	unmarked *PrintJob  // printed, but its done mark is not yet durable
	loaded   bool
	fromLoad map[string]bool // ids of the jobs Load found (few: the unfinished ones)
	lastErr  error
	printed  int
	onChange []func(SpoolStatus)
	metrics  Metrics // nil: none (set by New)
}

// SpoolStatus is what the status strip shows about printing.
type SpoolStatus struct {
	Pending int
	Printed int
	Err     error // last failure, nil when the last job printed
	// Reason is the cashier's sentence for why jobs wait ("Printer: out of
	// paper"), "" when nothing waits on a fault.
	Reason string
}

// NewSpooler makes a spooler keeping its jobs in memory; a nil printer
// drops nothing but prints nothing. WithQueue persists the jobs.
func NewSpooler(p Printer, log *slog.Logger) *Spooler {
	if log == nil {
		log = slog.Default()
	}
	return &Spooler{printer: p, log: log, wake: make(chan struct{}, 1), queue: NewMemPrintQueue()}
}

// WithQueue makes the spooler persist its jobs in q (nil keeps them in
// memory). Call it before Run and before the first Enqueue.
func (s *Spooler) WithQueue(q PrintQueue) *Spooler {
	if q != nil {
		s.mu.Lock()
		s.queue = q
		s.mu.Unlock()
	}
	return s
}

// OnChange adds a callback for status changes (called off the UI
// goroutine; it must not block).
func (s *Spooler) OnChange(f func(SpoolStatus)) {
	s.mu.Lock()
	s.onChange = append(s.onChange, f)
	s.mu.Unlock()
}

func (s *Spooler) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Enqueue adds a receipt and wakes the worker.
func (s *Spooler) Enqueue(d pos.Doc) { s.EnqueueKind(JobReceipt, d) }

// EnqueueKind persists a job for d and wakes the worker. It never waits for
// the printer; when the job cannot be persisted it is kept in memory (and
// logged) rather than lost.
func (s *Spooler) EnqueueKind(kind JobKind, d pos.Doc) {
	j := s.newJob(kind, d)
	s.mu.Lock()
	q := s.queue
	s.mu.Unlock()
	if err := q.AddPrintJob(context.Background(), j); err != nil {
		s.log.Error("persist print job; keeping it in memory", "job", j.ID, "doc", d.ID, "err", err)
	}
	s.Adopt(j)
}

func (s *Spooler) newJob(kind JobKind, d pos.Doc) PrintJob {
	now := s.now()
	return PrintJob{ID: newID(), Kind: kind, Doc: d, State: JobQueued, Created: now, Updated: now}
}

// Adopt queues a job already stored (by Journal.AppendPrinted, in the
// sale's own transaction) and wakes the worker. A job Load also finds is
// queued once. When the queue does not hold it (a journal without a
// print queue), its first mark stores it (saveJob).
func (s *Spooler) Adopt(j PrintJob) {
	s.mu.Lock()
	if s.fromLoad[j.ID] {
		// Load read it from the store between its commit and this call:
		// it is queued (or printed) already.
		s.mu.Unlock()
		return
	}
	s.jobs = append(s.jobs, j)
	s.mu.Unlock()
	s.notify()
	s.Retry()
}

// Retry wakes the worker to try the queue again (e.g. the printer is back).
func (s *Spooler) Retry() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Status returns the current spool status.
func (s *Spooler) Status() SpoolStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.statusLocked()
}

// Jobs returns the unfinished jobs, oldest first.
func (s *Spooler) Jobs() []PrintJob {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]PrintJob(nil), s.jobs...)
}

func (s *Spooler) statusLocked() SpoolStatus {
	st := SpoolStatus{Pending: len(s.jobs), Printed: s.printed, Err: s.lastErr}
	if s.lastErr != nil && len(s.jobs) > 0 {
		st.Reason = PrinterReason(s.lastErr)
	}
	return st
}

// PrinterReason is the cashier's sentence for a print failure: the message
// of a *pos.Error in the chain ("Printer: out of paper"), else a generic one.
func PrinterReason(err error) string {
	var pe *pos.Error
	if errors.As(err, &pe) && pe.Message != "" {
		return pe.Message
	}
	return "Printer not answering"
}

func (s *Spooler) notify() {
	s.mu.Lock()
	fs := append([](func(SpoolStatus)){}, s.onChange...)
	st := s.statusLocked()
	s.mu.Unlock()
	for _, f := range fs {
		f(st)
	}
}

// Run resumes the jobs a previous run left unfinished, then prints until
// ctx ends.
func (s *Spooler) Run(ctx context.Context) error {
	if err := s.Load(ctx); err != nil {
		s.log.Error("load unfinished print jobs", "err", err)
	}
	every := s.RetryInterval
	if every <= 0 {
		every = DefaultRetryInterval
	}
	t := time.NewTicker(every)
	defer t.Stop()
	s.Retry()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
		case <-t.C:
			if s.Status().Pending == 0 {
				continue
			}
		}
		s.drain(ctx)
	}
}

// Load reads the unfinished jobs of an earlier run into the queue, ahead
// of jobs enqueued since. A job found "printing" was cut short by a restart
// and may be partly on paper: it resumes as a copy. Run calls Load.
func (s *Spooler) Load(ctx context.Context) error {
	s.mu.Lock()
	if s.loaded {
		s.mu.Unlock()
		return nil
	}
	q := s.queue
	s.mu.Unlock()
	old, err := q.UnfinishedPrintJobs(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.loaded = true
	have := make(map[string]bool, len(s.jobs))
	for _, j := range s.jobs {
		have[j.ID] = true
	}
	var merged []PrintJob
	s.fromLoad = make(map[string]bool, len(old))
	for _, j := range old {
		s.fromLoad[j.ID] = true
		if have[j.ID] {
			continue
		}
		if j.State == JobPrinting {
			j.Resumed = true
		}
		merged = append(merged, j)
	}
	s.jobs = append(merged, s.jobs...)
	sort.SliceStable(s.jobs, func(a, b int) bool { return s.jobs[a].Created.Before(s.jobs[b].Created) })
	n := len(merged)
	s.mu.Unlock()
	if n > 0 {
		s.log.Info("resuming unfinished print jobs", "jobs", n)
		s.notify()
	}
	return nil
}

// PrintDoc is what a job puts on paper: a resumed job is marked COPY and says so.
func (j PrintJob) PrintDoc() pos.Doc {
	d := j.Doc
	if j.Resumed {
		d.Copy = true
		note := pos.Block{Kind: pos.BlockText, Text: wordsFor(d.Lang).Resumed, Align: pos.AlignCenter, Bold: true}
		d.Blocks = append([]pos.Block{note}, d.Blocks...)
	}
	return d
}

// drain prints queued jobs in order and stops at the first failure.
func (s *Spooler) drain(ctx context.Context) {
	if s.printer == nil {
		return
	}
	for ctx.Err() == nil {
		if !s.markUnmarked(ctx) {
			return
		}
		s.mu.Lock()
		if len(s.jobs) == 0 {
			s.mu.Unlock()
			return
		}
		j := s.jobs[0]
		q := s.queue
		s.mu.Unlock()

		j.State, j.Attempts, j.Updated = JobPrinting, j.Attempts+1, s.now()
		if err := saveMark(ctx, q, j); err != nil {
			// Without the printing mark a restart would not know the job
			// may be on paper; wait rather than print unrecorded.
			s.fail(j, fmt.Errorf("record print start: %w", err), false)
			return
		}
		err := s.printer.Print(ctx, j.PrintDoc())
		if err != nil {
			if s.metrics != nil {
				s.metrics.PrintFailed()
			}
			s.fail(j, err, !errors.Is(err, ErrNothingPrinted))
			return
		}
		j.State, j.LastError, j.Updated = JobDone, "", s.now()
		s.mu.Lock()
		s.jobs = s.jobs[1:]
		s.unmarked = &j
		s.printed++
		s.lastErr = nil
		s.mu.Unlock()
		if !s.markUnmarked(ctx) {
			return
		}
		s.notify()
	}
}

// markUnmarked makes the done mark of the last printed job durable. It
// reports false while that fails: no next job starts before it succeeds,
// so a restart cannot print the job again.
func (s *Spooler) markUnmarked(ctx context.Context) bool {
	s.mu.Lock()
	j := s.unmarked
	q := s.queue
	s.mu.Unlock()
	if j == nil {
		return true
	}
	if err := saveMark(ctx, q, *j); err != nil {
		s.log.Error("record print job done; holding the queue", "job", j.ID, "err", err)
		s.mu.Lock()
		s.lastErr = fmt.Errorf("record print job done: %w", err)
		s.mu.Unlock()
		s.notify()
		return false
	}
	s.mu.Lock()
	s.unmarked = nil
	s.mu.Unlock()
	return true
}

// fail records a failed attempt; interrupted says part of the job may be
// on paper, so it resumes as a copy.
func (s *Spooler) fail(j PrintJob, err error, interrupted bool) {
	j.State, j.LastError, j.Updated = JobWaiting, err.Error(), s.now()
	if interrupted {
		j.Resumed = true
	}
	s.mu.Lock()
	if len(s.jobs) > 0 && s.jobs[0].ID == j.ID {
		s.jobs[0] = j
	}
	s.lastErr = err
	q := s.queue
	s.mu.Unlock()
	// Best effort: if this write fails the job stays "printing" on disk,
	// which a restart also resumes as a copy.
	if uerr := saveJob(context.Background(), q, j); uerr != nil {
		s.log.Error("record print failure", "job", j.ID, "err", uerr)
	}
	s.log.Warn("print failed; job waits for the printer", "job", j.ID, "doc", j.Doc.ID,
		"attempt", j.Attempts, "resumed", j.Resumed, "err", err)
	s.notify()
}

// markTimeout bounds writing a job's printing or done mark.
const markTimeout = 5 * time.Second

// saveMark writes a printing or done mark even when ctx has just ended: a
// job on paper at shutdown must be marked done, or the next start prints it
// again as a resumed copy.
func saveMark(ctx context.Context, q PrintQueue, j PrintJob) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	return saveJob(ctx, q, j)
}

// saveJob updates a stored job, or adds it when it is not stored: a job
// whose AddPrintJob failed (database busy, disk full) is kept in memory, and
// its first update must persist it instead of failing forever.
func saveJob(ctx context.Context, q PrintQueue, j PrintJob) error {
	err := q.UpdatePrintJob(ctx, j)
	if pos.ErrorCode(err) == pos.ENotFound {
		return q.AddPrintJob(ctx, j)
	}
	return err
}

// MemPrintQueue keeps print jobs in memory: for tests and for a register
// without a database. Jobs do not survive a restart.
type MemPrintQueue struct {
	mu   sync.Mutex
	jobs map[string]PrintJob
	seq  map[string]int
	n    int
}

// NewMemPrintQueue returns an empty in-memory queue.
func NewMemPrintQueue() *MemPrintQueue {
	return &MemPrintQueue{jobs: map[string]PrintJob{}, seq: map[string]int{}}
}

// AddPrintJob stores a new job.
func (q *MemPrintQueue) AddPrintJob(_ context.Context, j PrintJob) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.jobs[j.ID]; ok {
		return pos.Errorf(pos.EConflict, "print job %s exists", j.ID)
	}
	q.n++
	q.jobs[j.ID], q.seq[j.ID] = j, q.n
	return nil
}

// UpdatePrintJob replaces a stored job.
func (q *MemPrintQueue) UpdatePrintJob(_ context.Context, j PrintJob) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.jobs[j.ID]; !ok {
		return pos.Errorf(pos.ENotFound, "no print job %s", j.ID)
	}
	q.jobs[j.ID] = j
	return nil
}

// UnfinishedPrintJobs returns the jobs not done, in the order added.
func (q *MemPrintQueue) UnfinishedPrintJobs(context.Context) ([]PrintJob, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []PrintJob
	for _, j := range q.jobs {
		if j.State != JobDone {
			out = append(out, j)
		}
	}
	sort.Slice(out, func(a, b int) bool { return q.seq[out[a].ID] < q.seq[out[b].ID] })
	return out, nil
}

// Job returns a stored job.
func (q *MemPrintQueue) Job(id string) (PrintJob, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	j, ok := q.jobs[id]
	return j, ok
}
