package devices

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/escpos"
)

// Link opens a device's transport.
type Link interface {
	Open(ctx context.Context) (io.ReadWriteCloser, error)
	// Persistent links stay open between jobs (serial, USB); a TCP printer
	// serves one client at a time, so it is connected per job.
	Persistent() bool
	String() string
}

// Printer is an ESC/POS receipt printer on any Link. It implements
// register.Printer: Print checks the status (DLE EOT) before the job and
// refuses, without sending anything, a printer that cannot print (the error
// wraps register.ErrNothingPrinted); it checks again after the job, and a
// fault then (paper ran out mid-receipt) or a transport failure mid-job
// means part of the job may be on paper, so the spooler reprints it whole,
// marked COPY. A persistent link that fails is closed and reopened on the
// next job or poll. Calls are serialised.
type Printer struct {
	name    string
	link    Link
	profile escpos.Profile
	timeout time.Duration

	mu   sync.Mutex
	conn io.ReadWriteCloser // open persistent link, or nil

	report func(error) // the manager's hook: the outcome of every exchange

	// asb: on a persistent link, turn on automatic status back (GS a) and
	// answer polls from the pushed status; see printer_asb.go.
	asb bool
}

var _ register.Printer = (*Printer)(nil)

// NewPrinter returns a printer on link with profile p; timeout bounds each
// exchange (zero: escpos.DefaultTimeout).
func NewPrinter(name string, link Link, p escpos.Profile, timeout time.Duration) *Printer {
	if timeout <= 0 {
		timeout = escpos.DefaultTimeout
	}
	return &Printer{name: name, link: link, profile: p, timeout: timeout}
}

// Name is the configured name.
func (p *Printer) Name() string { return p.name }

// Kind is KindPrinter.
func (p *Printer) Kind() Kind { return KindPrinter }

// Print renders doc for the printer's profile and prints it.
func (p *Printer) Print(ctx context.Context, doc pos.Doc) error {
	job := escpos.Render(doc, p.profile)
	return p.session(ctx, "print "+doc.ID, func(rw io.ReadWriter) error {
		st, err := escpos.ReadStatus(rw)
		if err != nil {
			return fmt.Errorf("%w: %w: before job: %w", register.ErrNothingPrinted, escpos.ErrUnreachable, err)
		}
		if err := st.Err(); err != nil {
			return fmt.Errorf("%w: before job (%s): %w", register.ErrNothingPrinted, st, err)
		}
		if _, err := rw.Write(job); err != nil {
			return fmt.Errorf("%w: write job: %w", escpos.ErrUnreachable, err)
		}
		st, err = escpos.ReadStatus(rw)
		if err != nil {
			return fmt.Errorf("%w: after job: %w", escpos.ErrUnreachable, err)
		}
		if err := st.Err(); err != nil {
			return fmt.Errorf("after job (%s): %w", st, err)
		}
		return nil
	})
}

// Status asks the printer for its state.
func (p *Printer) Status(ctx context.Context) (escpos.Status, error) {
	if st, ok := p.pushedStatus(); ok {
		return st, nil
	}
	var st escpos.Status
	err := p.session(ctx, "status", func(rw io.ReadWriter) error {
		var err error
		if st, err = escpos.ReadStatus(rw); err != nil {
			return fmt.Errorf("%w: %w", escpos.ErrUnreachable, err)
		}
		return nil
	})
	return st, err
}

// DrawerOpen reads the drawer sensor (DLE EOT 1, bit 2) through the printer.
func (p *Printer) DrawerOpen(ctx context.Context) (bool, error) {
	st, err := p.Status(ctx)
	return st.DrawerOpen, err
}

// OpenDrawer pulses the drawer kick pin for 50 ms. An offline printer
// does not execute it, so the status is checked first.
func (p *Printer) OpenDrawer(ctx context.Context, pin escpos.DrawerPin) error {
	return p.session(ctx, "open drawer", func(rw io.ReadWriter) error {
		st, err := escpos.ReadStatus(rw)
		if err != nil {
			return fmt.Errorf("%w: %w", escpos.ErrUnreachable, err)
		}
		if st.Offline {
			if err := st.Err(); err != nil {
				return err
			}
		}
		var e escpos.Encoder
		if _, err := rw.Write(e.DrawerKick(pin, 25, 250).Bytes()); err != nil {
			return fmt.Errorf("%w: %w", escpos.ErrUnreachable, err)
		}
		return nil
	})
}

// Check opens the link if needed and reads the status: nil when the
// printer can print. The manager calls it to poll; a printer busy with a
// job is not disturbed (errBusy).
func (p *Printer) Check(ctx context.Context) error {
	if !p.mu.TryLock() {
		return errBusy
	}
	p.mu.Unlock()
	st, err := p.Status(ctx)
	if err != nil {
		return err
	}
	return st.Err()
}

// Close closes a persistent link.
func (p *Printer) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dropLocked()
}

func (p *Printer) dropLocked() error {
	if p.conn == nil {
		return nil
	}
	err := p.conn.Close()
	p.conn = nil
	return err
}

// session runs f on an open link under the lock and reports the outcome.
func (p *Printer) session(ctx context.Context, what string, f func(io.ReadWriter) error) (err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer func() {
		if p.report != nil {
			p.report(err)
		}
	}()
	conn := p.conn
	if conn == nil {
		oc, cancel := context.WithTimeout(ctx, p.timeout)
		conn, err = p.link.Open(oc)
		cancel()
		if err != nil {
			return fmt.Errorf("%w: %w: %s %s: %w", register.ErrNothingPrinted, escpos.ErrUnreachable, p.link, what, err)
		}
		if p.link.Persistent() {
			if conn, err = p.withASB(conn); err != nil {
				return fmt.Errorf("%w: %w: %s %s: %w", register.ErrNothingPrinted, escpos.ErrUnreachable, p.link, what, err)
			}
			p.conn = conn
		}
	}
	if !p.link.Persistent() {
		defer conn.Close()
	}
	deadline(conn, p.timeout)
	// A cancelled context unblocks any read or write at once: a net.Conn by
	// its deadline, anything else by closing it (it is reopened next time).
	stop := context.AfterFunc(ctx, func() {
		if nc, ok := conn.(net.Conn); ok {
			_ = nc.SetDeadline(time.Now())
			return
		}
		_ = conn.Close()
	})
	defer stop()
	err = f(conn)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil || isUnreachable(err) {
		// The link is in an unknown state (unplugged, half a reply read):
		// start over with a fresh open.
		if p.link.Persistent() {
			_ = p.dropLocked()
		}
	}
	if ctx.Err() != nil && !isUnreachable(err) {
		err = fmt.Errorf("%w: %w", escpos.ErrUnreachable, err)
	}
	return fmt.Errorf("%s %s: %w", p.link, what, err)
}

// deadline bounds the exchange: net.Conn by SetDeadline, a serial port by
// its read timeout (its Read then fails instead of blocking).
func deadline(conn io.ReadWriteCloser, d time.Duration) {
	switch c := conn.(type) {
	case interface{ SetDeadline(time.Time) error }:
		_ = c.SetDeadline(time.Now().Add(d))
	case interface{ SetReadTimeout(time.Duration) error }:
		_ = c.SetReadTimeout(d)
	}
}

var errBusy = errors.New("device busy")

func isUnreachable(err error) bool {
	return errors.Is(err, escpos.ErrUnreachable) || errors.Is(err, ErrTerminalUnreachable) ||
		errors.Is(err, ErrScannerUnplugged) || errors.Is(err, ErrDisplayUnplugged) || errors.Is(err, ErrScaleUnplugged)
}
