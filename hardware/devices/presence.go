package devices

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tillpos/till/hardware/serialport"
)

// Presence watches a device whose driver lives elsewhere (scanner, card
// terminal, display, scale): a serial device is there when its port node
// exists, a USB device when it can be opened, a TCP device when its port
// accepts (ZVT terminals: checked only until the driver reports, since a
// terminal serves one connection). Its driver refines the state with
// Manager.Report.
type Presence struct {
	name    string
	kind    Kind
	link    Link
	timeout time.Duration
}

// Name is the configured name.
func (p *Presence) Name() string { return p.name }

// Kind is the configured kind.
func (p *Presence) Kind() Kind { return p.kind }

// Check reports whether the device is there.
func (p *Presence) Check(ctx context.Context) error {
	if l, ok := p.link.(SerialLink); ok {
		if serialport.Exists(l.Path) {
			return nil
		}
		return fmt.Errorf("%w: %s", absent(p.kind), l.Path)
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	c, err := p.link.Open(ctx)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", absent(p.kind), p.link, err)
	}
	return c.Close()
}

// Close does nothing: Presence holds nothing open.
func (p *Presence) Close() error { return nil }

func absent(k Kind) error {
	switch k {
	case KindTerminal:
		return ErrTerminalUnreachable
	case KindScanner:
		return ErrScannerUnplugged
	case KindDisplay:
		return ErrDisplayUnplugged
	case KindScale:
		return ErrScaleUnplugged
	}
	return errors.New(k.Label() + " not connected")
}

// Drawer is the cash drawer on a printer's kick connector, read through
// the printer's DLE EOT 1 (bit 2). Check reports ErrDrawerOpen while it is
// open, so the status strip warns; with Policy DrawerWait the register
// also calls WaitClosed before starting the next sale.
type Drawer struct {
	name    string
	printer *Printer
	Policy  DrawerPolicy
}

// Name is "<printer> drawer".
func (d *Drawer) Name() string { return d.name }

// Kind is KindDrawer.
func (d *Drawer) Kind() Kind { return KindDrawer }

// Open reports whether the drawer is open.
func (d *Drawer) Open(ctx context.Context) (bool, error) { return d.printer.DrawerOpen(ctx) }

// Check is ErrDrawerOpen while the drawer is open; a printer that does
// not answer leaves the drawer unknown (reported as not answering).
func (d *Drawer) Check(ctx context.Context) error {
	open, err := d.Open(ctx)
	if err != nil {
		return err
	}
	if open {
		return ErrDrawerOpen
	}
	return nil
}

// WaitClosed polls the sensor every interval until the drawer is closed
// or ctx ends. A printer that does not answer does not hold the sale up:
// it returns that error at once.
func (d *Drawer) WaitClosed(ctx context.Context, every time.Duration) error {
	for {
		open, err := d.Open(ctx)
		if err != nil || !open {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(every):
		}
	}
}

// Close does nothing: the printer owns the link.
func (d *Drawer) Close() error { return nil }
