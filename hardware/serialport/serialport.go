// Package serialport owns Till's serial transport: opening a port by path
// with a line mode (baud, data bits, parity, stop bits) through
// go.bug.st/serial, listing ports with their USB vendor and product ids for
// first-run discovery, and typed errors the UI can explain. Scanner, scale
// and pole display drivers use a *Port as an io.ReadWriteCloser.
package serialport

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.bug.st/serial"
	"go.bug.st/serial/enumerator"
)

// Parity of a serial line.
type Parity byte

const (
	NoParity   Parity = 'N'
	EvenParity Parity = 'E'
	OddParity  Parity = 'O'
)

// Mode is a serial line's setting, e.g. 9600 8N1.
type Mode struct {
	Baud     int
	DataBits int // 7 or 8
	Parity   Parity
	StopBits int // 1 or 2
}

// The modes shop devices use: scanners and pole displays speak 9600 8N1,
// Toledo 8217 scales 9600 7E1.
var (
	Mode8N1 = Mode{Baud: 9600, DataBits: 8, Parity: NoParity, StopBits: 1}
	Mode7E1 = Mode{Baud: 9600, DataBits: 7, Parity: EvenParity, StopBits: 1}
)

func (m Mode) String() string {
	return fmt.Sprintf("%d %d%c%d", m.Baud, m.DataBits, m.Parity, m.StopBits)
}

// ParseMode reads "9600 8N1" or "9600,7E1".
func ParseMode(s string) (Mode, error) {
	baud, frame, ok := strings.Cut(strings.ReplaceAll(strings.TrimSpace(s), ",", " "), " ")
	frame = strings.ToUpper(strings.TrimSpace(frame))
	if !ok || len(frame) != 3 {
		return Mode{}, fmt.Errorf("serial mode %q: want e.g. \"9600 8N1\"", s)
	}
	b, err := strconv.Atoi(baud)
	if err != nil {
		return Mode{}, fmt.Errorf("serial mode %q: baud rate is not a number", s)
	}
	m := Mode{Baud: b, DataBits: int(frame[0] - '0'), Parity: Parity(frame[1]), StopBits: int(frame[2] - '0')}
	return m, m.Validate()
}

// Validate checks the mode's fields.
func (m Mode) Validate() error {
	switch {
	case m.Baud < 50 || m.Baud > 4_000_000:
		return fmt.Errorf("serial mode: baud rate %d is out of range", m.Baud)
	case m.DataBits < 5 || m.DataBits > 8:
		return fmt.Errorf("serial mode: %d data bits (want 5 to 8)", m.DataBits)
	case m.Parity != NoParity && m.Parity != EvenParity && m.Parity != OddParity:
		return fmt.Errorf("serial mode: parity %q (want N, E or O)", m.Parity)
	case m.StopBits != 1 && m.StopBits != 2:
		return fmt.Errorf("serial mode: %d stop bits (want 1 or 2)", m.StopBits)
	}
	return nil
}

func (m Mode) native() *serial.Mode {
	n := &serial.Mode{BaudRate: m.Baud, DataBits: m.DataBits, StopBits: serial.OneStopBit}
	if m.StopBits == 2 {
		n.StopBits = serial.TwoStopBits
	}
	switch m.Parity {
	case EvenParity:
		n.Parity = serial.EvenParity
	case OddParity:
		n.Parity = serial.OddParity
	default:
		n.Parity = serial.NoParity
	}
	return n
}

// Errors Open and Read wrap; compare with errors.Is.
var (
	ErrNotFound   = errors.New("serial port not found (unplugged?)")
	ErrBusy       = errors.New("serial port is in use by another program")
	ErrPermission = errors.New("no permission for the serial port: add the user to the dialout group")
	ErrClosed     = errors.New("serial port closed or disconnected")
	ErrTimeout    = timeoutError("serial port: no data within the read timeout")
)

// timeoutError is ErrTimeout's type: Timeout() tells readers that keep a
// connection open (escpos.ASBConn) that the device is only quiet.
type timeoutError string

func (e timeoutError) Error() string { return string(e) }

// Timeout is true.
func (timeoutError) Timeout() bool { return true }

// Port is an open serial port. Read blocks until data arrives, the read
// timeout passes (ErrTimeout) or the port is closed or unplugged (an error
// wrapping ErrClosed); Close unblocks a waiting Read.
type Port struct {
	path string
	mode Mode
	p    serial.Port

	mu      sync.Mutex
	timeout time.Duration
}

// Open opens the port at path (/dev/ttyUSB0, /dev/ttyACM0, COM3, a pty).
func Open(path string, m Mode) (*Port, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	p, err := serial.Open(path, m.native())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, classify(err))
	}
	return &Port{path: path, mode: m, p: p}, nil
}

func classify(err error) error {
	var pe *serial.PortError
	if errors.As(err, &pe) {
		switch pe.Code() {
		case serial.PortBusy:
			return fmt.Errorf("%w (%v)", ErrBusy, err)
		case serial.PermissionDenied:
			return fmt.Errorf("%w (%v)", ErrPermission, err)
		case serial.PortNotFound:
			return fmt.Errorf("%w (%v)", ErrNotFound, err)
		case serial.PortClosed:
			return fmt.Errorf("%w (%v)", ErrClosed, err)
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w (%v)", ErrNotFound, err)
	}
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("%w (%v)", ErrPermission, err)
	}
	return err
}

// Path is the path the port was opened with.
func (p *Port) Path() string { return p.path }

// Mode is the line mode the port was opened with.
func (p *Port) Mode() Mode { return p.mode }

// SetReadTimeout bounds each Read; 0 waits forever.
func (p *Port) SetReadTimeout(d time.Duration) error {
	t := d
	if d <= 0 {
		t = serial.NoTimeout
	}
	if err := p.p.SetReadTimeout(t); err != nil {
		return classify(err)
	}
	p.mu.Lock()
	p.timeout = d
	p.mu.Unlock()
	return nil
}

// Read reads what has arrived, at least one byte.
func (p *Port) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	n, err := p.p.Read(b)
	if err != nil {
		// A pty whose other side went away reads EIO: unplugged, for us.
		return n, fmt.Errorf("read %s: %w", p.path, errors.Join(ErrClosed, err))
	}
	if n == 0 {
		return 0, fmt.Errorf("read %s: %w", p.path, ErrTimeout)
	}
	return n, nil
}

// Write writes b.
func (p *Port) Write(b []byte) (int, error) {
	n, err := p.p.Write(b)
	if err != nil {
		return n, fmt.Errorf("write %s: %w", p.path, errors.Join(ErrClosed, err))
	}
	return n, nil
}

// ResetInput drops bytes received and not yet read (a stale answer).
func (p *Port) ResetInput() error { return classify(p.p.ResetInputBuffer()) }

// Close closes the port; a blocked Read returns.
func (p *Port) Close() error { return p.p.Close() }

// Exists reports whether a device node is at path, to poll for a replugged
// device without opening it.
func Exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Info describes a serial port found on the machine.
type Info struct {
	Path    string
	USB     bool
	VID     string // USB vendor id, hex, e.g. "0c2e" (Honeywell)
	PID     string // USB product id, hex
	Serial  string
	Product string
}

// List returns the serial ports of the machine with USB details where known.
func List() ([]Info, error) {
	ds, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, fmt.Errorf("list serial ports: %w", err)
	}
	out := make([]Info, 0, len(ds))
	for _, d := range ds {
		out = append(out, Info{Path: d.Name, USB: d.IsUSB, VID: strings.ToLower(d.VID), PID: strings.ToLower(d.PID), Serial: d.SerialNumber, Product: d.Product})
	}
	return out, nil
}
