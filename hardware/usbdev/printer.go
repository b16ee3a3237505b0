package usbdev

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// DefaultTimeout bounds a transfer when no read timeout is set.
const DefaultTimeout = 5 * time.Second

// PrinterConn is a USB printer as an io.ReadWriteCloser for the ESC/POS
// code (escpos.ReadStatus and the job bytes). Reads are served from whole
// IN packets: a printer answers three DLE EOT queries in one packet, and
// reading a packet into a smaller buffer is a libusb overflow error.
// Zero-length packets (some printers send them when idle) are skipped
// until the read timeout.
type PrinterConn struct {
	pipe Pipe

	mu      sync.Mutex
	timeout time.Duration
	pending []byte
	packet  []byte
}

// NewPrinterConn wraps a claimed printer pipe.
func NewPrinterConn(p Pipe) *PrinterConn {
	return &PrinterConn{pipe: p, timeout: DefaultTimeout}
}

// SetReadTimeout bounds each Read and Write (zero: DefaultTimeout).
func (c *PrinterConn) SetReadTimeout(d time.Duration) error {
	if d <= 0 {
		d = DefaultTimeout
	}
	c.mu.Lock()
	c.timeout = d
	c.mu.Unlock()
	return nil
}

func (c *PrinterConn) ctx() (context.Context, context.CancelFunc) {
	c.mu.Lock()
	d := c.timeout
	c.mu.Unlock()
	return context.WithTimeout(context.Background(), d)
}

// Write sends p to the bulk OUT endpoint.
func (c *PrinterConn) Write(p []byte) (int, error) {
	ctx, cancel := c.ctx()
	defer cancel()
	n, err := c.pipe.Out(ctx, p)
	if err != nil {
		return n, fmt.Errorf("usb printer write: %w", classify(ctx, err))
	}
	if n < len(p) {
		return n, fmt.Errorf("usb printer write: %d of %d bytes: %w", n, len(p), ErrTimeout)
	}
	return n, nil
}

// Read returns buffered bytes, or reads the next non-empty IN packet.
func (c *PrinterConn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c.mu.Lock()
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		c.mu.Unlock()
		return n, nil
	}
	c.mu.Unlock()
	mp := c.pipe.MaxPacket()
	if mp <= 0 {
		return 0, fmt.Errorf("usb printer read: %w: the printer has no IN endpoint (write-only)", ErrNoInterface)
	}
	if len(c.packet) < mp {
		c.packet = make([]byte, mp)
	}
	ctx, cancel := c.ctx()
	defer cancel()
	for {
		n, err := c.pipe.In(ctx, c.packet[:mp])
		if err != nil {
			return 0, fmt.Errorf("usb printer read: %w", classify(ctx, err))
		}
		if n == 0 {
			if ctx.Err() != nil {
				return 0, fmt.Errorf("usb printer read: %w", ErrTimeout)
			}
			continue
		}
		got := copy(p, c.packet[:n])
		c.mu.Lock()
		c.pending = append(c.pending[:0], c.packet[got:n]...)
		c.mu.Unlock()
		return got, nil
	}
}

// Close releases the interface.
func (c *PrinterConn) Close() error { return c.pipe.Close() }

func classify(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ErrTimeout, err)
	}
	return err
}
