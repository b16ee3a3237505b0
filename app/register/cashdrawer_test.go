package register

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tillpos/till/app/pos"
)

// The drawer tests run in a synctest bubble: the watch's timers are fake,
// and synctest.Wait is the event that says every goroutine is idle, so "it
// did not happen" is proven after it, not after a sleep.

func committedSale(kind pos.EntryKind, tenders ...pos.TenderKind) Committed {
	var rec pos.SaleRecord
	for _, k := range tenders {
		rec.Tenders = append(rec.Tenders, pos.Tender{Kind: k, Amount: 100})
	}
	return Committed{Entry: pos.Entry{Kind: kind}, Record: rec}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestDrawerDecision(t *testing.T) {
	t.Parallel()
	cash := committedSale(pos.EntrySale, pos.TenderCash)
	card := committedSale(pos.EntrySale, pos.TenderCard)
	split := committedSale(pos.EntrySale, pos.TenderCard, pos.TenderCash)
	refund := committedSale(pos.EntryReturn, pos.TenderCash)
	move := Committed{Entry: pos.Entry{Kind: pos.EntryCashMove}, Record: CashMoveRecord{Kind: CashDrop}}
	z := Committed{Entry: pos.Entry{Kind: pos.EntryZReport}, Record: ShiftReport{}}
	kick, sensor := &fakeKick{}, &fakeSensor{}
	tests := []struct {
		name   string
		c      Committed
		wait   bool
		kick   Drawer
		sensor DrawerSensor
		want   drawerAction
	}{
		{"cash sale, wait", cash, true, kick, sensor, drawerAction{kick: true, watch: true}},
		{"cash sale, no wait", cash, false, kick, sensor, drawerAction{kick: true}},
		{"cash sale, no drawer", cash, true, nil, sensor, drawerAction{watch: true}},
		{"cash sale, wait without sensor", cash, true, kick, nil, drawerAction{kick: true}},
		{"card sale", card, true, kick, sensor, drawerAction{}},
		{"split sale", split, true, kick, sensor, drawerAction{kick: true, watch: true}},
		{"cash return", refund, true, kick, sensor, drawerAction{kick: true, watch: true}},
		{"cash move opened it already", move, true, kick, sensor, drawerAction{watch: true}},
		{"cash move, no wait", move, false, kick, sensor, drawerAction{}},
		{"z report", z, true, kick, sensor, drawerAction{}},
		{"sale entry without its record", Committed{Entry: pos.Entry{Kind: pos.EntrySale}}, true, kick, sensor, drawerAction{}},
	}
	for _, tt := range tests {
		d := NewCashDrawer(tt.kick, tt.sensor, tt.wait, quietLog())
		if got := d.decide(tt.c); got != tt.want {
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

// runDrawer runs d until the test's bubble ends.
func runDrawer(t *testing.T, d *CashDrawer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
}

// With policy wait a cash sale kicks the drawer, the note says "Close the
// cash drawer" until it is closed, and committing never blocks meanwhile.
func TestCashDrawerWaitsOffTheSalePath(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		kick := &fakeKick{}
		sensor := &fakeSensor{open: true, waited: make(chan struct{}, 1)}
		d := NewCashDrawer(kick, sensor, true, quietLog())
		changes := make(chan error, 8)
		d.OnChange(func() { changes <- d.Note() })
		runDrawer(t, d)
		start := time.Now()
		for range 5 { // the next sales go on while the drawer is open
			d.Committed(committedSale(pos.EntrySale, pos.TenderCash))
		}
		if time.Since(start) != 0 {
			t.Fatal("committing waited for the drawer") // fake time moves only when all wait
		}
		if got := <-changes; got != ErrCloseDrawer {
			t.Fatalf("note %q", got)
		}
		<-sensor.waited
		sensor.set(false)
		if got := <-changes; got != nil {
			t.Fatalf("note after closing %q", got)
		}
		synctest.Wait()
		if kick.n != 5 {
			t.Fatalf("drawer opened %d times for 5 cash sales", kick.n)
		}
	})
}

// springDrawer is a real drawer: a kick opens it, the cashier closes it.
type springDrawer struct {
	fakeSensor
	kmu   sync.Mutex
	kicks int
}

func (d *springDrawer) OpenDrawer(context.Context) error {
	d.kmu.Lock()
	d.kicks++
	d.kmu.Unlock()
	d.set(true)
	return nil
}

func (d *springDrawer) kicked() int {
	d.kmu.Lock()
	defer d.kmu.Unlock()
	return d.kicks
}

// TestDrawerNotReopenedAfterTheCashierClosesIt: two cash sales while the
// drawer stays open, then the cashier closes it: it must stay closed (the
// second kick used to wait behind the first sale's watch and fire late).
func TestDrawerNotReopenedAfterTheCashierClosesIt(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := &springDrawer{fakeSensor: fakeSensor{waited: make(chan struct{}, 4)}}
		cd := NewCashDrawer(d, d, true, quietLog())
		runDrawer(t, cd)
		cd.Committed(committedSale(pos.EntrySale, pos.TenderCash))
		<-d.waited
		cd.Committed(committedSale(pos.EntrySale, pos.TenderCash)) // drawer still open
		<-d.waited                                                 // the second sale's watch reads the sensor
		synctest.Wait()
		before := d.kicked()
		d.set(false) // the cashier closes it
		time.Sleep(10 * cd.every)
		synctest.Wait() // every goroutine idle: whatever was held back has fired
		if n := d.kicked() - before; n > 0 {
			t.Errorf("the drawer was kicked open %d time(s) after the cashier closed it, with no sale", n)
		}
		if d.kicked() != 2 {
			t.Errorf("%d kicks for two cash sales", d.kicked())
		}
	})
}

// TestStuckDrawerSensorDoesNotBlockLaterKicks: a sensor that always reads
// open (none wired, wrong polarity) must not stop the next cash sale from
// opening the drawer.
func TestStuckDrawerSensorDoesNotBlockLaterKicks(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := &springDrawer{fakeSensor: fakeSensor{open: true, waited: make(chan struct{}, 4)}}
		cd := NewCashDrawer(d, d, true, quietLog())
		runDrawer(t, cd)
		cd.Committed(committedSale(pos.EntrySale, pos.TenderCash))
		<-d.waited
		before := d.kicked()
		cd.Committed(committedSale(pos.EntrySale, pos.TenderCash))
		synctest.Wait()
		if d.kicked() == before {
			t.Error("the next cash sale never opened the drawer: its kick waits for a sensor that never reads closed")
		}
	})
}

// TestDrawerNoteWarnsAfterTheLimitAndClears: "Close the cash drawer" while
// waiting, a warning after the limit, nothing once the drawer is closed.
func TestDrawerNoteWarnsAfterTheLimitAndClears(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		d := &springDrawer{fakeSensor: fakeSensor{waited: make(chan struct{}, 4)}}
		cd := NewCashDrawer(d, d, true, quietLog())
		changes := make(chan error, 8)
		cd.OnChange(func() { changes <- cd.Note() })
		runDrawer(t, cd)
		start := time.Now()
		cd.Committed(committedSale(pos.EntrySale, pos.TenderCash))
		for _, want := range []error{ErrCloseDrawer, ErrDrawerLeftOpen} {
			if got := <-changes; got != want {
				t.Fatalf("note %v, want %v", got, want)
			}
		}
		if waited := time.Since(start); waited < cd.limit {
			t.Fatalf("warned after %v, before the limit %v", waited, cd.limit)
		}
		d.set(false)
		if got := <-changes; got != nil {
			t.Fatalf("note after closing: %v", got)
		}
	})
}
