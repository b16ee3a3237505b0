package register

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/tillpos/till/app/pos"
)

// DrawerSensor is the cash drawer's open sensor (hardware/devices.Drawer).
type DrawerSensor interface {
	// WaitClosed returns nil once the drawer reads closed, polling every
	// so often; an error when ctx ends first or the sensor is unreadable.
	WaitClosed(ctx context.Context, every time.Duration) error
}

// CashDrawer opens the drawer after a committed cash sale or return and,
// when told to wait and a sensor exists, watches it until it is closed,
// saying "Close the cash drawer" meanwhile. It only ever advises: scanning
// and the next sale go on while it waits. Its Committed method is (part of)
// the register's OnCommitted hook.
type CashDrawer struct {
	kick   Drawer       // nil: no drawer to open
	sensor DrawerSensor // nil: no sensor
	wait   bool         // the drawer policy is "wait": watch it until closed
	every  time.Duration
	limit  time.Duration // after this the note turns into a warning
	log    *slog.Logger

	events chan drawerAction

	mu       sync.Mutex
	note     error // nil, ErrCloseDrawer or ErrDrawerLeftOpen
	onChange func()
}

// drawerAction is what a committed entry asks of the drawer.
type drawerAction struct{ kick, watch bool }

// NewCashDrawer makes the drawer's use case: kick opens it (nil: none),
// sensor reads it (nil: none), wait watches it after each opening.
func NewCashDrawer(kick Drawer, sensor DrawerSensor, wait bool, log *slog.Logger) *CashDrawer {
	if log == nil {
		log = slog.Default()
	}
	return &CashDrawer{kick: kick, sensor: sensor, wait: wait, every: 500 * time.Millisecond,
		limit: 2 * time.Minute, log: log, onChange: func() {}, events: make(chan drawerAction, 16)}
}

// OnChange sets what runs when the note changes (the status strip's
// refresh); it must not block.
func (d *CashDrawer) OnChange(f func()) {
	d.mu.Lock()
	d.onChange = f
	d.mu.Unlock()
}

// decide reads a committed entry: a sale or return with cash opens the
// drawer; a cash move (drop, payout, no-sale) opened it already. Either is
// watched when the policy is wait and a sensor exists.
func (d *CashDrawer) decide(c Committed) drawerAction {
	var a drawerAction
	switch c.Entry.Kind {
	case pos.EntrySale, pos.EntryReturn:
		rec, ok := c.Sale()
		if !ok {
			return drawerAction{}
		}
		for _, t := range rec.Tenders {
			if t.Kind == pos.TenderCash {
				a.kick = d.kick != nil
				a.watch = true
			}
		}
	case pos.EntryCashMove:
		a.watch = true
	}
	a.watch = a.watch && d.wait && d.sensor != nil
	return a
}

// Committed is the register's OnCommitted hook; it never blocks.
func (d *CashDrawer) Committed(c Committed) {
	a := d.decide(c)
	if !a.kick && !a.watch {
		return
	}
	select {
	case d.events <- a:
	default:
		d.log.Warn("cash drawer: too many sales at once, one not handled")
	}
}

// ErrCloseDrawer is the status strip's note while the register waits for
// the drawer.
var ErrCloseDrawer = pos.Errorf(pos.EConflict, "Close the cash drawer")

// ErrDrawerLeftOpen replaces ErrCloseDrawer when the drawer still reads
// open after the limit: left open, or a sensor that never reads closed.
var ErrDrawerLeftOpen = pos.Errorf(pos.EConflict, "The cash drawer is still open: close it, or have its sensor checked")

// Note is ErrCloseDrawer while the register waits for the drawer,
// ErrDrawerLeftOpen after the limit, else nil.
func (d *CashDrawer) Note() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.note
}

func (d *CashDrawer) setNote(err error) {
	d.mu.Lock()
	changed := d.note != err
	d.note = err
	f := d.onChange
	d.mu.Unlock()
	if changed {
		f()
	}
}

// Run handles committed entries until ctx ends. Each cash entry opens the
// drawer at once: the kick never waits behind the watch of an earlier one
// (a drawer left open or a stuck sensor would hold every later kick, and
// held kicks would spring it open after the cashier closed it). The watch
// runs beside; a new entry's watch replaces it.
func (d *CashDrawer) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	stopWatch := func() {}
	defer func() { stopWatch(); wg.Wait() }()
	for {
		select {
		case <-ctx.Done():
			return nil
		case a := <-d.events:
			if a.kick {
				if err := d.kick.OpenDrawer(ctx); err != nil {
					d.log.Warn("open drawer", "err", err)
					continue // not opened: nothing new to wait for
				}
			}
			if !a.watch {
				continue
			}
			stopWatch()
			wg.Wait()
			wctx, cancel := context.WithCancel(ctx)
			stopWatch = cancel
			wg.Go(func() { d.watch(wctx) })
		}
	}
}

// watch says "Close the cash drawer" until the sensor reads closed, and a
// warning once that takes longer than the limit. Cancelled (a newer entry
// or shutdown), it leaves the note to the next watch.
func (d *CashDrawer) watch(ctx context.Context) {
	// Give the drawer time to spring open before reading its sensor.
	select {
	case <-ctx.Done():
		return
	case <-time.After(d.every):
	}
	d.setNote(ErrCloseDrawer)
	lctx, cancel := context.WithTimeout(ctx, d.limit)
	err := d.sensor.WaitClosed(lctx, d.every)
	cancel()
	if err != nil && ctx.Err() == nil && lctx.Err() != nil {
		d.log.Warn("cash drawer: still open after the limit", "limit", d.limit)
		d.setNote(ErrDrawerLeftOpen)
		err = d.sensor.WaitClosed(ctx, d.every) // clears once it is closed
	}
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		d.log.Warn("cash drawer: sensor not readable, not waiting", "err", err)
	}
	d.setNote(nil)
}
