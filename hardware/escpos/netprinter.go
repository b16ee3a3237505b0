package escpos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/tillpos/till/app/pos"
)

// DefaultTimeout bounds the dial and the exchange with a printer.
const DefaultTimeout = 5 * time.Second

// ReadStatus sends DLE EOT 1, 2 and 4 on rw and reads the one-byte replies.
// It is the transport-independent core shared by TCP, serial and USB
// printers; the caller sets deadlines on rw.
func ReadStatus(rw io.ReadWriter) (Status, error) {
	var e Encoder
	for _, k := range statusKinds {
		e.StatusRequest(k)
	}
	if _, err := rw.Write(e.Bytes()); err != nil {
		return Status{}, fmt.Errorf("send status request: %w", err)
	}
	replies := make([]byte, len(statusKinds))
	if _, err := io.ReadFull(rw, replies); err != nil {
		return Status{}, fmt.Errorf("read status reply: %w", err)
	}
	return ParseStatus(statusKinds, replies)
}

// PrintJob checks the printer's status, writes job and checks the status
// again. It refuses to send anything when the printer cannot print and
// returns the typed error (ErrPaperOut, ErrCoverOpen, ErrOffline) wrapped.
// A status error after the job means it may be incomplete: the caller
// reprints it, marked as a copy.
func PrintJob(rw io.ReadWriter, job []byte) error {
	st, err := ReadStatus(rw)
	if err != nil {
		return err
	}
	if err := st.Err(); err != nil {
		return fmt.Errorf("before job (%s): %w", st, err)
	}
	if _, err := rw.Write(job); err != nil {
		return fmt.Errorf("write job: %w", err)
	}
	st, err = ReadStatus(rw)
	if err != nil {
		return fmt.Errorf("after job: %w", err)
	}
	if err := st.Err(); err != nil {
		return fmt.Errorf("after job (%s): %w", st, err)
	}
	return nil
}

// NetPrinter prints on an ESC/POS printer on TCP (usually port 9100). Such
// printers serve one client at a time, so every job connects, prints and
// closes, and calls on one NetPrinter are serialised.
type NetPrinter struct {
	Addr    string        // host:port
	Profile Profile       // zero value: Profile80mm
	Timeout time.Duration // limit for the dial and for the whole exchange; zero: DefaultTimeout

	mu sync.Mutex
}

// NewNetPrinter returns a printer at addr with profile p and DefaultTimeout.
func NewNetPrinter(addr string, p Profile) *NetPrinter {
	return &NetPrinter{Addr: addr, Profile: p, Timeout: DefaultTimeout}
}

// Print renders doc for the printer's profile and prints it. It returns nil
// only when the printer took the job and reported no fault afterwards.
func (p *NetPrinter) Print(ctx context.Context, doc pos.Doc) error {
	prof := p.Profile
	if prof.Columns == 0 {
		prof = Profile80mm
	}
	job := Render(doc, prof)
	return p.session(ctx, "print "+doc.ID, func(c net.Conn) error { return PrintJob(c, job) })
}

// OpenDrawer pulses the drawer kick pin for 50 ms. An offline printer does
// not execute it, so its status is checked first.
func (p *NetPrinter) OpenDrawer(ctx context.Context, pin DrawerPin) error {
	return p.session(ctx, "open drawer", func(c net.Conn) error {
		st, err := ReadStatus(c)
		if err != nil {
			return err
		}
		if st.Offline {
			if err := st.Err(); err != nil {
				return err
			}
		}
		var e Encoder
		_, err = c.Write(e.DrawerKick(pin, 25, 250).Bytes())
		return err
	})
}

// Status asks the printer for its state.
func (p *NetPrinter) Status(ctx context.Context) (Status, error) {
	var st Status
	err := p.session(ctx, "status", func(c net.Conn) error {
		var err error
		st, err = ReadStatus(c)
		return err
	})
	return st, err
}

// session connects, runs f with a deadline and closes. Errors that are not
// already a printer state become ErrUnreachable, with the cause kept.
func (p *NetPrinter) session(ctx context.Context, what string, f func(net.Conn) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", p.Addr)
	if err != nil {
		return fmt.Errorf("%w: escpos %s: %w", ErrUnreachable, what, err)
	}
	defer conn.Close()
	// A cancelled context unblocks any read or write at once.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	if err := conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return fmt.Errorf("%w: escpos %s: %w", ErrUnreachable, what, err)
	}
	err = f(conn)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("%w: escpos %s at %s: %w", ErrUnreachable, what, p.Addr, ctx.Err())
	case isPrinterState(err):
		return fmt.Errorf("escpos %s at %s: %w", what, p.Addr, err)
	}
	return fmt.Errorf("%w: escpos %s at %s: %w", ErrUnreachable, what, p.Addr, err)
}

func isPrinterState(err error) bool {
	return errors.Is(err, ErrPaperOut) || errors.Is(err, ErrCoverOpen) || errors.Is(err, ErrOffline)
}
