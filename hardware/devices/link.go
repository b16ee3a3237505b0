package devices

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/tillpos/till/hardware/serialport"
	"github.com/tillpos/till/hardware/usbdev"
)

// TCPLink dials host:port for each session.
type TCPLink struct{ Addr string }

// Open dials the address.
func (l TCPLink) Open(ctx context.Context) (io.ReadWriteCloser, error) {
	var d net.Dialer
	return d.DialContext(ctx, "tcp", l.Addr)
}

// Persistent is false: port 9100 printers serve one client at a time.
func (TCPLink) Persistent() bool { return false }

func (l TCPLink) String() string { return "tcp " + l.Addr }

// SerialLink opens a serial port (or a USB CDC-ACM port, or a pty) and
// keeps it open.
type SerialLink struct {
	Path string
	Mode serialport.Mode
}

// Open opens the port and drops any stale bytes it holds.
func (l SerialLink) Open(context.Context) (io.ReadWriteCloser, error) {
	p, err := serialport.Open(l.Path, l.Mode)
	if err != nil {
		return nil, err
	}
	_ = p.ResetInput()
	return p, nil
}

// Persistent is true.
func (SerialLink) Persistent() bool { return true }

func (l SerialLink) String() string { return "serial " + l.Path }

// USBLink opens a USB printer-class device's bulk endpoints.
type USBLink struct {
	VID, PID uint16
	USB      usbdev.Bus
}

// Open claims the printer interface (detaching usblp).
func (l USBLink) Open(ctx context.Context) (io.ReadWriteCloser, error) {
	if l.USB == nil {
		return nil, fmt.Errorf("usb %04x:%04x: %w", l.VID, l.PID, usbdev.ErrNoUSB)
	}
	return l.USB.OpenPrinter(ctx, l.VID, l.PID)
}

// Persistent is true.
func (USBLink) Persistent() bool { return true }

func (l USBLink) String() string { return fmt.Sprintf("usb %04x:%04x", l.VID, l.PID) }
