package register

import (
	"context"
	"errors"
	"testing"
	"time"
)

// addFailsOnce is a print queue whose first AddPrintJob fails, as with
// SQLITE_BUSY or a full disk.
type addFailsOnce struct {
	*MemPrintQueue
	failed bool
}

func (q *addFailsOnce) AddPrintJob(ctx context.Context, j PrintJob) error {
	if !q.failed {
		q.failed = true
		return errors.New("database is locked")
	}
	return q.MemPrintQueue.AddPrintJob(ctx, j)
}

// A job whose AddPrintJob failed is kept in memory; its first update must
// persist it, not fail with "no such job" and hold the queue forever.
func TestSpoolerPrintsAJobWhoseAddFailed(t *testing.T) {
	q := &addFailsOnce{MemPrintQueue: NewMemPrintQueue()}
	p := &funcPrinter{}
	s := NewSpooler(p, spoolLog()).WithQueue(q)
	s.RetryInterval = 10 * time.Millisecond
	startSpooler(t, s)
	s.Enqueue(spoolDoc("A"))
	s.Enqueue(spoolDoc("B"))
	deadline := time.Now().Add(2 * time.Second)
	for len(p.Docs()) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := len(p.Docs()); n != 2 {
		t.Fatalf("printed %d of 2 documents; status %+v", n, s.Status())
	}
	if st := s.Status(); st.Pending != 0 || st.Err != nil {
		t.Fatalf("status after printing: %+v", st)
	}
}
