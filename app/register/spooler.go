package register

import (
	"context"
	"log/slog"
	"sync"

	"github.com/tillpos/till/app/pos"
)

// Spooler prints documents one at a time off the sale path. A document that
// fails stays queued and is retried by Retry; the sale that produced it is
// already committed, so nothing is lost when the printer is down.
type Spooler struct {
	printer Printer
	log     *slog.Logger
	wake    chan struct{}

	mu       sync.Mutex
	queue    []pos.Doc
	lastErr  error
	printed  int
	onChange func(SpoolStatus)
}

// SpoolStatus is what the status strip shows about printing.
type SpoolStatus struct {
	Pending int
	Printed int
	Err     error // last failure, nil when the last job printed
}

// NewSpooler makes a spooler; a nil printer drops nothing but prints nothing.
func NewSpooler(p Printer, log *slog.Logger) *Spooler {
	return &Spooler{printer: p, log: log, wake: make(chan struct{}, 1)}
}

// OnChange registers a callback for status changes (called off the UI goroutine).
func (s *Spooler) OnChange(f func(SpoolStatus)) {
	s.mu.Lock()
	s.onChange = f
	s.mu.Unlock()
}

// Enqueue adds a document and wakes the worker.
func (s *Spooler) Enqueue(d pos.Doc) {
	s.mu.Lock()
	s.queue = append(s.queue, d)
	s.mu.Unlock()
	s.notify()
	s.Retry()
}

// Retry wakes the worker to try the queue again.
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
	return SpoolStatus{Pending: len(s.queue), Printed: s.printed, Err: s.lastErr}
}

func (s *Spooler) notify() {
	s.mu.Lock()
	f := s.onChange
	st := SpoolStatus{Pending: len(s.queue), Printed: s.printed, Err: s.lastErr}
	s.mu.Unlock()
	if f != nil {
		f(st)
	}
}

// Run prints until ctx ends.
func (s *Spooler) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
		}
		s.drain(ctx)
	}
}

// drain prints queued documents in order and stops at the first failure.
func (s *Spooler) drain(ctx context.Context) {
	if s.printer == nil {
		return
	}
	for ctx.Err() == nil {
		s.mu.Lock()
		if len(s.queue) == 0 {
			s.mu.Unlock()
			return
		}
		d := s.queue[0]
		s.mu.Unlock()
		err := s.printer.Print(ctx, d)
		s.mu.Lock()
		s.lastErr = err
		if err == nil {
			s.queue = s.queue[1:]
			s.printed++
		}
		s.mu.Unlock()
		s.notify()
		if err != nil {
			s.log.Warn("print failed; job stays queued", "job", d.ID, "err", err)
			return
		}
	}
}
