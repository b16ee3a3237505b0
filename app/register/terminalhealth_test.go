package register

import (
	"context"
	"errors"
	"testing"
)

var errUnreachable = errors.New("card terminal not answering")

// The terminal is probed only while no payment runs and until one reached
// it; a payment that cannot reach it shows at once and probing resumes.
func TestTerminalHealth(t *testing.T) {
	t.Parallel()
	probed := 0
	probeErr := error(nil)
	w := NewTerminalHealth("terminal", func(context.Context) error { probed++; return probeErr }, errUnreachable)
	var reported []error
	result := func(CardRequest) (CardResult, error) { return CardResult{}, nil }
	block := make(chan struct{})
	inside := make(chan struct{})
	term := w.Watch(&fakeTerminal{authorize: func(req CardRequest) (CardResult, error) {
		close(inside)
		<-block
		return result(req)
	}}, func(err error) { reported = append(reported, err) })
	ctx := context.Background()
	if err := w.Check(ctx); err != nil || probed != 1 {
		t.Fatalf("probe: %v, probed %d", err, probed)
	}
	// During a payment the manager gets the last state, not a probe (a ZVT
	// terminal serves one connection).
	done := make(chan error)
	go func() {
		_, err := term.Authorize(ctx, CardRequest{Amount: 100}, func(string) {})
		done <- err
	}()
	<-inside
	if err := w.Check(ctx); err != nil || probed != 1 {
		t.Fatalf("during payment: %v, probed %d", err, probed)
	}
	result = func(CardRequest) (CardResult, error) { return CardResult{}, ErrNoCardTerminal } // EUnavailable
	close(block)
	<-done
	if len(reported) != 1 || !errors.Is(reported[0], errUnreachable) {
		t.Fatalf("state after unreachable: %v", reported)
	}
	// Not reached: probing resumes.
	probeErr = errUnreachable
	if err := w.Check(ctx); !errors.Is(err, errUnreachable) || probed != 2 {
		t.Fatalf("after failure: %v, probed %d", err, probed)
	}
	// A decline is an answer: the terminal is fine and no longer probed.
	decl := w.Watch(&fakeTerminal{refund: func(CardRequest) (CardResult, error) {
		return CardResult{}, errors.New("declined")
	}}, func(err error) { reported = append(reported, err) })
	if _, err := decl.Refund(ctx, CardRequest{Amount: 100}, nil); err == nil {
		t.Fatal("refund error lost")
	}
	if reported[1] != nil {
		t.Fatalf("a decline is an answer: %v", reported[1])
	}
	if err := w.Check(ctx); err != nil || probed != 2 {
		t.Fatalf("after an answer: %v, probed %d", err, probed)
	}
}
