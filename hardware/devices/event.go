package devices

import (
	"errors"
	"time"

	"github.com/tillpos/till/app/pos"
)

// State is a device's state as the manager last saw it.
type State string

// States.
const (
	StateUnknown      State = "unknown"      // not checked yet
	StateConnected    State = "connected"    // answering and ready
	StateDisconnected State = "disconnected" // cannot be opened or not answering
	StateError        State = "error"        // answering, but cannot work (paper out, cover open)
)

// Event is a device's state change.
type Event struct {
	Device string // the configured name
	Kind   Kind
	State  State
	Err    error     // the cause, for the log; nil when connected
	At     time.Time // when the manager saw the change
}

// Message is the cashier's sentence: "Printer: out of paper", "Card
// terminal not answering", "Scanner: connected".
func (e Event) Message() string {
	var pe *pos.Error
	if e.Err != nil && errors.As(e.Err, &pe) && pe.Message != "" {
		return pe.Message
	}
	switch e.State {
	case StateConnected:
		return e.Kind.Label() + ": ready"
	case StateDisconnected:
		return e.Kind.Label() + " not answering"
	case StateError:
		return e.Kind.Label() + ": needs attention"
	}
	return e.Kind.Label() + ": checking"
}

// Typed device errors, as *pos.Error so the UI shows the message and
// errors.Is works through wrapping. Printer faults are escpos's
// (escpos.ErrPaperOut, ErrCoverOpen, ErrOffline, ErrUnreachable).
var (
	ErrDrawerOpen          = &pos.Error{Code: pos.EUnavailable, Message: "Cash drawer open"}
	ErrTerminalUnreachable = &pos.Error{Code: pos.EUnavailable, Message: "Card terminal not answering"}
	ErrScannerUnplugged    = &pos.Error{Code: pos.EUnavailable, Message: "Scanner not connected"}
	ErrDisplayUnplugged    = &pos.Error{Code: pos.EUnavailable, Message: "Customer display not connected"}
	ErrScaleUnplugged      = &pos.Error{Code: pos.EUnavailable, Message: "Scale not connected"}
)

// stateOf classifies a check's outcome: a *pos.Error the device itself
// reported (paper out) is an error state; anything else is disconnected.
func stateOf(err error) State {
	if err == nil {
		return StateConnected
	}
	if isUnreachable(err) {
		return StateDisconnected
	}
	var pe *pos.Error
	if errors.As(err, &pe) {
		return StateError
	}
	return StateDisconnected
}
