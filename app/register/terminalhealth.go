package register

import (
	"context"
	"fmt"
	"sync"

	"github.com/tillpos/till/app/pos"
)

// TerminalHealth is the device manager's view of a card terminal. A ZVT
// terminal serves one connection at a time, so the terminal is probed
// (TCP connect or port node) only while no payment runs and until a payment
// has shown that it answers; after a payment could not reach it, it is
// probed again until it is back. Payments report through Watch.
type TerminalHealth struct {
	name        string
	probe       func(ctx context.Context) error
	unreachable error // wrapped around a payment's error when it did not reach the terminal

	mu   sync.Mutex
	busy int
	ok   bool  // the last payment reached the terminal
	last error // what the driver last said
}

// NewTerminalHealth watches the terminal called name: probe checks that it
// can be reached; unreachable is the device state a failed payment reports
// (it wraps the payment's error).
func NewTerminalHealth(name string, probe func(ctx context.Context) error, unreachable error) *TerminalHealth {
	return &TerminalHealth{name: name, probe: probe, unreachable: unreachable}
}

// Name is the terminal's device name.
func (w *TerminalHealth) Name() string { return w.name }

// Check answers from the last payment while one runs or after one worked,
// else probes.
func (w *TerminalHealth) Check(ctx context.Context) error {
	w.mu.Lock()
	if w.busy > 0 || w.ok {
		err := w.last
		w.mu.Unlock()
		return err
	}
	probe := w.probe
	w.mu.Unlock()
	return probe(ctx)
}

func (w *TerminalHealth) begin() {
	w.mu.Lock()
	w.busy++
	w.mu.Unlock()
}

// end records a payment's outcome as the terminal's state: not reached
// (EUnavailable: the driver could not reach it, or the link broke), or
// answering (a decline is an answer).
func (w *TerminalHealth) end(err error) error {
	var state error
	if err != nil && pos.ErrorCode(err) == pos.EUnavailable {
		state = fmt.Errorf("%w: %w", w.unreachable, err)
	}
	w.mu.Lock()
	w.busy--
	w.ok, w.last = state == nil, state
	w.mu.Unlock()
	return state
}

// Watch wraps a terminal so every transaction's outcome becomes the
// terminal's state, given to report (the device manager).
func (w *TerminalHealth) Watch(t PaymentTerminal, report func(error)) PaymentTerminal {
	return &watchedTerminal{t: t, w: w, report: report}
}

// watchedTerminal is a PaymentTerminal whose transactions report to a
// TerminalHealth. Abort is not a transaction: it only asks the running one
// to stop.
type watchedTerminal struct {
	t      PaymentTerminal
	w      *TerminalHealth
	report func(error)
}

func (t *watchedTerminal) track(err error) { t.report(t.w.end(err)) }

func (t *watchedTerminal) Authorize(ctx context.Context, req CardRequest, prompt func(string)) (CardResult, error) {
	t.w.begin()
	res, err := t.t.Authorize(ctx, req, prompt)
	t.track(err)
	return res, err
}

func (t *watchedTerminal) Refund(ctx context.Context, req CardRequest, prompt func(string)) (CardResult, error) {
	t.w.begin()
	res, err := t.t.Refund(ctx, req, prompt)
	t.track(err)
	return res, err
}

func (t *watchedTerminal) Reverse(ctx context.Context, receiptNo string, prompt func(string)) (CardResult, error) {
	t.w.begin()
	res, err := t.t.Reverse(ctx, receiptNo, prompt)
	t.track(err)
	return res, err
}

func (t *watchedTerminal) LastTransaction(ctx context.Context) (CardResult, error) {
	t.w.begin()
	res, err := t.t.LastTransaction(ctx)
	t.track(err)
	return res, err
}

func (t *watchedTerminal) Abort(ctx context.Context) error { return t.t.Abort(ctx) }
