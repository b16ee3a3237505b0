package register

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tillpos/till/app/pos"
)

// CustomerDisplay is the pole display facing the customer (hardware/display
// drives a CD5220-style 2 x 20 one). Show replaces both lines.
type CustomerDisplay interface {
	Show(ctx context.Context, upper, lower string) error
}

// DisplayColumns is the width the register lays its display lines out for.
const DisplayColumns = 20

// DefaultDisplayWelcomeAfter is how long a completed sale's change stays
// on the display before the welcome line.
const DefaultDisplayWelcomeAfter = 15 * time.Second

// displayShowTimeout bounds one Show: a dead display must not pile up work.
const displayShowTimeout = 2 * time.Second

// displayFeed sends lines to the display off the sale's path: show only
// records the latest lines and, when no sender is running, starts one
// goroutine that sends until nothing is pending, then ends. A slow or
// broken display therefore never delays a sale, and lines nobody saw
// (superseded while the display was busy) are skipped.
type displayFeed struct {
	d            CustomerDisplay
	log          *slog.Logger
	welcome      [2]string
	welcomeAfter time.Duration

	mu      sync.Mutex
	pending *[2]string
	busy    bool
	timer   *time.Timer
	idle    chan struct{} // closed when the sender ends; replaced when one starts
}

func newDisplayFeed(d CustomerDisplay, log *slog.Logger, cfg Config) *displayFeed {
	if d == nil {
		return nil
	}
	after := cfg.DisplayWelcomeAfter
	if after <= 0 {
		after = DefaultDisplayWelcomeAfter
	}
	idle := make(chan struct{})
	close(idle)
	f := &displayFeed{d: d, log: log, welcomeAfter: after, idle: idle,
		welcome: [2]string{center("Welcome"), center(cfg.StoreName)}}
	f.show(f.welcome[0], f.welcome[1])
	return f
}

// show queues the lines; it never blocks.
func (f *displayFeed) show(upper, lower string) {
	if f == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.timer != nil {
		f.timer.Stop()
		f.timer = nil
	}
	f.pending = &[2]string{upper, lower}
	if !f.busy {
		f.busy = true
		f.idle = make(chan struct{})
		go f.send(f.idle)
	}
}

func (f *displayFeed) send(idle chan struct{}) {
	for {
		f.mu.Lock()
		l := f.pending
		f.pending = nil
		if l == nil {
			f.busy = false
			close(idle)
			f.mu.Unlock()
			return
		}
		f.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), displayShowTimeout)
		if err := f.d.Show(ctx, l[0], l[1]); err != nil {
			f.log.Warn("customer display", "err", err)
		}
		cancel()
	}
}

// showThenWelcome shows the lines, then the welcome line after a while
// unless something else is shown first.
func (f *displayFeed) showThenWelcome(upper, lower string) {
	if f == nil {
		return
	}
	f.show(upper, lower)
	f.mu.Lock()
	f.timer = time.AfterFunc(f.welcomeAfter, func() { f.show(f.welcome[0], f.welcome[1]) })
	f.mu.Unlock()
}

// wait blocks until nothing is pending or being sent (for tests).
func (f *displayFeed) wait() {
	f.mu.Lock()
	idle := f.idle
	f.mu.Unlock()
	<-idle
}

// showItemLocked shows line i and the running total; r.mu is held.
func (r *Register) showItemLocked(i int) {
	if r.display == nil || i < 0 || i >= len(r.sale.Lines) {
		return
	}
	l := r.sale.Lines[i]
	amount, err := l.Amount()
	if err != nil {
		return
	}
	t, err := r.sale.Totals()
	if err != nil {
		return
	}
	upper := l.Name
	if l.Weighed {
		upper = pos.FormatPlain(int64(l.Qty), 3) + "kg " + l.Name
	} else if l.Qty != pos.QtyOne {
		upper = pos.FormatPlain(int64(l.Qty)/1000, 0) + "x " + l.Name
	}
	r.display.show(fit(upper, r.plain(amount)), fit("Total "+r.cfg.Currency.Code, r.plain(t.Gross)))
}

// showPaid shows a completed sale's total, paid and change.
func (r *Register) showPaid(rec pos.SaleRecord) {
	if r.display == nil {
		return
	}
	t := rec.Totals
	change := "Change " + r.plain(t.Change)
	if len("Paid "+r.plain(t.Paid))+1+len(change) > DisplayColumns {
		change = "Chg " + r.plain(t.Change)
	}
	r.display.showThenWelcome(fit("Total "+r.cfg.Currency.Code, r.plain(t.Gross)), fit("Paid "+r.plain(t.Paid), change))
}

func (r *Register) plain(amount int64) string { return pos.FormatPlain(amount, r.cfg.Currency.Digits) }

// fit lays left and right out on one display line: right flush right, left
// cut to make room.
func fit(left, right string) string {
	room := DisplayColumns - utf8.RuneCountInString(right) - 1
	if room < 0 {
		return truncateRunes(right, DisplayColumns)
	}
	left = truncateRunes(left, room)
	return left + strings.Repeat(" ", DisplayColumns-utf8.RuneCountInString(left)-utf8.RuneCountInString(right)) + right
}

func center(s string) string {
	s = truncateRunes(s, DisplayColumns)
	return strings.Repeat(" ", (DisplayColumns-utf8.RuneCountInString(s))/2) + s
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
