package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/ui"
	"github.com/tillpos/till/hardware/devices"
)

func saleEntry(t *testing.T, kind pos.EntryKind, tenders ...pos.TenderKind) pos.Entry {
	t.Helper()
	var rec pos.SaleRecord
	for _, k := range tenders {
		rec.Tenders = append(rec.Tenders, pos.Tender{Kind: k, Amount: 100})
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	return pos.Entry{Kind: kind, Payload: b}
}

func TestDrawerAction(t *testing.T) {
	t.Parallel()
	cash := saleEntry(t, pos.EntrySale, pos.TenderCash)
	card := saleEntry(t, pos.EntrySale, pos.TenderCard)
	split := saleEntry(t, pos.EntrySale, pos.TenderCard, pos.TenderCash)
	refund := saleEntry(t, pos.EntryReturn, pos.TenderCash)
	move := pos.Entry{Kind: pos.EntryCashMove, Payload: []byte(`{}`)}
	z := pos.Entry{Kind: pos.EntryZReport, Payload: []byte(`{}`)}
	tests := []struct {
		name             string
		e                pos.Entry
		policy           devices.DrawerPolicy
		hasKick, hasSens bool
		want             action
	}{
		{"cash sale, wait", cash, devices.DrawerWait, true, true, action{kick: true, watch: true}},
		{"cash sale, warn", cash, devices.DrawerWarn, true, true, action{kick: true}},
		{"cash sale, none", cash, devices.DrawerNone, true, false, action{kick: true}},
		{"cash sale, no drawer", cash, devices.DrawerWait, false, true, action{watch: true}},
		{"cash sale, wait without sensor", cash, devices.DrawerWait, true, false, action{kick: true}},
		{"card sale", card, devices.DrawerWait, true, true, action{}},
		{"split sale", split, devices.DrawerWait, true, true, action{kick: true, watch: true}},
		{"cash return", refund, devices.DrawerWait, true, true, action{kick: true, watch: true}},
		{"cash move opened it already", move, devices.DrawerWait, true, true, action{watch: true}},
		{"cash move, warn", move, devices.DrawerWarn, true, true, action{}},
		{"z report", z, devices.DrawerWait, true, true, action{}},
		{"unreadable payload", pos.Entry{Kind: pos.EntrySale, Payload: []byte("{")}, devices.DrawerWait, true, true, action{}},
	}
	for _, tt := range tests {
		if got := drawerAction(tt.e, tt.policy, tt.hasKick, tt.hasSens); got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

type fakeKick struct{ n int }

func (k *fakeKick) OpenDrawer(context.Context) error { k.n++; return nil }

// fakeSensor is a drawer that stays open until closed.
type fakeSensor struct {
	mu     sync.Mutex
	open   bool
	waited chan struct{}
}

func (s *fakeSensor) WaitClosed(ctx context.Context, every time.Duration) error {
	select {
	case s.waited <- struct{}{}:
	default:
	}
	for {
		s.mu.Lock()
		open := s.open
		s.mu.Unlock()
		if !open {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(every):
		}
	}
}

func (s *fakeSensor) set(open bool) { s.mu.Lock(); s.open = open; s.mu.Unlock() }

// With policy wait a cash sale kicks the drawer, the strip says "Close the
// cash drawer" until it is closed, and committing never blocks meanwhile.
func TestCashDrawerWaitsOffTheSalePath(t *testing.T) {
	t.Parallel()
	kick := &fakeKick{}
	sensor := &fakeSensor{open: true, waited: make(chan struct{}, 1)}
	d := newCashDrawer(devices.DrawerWait, kick, sensor, slog.New(slog.NewTextHandler(io.Discard, nil)))
	d.every = 5 * time.Millisecond
	changes := make(chan error, 8)
	d.onChange = func() { changes <- d.Note() }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()

	start := time.Now()
	for range 5 { // the next sales go on while the drawer is open
		d.committed(saleEntry(t, pos.EntrySale, pos.TenderCash))
	}
	if time.Since(start) > 50*time.Millisecond {
		t.Fatal("committing waited for the drawer")
	}
	if got := <-changes; got != errCloseDrawer {
		t.Fatalf("note %q", got)
	}
	<-sensor.waited
	sensor.set(false)
	if got := <-changes; got != nil {
		t.Fatalf("note after closing %q", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if kick.n == 0 {
		t.Fatal("drawer never opened")
	}
	m, err := devices.New(nil, devices.Options{})
	if err != nil {
		t.Fatal(err)
	}
	status := stripStatus(d.Note, m, func() *ui.HeadOffice { return nil })
	if got := status(); len(got.Notes) != 0 {
		t.Fatalf("notes %v", got.Notes)
	}
	d.setNote(errCloseDrawer)
	if got := status(); len(got.Notes) != 1 || got.Notes[0] != errCloseDrawer {
		t.Fatalf("notes %v", got.Notes)
	}
}

// springDrawer is a real drawer: a kick opens it, the cashier closes it.
type springDrawer struct {
	fakeSensor
	kmu   sync.Mutex
	kicks []time.Time
}

func (d *springDrawer) OpenDrawer(context.Context) error {
	d.kmu.Lock()
	d.kicks = append(d.kicks, time.Now())
	d.kmu.Unlock()
	d.set(true)
	return nil
}

func (d *springDrawer) kicksSince(t time.Time) int {
	d.kmu.Lock()
	defer d.kmu.Unlock()
	n := 0
	for _, k := range d.kicks {
		if k.After(t) {
			n++
		}
	}
	return n
}

func runSpringDrawer(t *testing.T, d *springDrawer) *cashDrawer {
	t.Helper()
	cd := newCashDrawer(devices.DrawerWait, d, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	cd.every = 5 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- cd.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return cd
}

// TestDrawerNotReopenedAfterTheCashierClosesIt: two cash sales while the
// drawer stays open, then the cashier closes it: it must stay closed (the
// second kick used to wait behind the first sale's watch and fire late).
func TestDrawerNotReopenedAfterTheCashierClosesIt(t *testing.T) {
	t.Parallel()
	d := &springDrawer{fakeSensor: fakeSensor{waited: make(chan struct{}, 4)}}
	cd := runSpringDrawer(t, d)
	cd.committed(saleEntry(t, pos.EntrySale, pos.TenderCash))
	<-d.waited
	cd.committed(saleEntry(t, pos.EntrySale, pos.TenderCash)) // drawer still open
	time.Sleep(50 * time.Millisecond)
	closed := time.Now()
	d.set(false)
	time.Sleep(100 * time.Millisecond)
	if n := d.kicksSince(closed); n > 0 {
		t.Errorf("the drawer was kicked open %d time(s) after the cashier closed it, with no sale", n)
	}
}

// TestStuckDrawerSensorDoesNotBlockLaterKicks: a sensor that always reads
// open (none wired, wrong polarity) must not stop the next cash sale from
// opening the drawer.
func TestStuckDrawerSensorDoesNotBlockLaterKicks(t *testing.T) {
	t.Parallel()
	d := &springDrawer{fakeSensor: fakeSensor{open: true, waited: make(chan struct{}, 4)}}
	cd := runSpringDrawer(t, d)
	cd.committed(saleEntry(t, pos.EntrySale, pos.TenderCash))
	<-d.waited
	before := time.Now()
	cd.committed(saleEntry(t, pos.EntrySale, pos.TenderCash))
	deadline := time.Now().Add(2 * time.Second)
	for d.kicksSince(before) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if d.kicksSince(before) == 0 {
		t.Error("the next cash sale never opened the drawer: its kick waits for a sensor that never reads closed")
	}
}

// TestDrawerNoteWarnsAfterTheLimitAndClears: "Close the cash drawer" while
// waiting, a warning after the limit, nothing once the drawer is closed.
func TestDrawerNoteWarnsAfterTheLimitAndClears(t *testing.T) {
	t.Parallel()
	d := &springDrawer{fakeSensor: fakeSensor{waited: make(chan struct{}, 4)}}
	cd := newCashDrawer(devices.DrawerWait, d, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	cd.every, cd.limit = 5*time.Millisecond, 50*time.Millisecond
	changes := make(chan error, 8)
	cd.onChange = func() { changes <- cd.Note() }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- cd.Run(ctx) }()
	defer func() { cancel(); <-done }()
	cd.committed(saleEntry(t, pos.EntrySale, pos.TenderCash))
	for _, want := range []error{errCloseDrawer, errDrawerLeftOpen} {
		select {
		case got := <-changes:
			if got != want {
				t.Fatalf("note %v, want %v", got, want)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("no note %v", want)
		}
	}
	d.set(false)
	select {
	case got := <-changes:
		if got != nil {
			t.Fatalf("note after closing: %v", got)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the warning stayed after the drawer was closed")
	}
}
