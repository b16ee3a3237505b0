package syncclient

import (
	"errors"
	"fmt"
	"time"

	"github.com/tillpos/till/app/pos"
)

// State says whether the head office answered the last pass.
type State string

const (
	StateUnknown State = ""        // no pass yet
	StateOnline  State = "online"  // the head office answered (maybe with a rejection)
	StateOffline State = "offline" // unreachable, or answered with an error status
	// StateDiverged: the head office holds entries this register's journal
	// does not (a restored or copied database). Nothing is pushed until
	// support sorts it out: pushing would fork the chain.
	StateDiverged State = "diverged"
)

// Status is what the status strip shows about syncing.
type Status struct {
	State State
	// Backlog is how many entries were seen waiting after the last pass;
	// with BacklogMore it is a lower bound (the outbox was read a batch at a
	// time). 0 after a pass that emptied the outbox.
	Backlog     int
	BacklogMore bool
	LastError   string // a sentence for the cashier; "" after a good pass
	Err         error  // the cause, for the log
	LastAttempt time.Time
	LastSuccess time.Time   // end of the last pass that emptied the outbox
	Rejected    *Rejection  // first entry the head office refused in the last pass
	Diverged    *Divergence // set with StateDiverged

	// The catalog pull (catalog.go), kept across passes.
	CatalogCursor  int64     // how far the head office's changes are applied
	CatalogUpdated time.Time // end of the last good pull
	CatalogError   string    // a sentence for the manager; "" after a good pull

	// Stuck is set while a refused entry holds back the journal (stuck.go);
	// it outlives passes until one gets through.
	Stuck *Stuck
	// Progress of the current drain (progress.go): Drained of DrainTotal
	// entries sent since the pass began; DrainTotal 0 when not draining.
	DrainTotal, Drained int
	// OldestUnsynced is when the oldest entry not yet acknowledged was
	// journaled; zero when none waits (or the outbox cannot tell).
	OldestUnsynced time.Time
}

func (st *Status) setError(err error, online bool) {
	st.State = StateOffline
	if online {
		st.State = StateOnline
	}
	st.Err = err
	st.LastError = UserMessage(err)
	st.Rejected = nil
	st.Diverged = nil
}

// Rejection names an entry the head office refused and why.
type Rejection struct {
	Seq    int64
	ID     string
	Reason string
}

// RejectedError is returned by Sync when the head office refused an entry;
// entries after it wait until the cause is fixed.
type RejectedError struct{ Rejection }

func (e *RejectedError) Error() string {
	return fmt.Sprintf("head office rejected journal entry %d (%s): %s", e.Seq, e.ID, e.Reason)
}

// HTTPError is a non-2xx answer from the head office.
type HTTPError struct {
	StatusCode int
	Code       string        // syncproto error code, if the body had one
	Message    string        // the server's message, if any
	RetryAfter time.Duration // from Retry-After on 429 and 503; 0 when absent
}

func (e *HTTPError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "no details"
	}
	return fmt.Sprintf("head office answered %d %s: %s", e.StatusCode, e.Code, msg)
}

// UserMessage turns a Sync error into a short sentence for the cashier.
func UserMessage(err error) string {
	if e := UserError(err); e != nil {
		return e.Message
	}
	return ""
}

// UserError is UserMessage as a *pos.Error, so a screen can say it in its
// own language (its Key and Args); nil for nil.
func UserError(err error) *pos.Error {
	var rej *RejectedError
	var he *HTTPError
	var div *DivergedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &div):
		return pos.Errorf(pos.EConflict, "This register's journal does not match the head office (restored or copied database?). Sales are kept here but not sent; call support.")
	case errors.As(err, &he) && he.StatusCode == 401:
		return pos.Errorf(pos.EUnauthorized, "Head office does not accept this register: enroll it again. Sales are kept.")
	case errors.As(err, &rej):
		return pos.Errorf(pos.EConflict, "Head office refused journal entry %d. Sales are kept; call support.", rej.Seq)
	case errors.As(err, &he) && (he.StatusCode == 429 || he.StatusCode >= 500):
		return pos.Errorf(pos.EUnavailable, "Head office is busy. Sales are kept and will be sent later.")
	case errors.As(err, &he):
		return pos.Errorf(pos.EConflict, "Head office refused the upload (%d). Sales are kept; call support.", he.StatusCode)
	default:
		return pos.Errorf(pos.EUnavailable, "Head office not reachable. Sales are kept and will be sent later.")
	}
}
