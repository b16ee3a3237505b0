package zvt_test

import (
	"context"
	"errors"
	"net"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/devicesim"
	"github.com/tillpos/till/hardware/zvt"
)

// startSim runs a simulated terminal on a loopback port and a driver for it.
func startSim(t *testing.T) (*devicesim.ZVTSim, *zvt.Terminal) {
	t.Helper()
	sim := devicesim.NewZVTSim()
	sim.SlowFor, sim.SlowStep = 5*time.Second, 100*time.Millisecond
	if err := sim.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sim.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("sim: %v", err)
		}
	})
	return sim, zvt.New(zvt.Config{Addr: sim.Addr(), AckTimeout: 500 * time.Millisecond, IdleTimeout: 2 * time.Second})
}

type prompts struct {
	mu sync.Mutex
	l  []string
	ch chan string
}

func newPrompts() *prompts { return &prompts{ch: make(chan string, 100)} }

func (p *prompts) add(s string) {
	p.mu.Lock()
	p.l = append(p.l, s)
	p.mu.Unlock()
	p.ch <- s
}

func (p *prompts) all() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.l...)
}

func req(amount int64) register.CardRequest {
	return register.CardRequest{PaymentID: "p", Amount: amount, Currency: pos.MustCurrency("EUR")}
}

func TestAuthorizeApproved(t *testing.T) {
	t.Parallel()
	sim, term := startSim(t)
	p := newPrompts()
	res, err := term.Authorize(context.Background(), req(899), p.add)
	if err != nil {
		t.Fatal(err)
	}
	want := register.CardResult{Approved: true, Amount: 899, MaskedPAN: "************1111", Brand: "VISA", AuthCode: "100042",
		Trace: "000042", ReceiptNo: "0042", TerminalID: "52500038", ResultCode: "00", Message: "Approved"}
	lines := res.ReceiptLines
	res.ReceiptLines = nil
	if !reflect.DeepEqual(res, want) {
		t.Fatalf("result\n got %+v\nwant %+v", res, want)
	}
	if len(lines) != 7 || lines[0] != "KUNDENBELEG" || lines[2] != "Karte ************1111" {
		t.Fatalf("receipt lines %q", lines)
	}
	if got := p.all(); !slices.Equal(got, []string{"Insert card", "Please watch the PIN pad"}) {
		t.Fatalf("prompts %q", got)
	}
	if got := sim.Requests(); !slices.Equal(got, []string{"06 00", "06 01"}) {
		t.Fatalf("requests %q", got)
	}
}

func TestAuthorizeDeclined(t *testing.T) {
	t.Parallel()
	sim, term := startSim(t)
	sim.SetMode(devicesim.ZVTDecline)
	res, err := term.Authorize(context.Background(), req(500), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Approved || res.ResultCode != "05" || res.Message != "Card declined by the issuer" || res.Trace != "000042" {
		t.Fatalf("result %+v", res)
	}
}

func TestAbortByCashier(t *testing.T) {
	t.Parallel()
	sim, term := startSim(t)
	sim.SetMode(devicesim.ZVTSlow)
	p := newPrompts()
	type out struct {
		res register.CardResult
		err error
	}
	ch := make(chan out, 1)
	start := time.Now()
	go func() {
		res, err := term.Authorize(context.Background(), req(1250), p.add)
		ch <- out{res, err}
	}()
	for s := range p.ch {
		if s == "Please watch the PIN pad" {
			break
		}
	}
	if err := term.Abort(context.Background()); err != nil {
		t.Fatal(err)
	}
	o := <-ch
	if o.err != nil || o.res.Approved || o.res.ResultCode != "6C" {
		t.Fatalf("aborted payment: %+v %v", o.res, o.err)
	}
	if time.Since(start) > 4*time.Second {
		t.Fatal("the abort did not stop the slow payment")
	}
	if h := sim.History(); len(h) != 1 || h[0].Approved {
		t.Fatalf("terminal booked %+v", h)
	}
	// Abort with nothing running is acknowledged.
	if err := term.Abort(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestSlowPINEntryShowsProgress(t *testing.T) {
	t.Parallel()
	sim, term := startSim(t)
	sim.SlowFor = 600 * time.Millisecond
	sim.SetMode(devicesim.ZVTSlow)
	p := newPrompts()
	res, err := term.Authorize(context.Background(), req(100), p.add)
	if err != nil || !res.Approved {
		t.Fatalf("%+v %v", res, err)
	}
	if n := len(p.all()); n < 4 {
		t.Fatalf("only %d intermediate statuses", n)
	}
}

// The link drops after the request: the outcome is unknown, and the
// terminal's last transaction tells what happened, without a second charge.
func TestDroppedAfterRequest(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		mode     devicesim.ZVTMode
		approved bool
	}{{devicesim.ZVTDropApprove, true}, {devicesim.ZVTDropDecline, false}} {
		t.Run(tt.mode.String(), func(t *testing.T) {
			t.Parallel()
			sim, term := startSim(t)
			sim.SetMode(tt.mode)
			_, err := term.Authorize(context.Background(), req(2500), nil)
			if !errors.Is(err, register.ErrOutcomeUnknown) {
				t.Fatalf("err %v", err)
			}
			sim.SetMode(devicesim.ZVTApprove)
			last, err := term.LastTransaction(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if last.Approved != tt.approved || last.Amount != 2500 || last.Trace != "000042" || last.TerminalID != "52500038" {
				t.Fatalf("last %+v", last)
			}
			if n := sim.Authorisations(); n != 1 {
				t.Fatalf("%d authorisations", n)
			}
		})
	}
}

func TestSilentTerminal(t *testing.T) {
	t.Parallel()
	sim, term := startSim(t)
	sim.SetMode(devicesim.ZVTSilent)
	if _, err := term.Authorize(context.Background(), req(100), nil); !errors.Is(err, register.ErrOutcomeUnknown) {
		t.Fatalf("err %v", err)
	}
	if _, err := term.LastTransaction(context.Background()); err == nil || errors.Is(err, register.ErrOutcomeUnknown) {
		t.Fatalf("last transaction of a hung terminal: %v", err)
	}
}

func TestNotReachableIsNotUnknown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	term := zvt.New(zvt.Config{Addr: addr})
	_, err = term.Authorize(context.Background(), req(100), nil)
	if !errors.Is(err, zvt.ErrNotReachable) || errors.Is(err, register.ErrOutcomeUnknown) {
		t.Fatalf("err %v", err)
	}
}

func TestRefundReversalEndOfDay(t *testing.T) {
	t.Parallel()
	sim, term := startSim(t)
	ctx := context.Background()
	a, err := term.Authorize(ctx, req(1000), nil)
	if err != nil || !a.Approved {
		t.Fatal(a, err)
	}
	b, err := term.Authorize(ctx, req(2000), nil)
	if err != nil || !b.Approved {
		t.Fatal(b, err)
	}
	r, err := term.Refund(ctx, req(300), nil)
	if err != nil || !r.Approved || r.Amount != 300 {
		t.Fatalf("refund %+v %v", r, err)
	}
	rv, err := term.Reverse(ctx, a.ReceiptNo, nil)
	if err != nil || !rv.Approved || rv.Amount != 1000 {
		t.Fatalf("reversal %+v %v", rv, err)
	}
	if rv, err := term.Reverse(ctx, a.ReceiptNo, nil); err != nil || !rv.Approved || rv.ResultCode != "B4" {
		t.Fatalf("second reversal (already reversed: done) %+v %v", rv, err)
	}
	if rv, err := term.Reverse(ctx, "9999", nil); err != nil || rv.Approved || rv.ResultCode != "B5" {
		t.Fatalf("reversal of an unknown receipt %+v %v", rv, err)
	}
	s, err := term.EndOfDay(ctx, nil)
	if err != nil || s.Total != 2000-300 {
		t.Fatalf("end of day %+v %v", s, err)
	}
	if len(s.ReceiptLines) != 4 || s.ReceiptLines[0] != "KASSENSCHNITT" || !strings.HasPrefix(s.ReceiptLines[2], "Summe EUR 17,00") {
		t.Fatalf("end of day text %q", s.ReceiptLines)
	}
	want := []string{"06 00", "06 01", "06 00", "06 01", "06 00", "06 31", "06 00", "06 30", "06 00", "06 30", "06 00", "06 30", "06 00", "06 50"}
	if got := sim.Requests(); !slices.Equal(got, want) {
		t.Fatalf("requests %q", got)
	}
}

func TestMisbehavingTerminalPANIsMasked(t *testing.T) {
	t.Parallel()
	sim, term := startSim(t)
	sim.LeakPAN = true
	res, err := term.Authorize(context.Background(), req(899), nil)
	if err != nil || !res.Approved {
		t.Fatal(res, err)
	}
	all := res.MaskedPAN + "\n" + strings.Join(res.ReceiptLines, "\n")
	if strings.Contains(all, devicesim.TestPAN) || len(pos.FindPANs(all)) != 0 {
		t.Fatalf("PAN leaked:\n%s", all)
	}
	if res.MaskedPAN != "************1111" {
		t.Fatalf("masked %q", res.MaskedPAN)
	}
}

func TestRegistrationRefusedIsNotUnknown(t *testing.T) {
	t.Parallel()
	sim, _ := startSim(t)
	term := zvt.New(zvt.Config{Addr: sim.Addr(), Password: "123456", AckTimeout: 500 * time.Millisecond})
	_, err := term.Authorize(context.Background(), req(100), nil)
	if err == nil || errors.Is(err, register.ErrOutcomeUnknown) || pos.ErrorCode(err) != pos.EUnavailable {
		t.Fatalf("err %v", err)
	}
	if sim.Authorisations() != 0 {
		t.Fatal("the payment was sent after a refused registration")
	}
	if err := term.Register(context.Background()); err == nil {
		t.Fatal("Register with a wrong password succeeded")
	}
}
