package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/devices"
)

// drawerSensor is the drawer's open sensor (devices.Drawer).
type drawerSensor interface {
	WaitClosed(ctx context.Context, every time.Duration) error
}

// cashDrawer opens the drawer after a committed cash sale or return and,
// with policy wait, watches it until it is closed, saying "Close the cash
// drawer" in the status strip meanwhile. It only ever advises: scanning
// and the next sale go on while it waits.
type cashDrawer struct {
	policy   devices.DrawerPolicy
	kick     register.Drawer // nil: no drawer to open
	sensor   drawerSensor    // nil: no sensor
	every    time.Duration   // sensor poll while waiting
	limit    time.Duration   // after this the note turns into a warning
	log      *slog.Logger
	onChange func() // the note changed; must not block

	events chan action

	mu   sync.Mutex
	note error // nil, errCloseDrawer or errDrawerLeftOpen
}

// action is what a committed entry asks of the drawer.
type action struct{ kick, watch bool }

func newCashDrawer(policy devices.DrawerPolicy, kick register.Drawer, sensor drawerSensor, log *slog.Logger) *cashDrawer {
	return &cashDrawer{policy: policy, kick: kick, sensor: sensor, every: 500 * time.Millisecond,
		limit: 2 * time.Minute, log: log,
		onChange: func() {}, events: make(chan action, 16)}
}

// drawerAction decides from a committed entry: a sale or return with cash
// opens the drawer; a cash move (drop, payout, no-sale) opened it already.
// Either is watched when the policy is wait and a sensor exists.
func drawerAction(e pos.Entry, policy devices.DrawerPolicy, hasKick, hasSensor bool) action {
	var a action
	switch e.Kind {
	case pos.EntrySale, pos.EntryReturn:
		var rec struct {
			Tenders []pos.Tender `json:"tenders"`
		}
		if json.Unmarshal(e.Payload, &rec) != nil {
			return action{}
		}
		for _, t := range rec.Tenders {
			if t.Kind == pos.TenderCash {
				a.kick = hasKick
				a.watch = true
			}
		}
	case pos.EntryCashMove:
		a.watch = true
	}
	a.watch = a.watch && policy == devices.DrawerWait && hasSensor
	return a
}

// committed is the register's OnCommitted hook; it never blocks.
func (d *cashDrawer) committed(e pos.Entry) {
	a := drawerAction(e, d.policy, d.kick != nil, d.sensor != nil)
	if !a.kick && !a.watch {
		return
	}
	select {
	case d.events <- a:
	default:
		d.log.Warn("cash drawer: too many sales at once, one not handled")
	}
}

// errCloseDrawer is the status strip's note while the register waits for
// the drawer.
var errCloseDrawer = pos.Errorf(pos.EConflict, "Close the cash drawer")

// errDrawerLeftOpen replaces errCloseDrawer when the drawer still reads
// open after the limit: left open, or a sensor that never reads closed.
var errDrawerLeftOpen = pos.Errorf(pos.EConflict, "The cash drawer is still open: close it, or have its sensor checked")

// Note is errCloseDrawer while the register waits for the drawer,
// errDrawerLeftOpen after the limit, else nil.
func (d *cashDrawer) Note() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.note
}

func (d *cashDrawer) setNote(err error) {
	d.mu.Lock()
	changed := d.note != err
	d.note = err
	d.mu.Unlock()
	if changed {
		d.onChange()
	}
}

// Run handles committed entries until ctx ends. Each cash entry opens the
// drawer at once: the kick never waits behind the watch of an earlier one
// (a drawer left open or a stuck sensor would hold every later kick, and
// held kicks would spring it open after the cashier closed it). The watch
// runs beside; a new entry's watch replaces it.
func (d *cashDrawer) Run(ctx context.Context) error {
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
func (d *cashDrawer) watch(ctx context.Context) {
	// Give the drawer time to spring open before reading its sensor.
	select {
	case <-ctx.Done():
		return
	case <-time.After(d.every):
	}
	d.setNote(errCloseDrawer)
	lctx, cancel := context.WithTimeout(ctx, d.limit)
	err := d.sensor.WaitClosed(lctx, d.every)
	cancel()
	if err != nil && ctx.Err() == nil && lctx.Err() != nil {
		d.log.Warn("cash drawer: still open after the limit", "limit", d.limit)
		d.setNote(errDrawerLeftOpen)
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
