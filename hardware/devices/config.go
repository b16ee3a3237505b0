package devices

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/tillpos/till/hardware/escpos"
	"github.com/tillpos/till/hardware/serialport"
)

// Kind is what a device is for.
type Kind string

// Device kinds.
const (
	KindPrinter  Kind = "printer"
	KindDrawer   Kind = "drawer" // a cash drawer on a printer's kick connector
	KindScanner  Kind = "scanner"
	KindTerminal Kind = "terminal"
	KindDisplay  Kind = "display"
	KindScale    Kind = "scale"
)

// Label is the kind as the cashier reads it.
func (k Kind) Label() string {
	switch k {
	case KindPrinter:
		return "Printer"
	case KindDrawer:
		return "Cash drawer"
	case KindScanner:
		return "Scanner"
	case KindTerminal:
		return "Card terminal"
	case KindDisplay:
		return "Customer display"
	case KindScale:
		return "Scale"
	}
	return "Device"
}

// Transport is how a device is reached.
type Transport string

// Transports.
const (
	TransportTCP    Transport = "tcp"    // host:port (printers 9100, ZVT 20007)
	TransportSerial Transport = "serial" // /dev/ttyUSB0, /dev/serial/by-id/..., COM3
	TransportUSB    Transport = "usb"    // vid:pid in hex, e.g. 04b8:0202
)

// Config is one device as configured. Options by kind:
//
//	printer: profile (80mm, 80mm-42, 58mm), mode (serial, "19200 8N1"),
//	         drawer (none, warn, wait: watch the drawer sensor), pin (drawer
//	         kick pin, 2 or 5), timeout (e.g. 5s), status (poll: DLE EOT,
//	         the default; asb: automatic status back on serial and USB links)
//	scanner: transport usb (HID boot keyboard, address vid:pid): interface
//	         (the HID interface number; default the boot keyboard one)
//	any:     mode for serial devices ("9600 8N1")
type Config struct {
	Name      string            `json:"name"` // unique; defaults to the kind
	Kind      Kind              `json:"kind"`
	Transport Transport         `json:"transport"`
	Address   string            `json:"address"`
	Options   map[string]string `json:"options,omitempty"`
}

// DrawerPolicy is what the register does about an open cash drawer.
type DrawerPolicy string

// Drawer policies.
const (
	DrawerNone DrawerPolicy = "none" // do not watch the sensor
	DrawerWarn DrawerPolicy = "warn" // show "Cash drawer open" in the status strip
	DrawerWait DrawerPolicy = "wait" // also wait for it to close before the next sale
)

// Drawer is the printer's drawer policy (default none).
func (c Config) Drawer() DrawerPolicy {
	if p := DrawerPolicy(c.Options["drawer"]); p != "" {
		return p
	}
	return DrawerNone
}

// Profile is a printer's paper profile (default 80 mm, 48 columns).
func (c Config) Profile() escpos.Profile {
	switch c.Options["profile"] {
	case "80mm-42":
		return escpos.Profile80mm42
	case "58mm":
		return escpos.Profile58mm
	}
	return escpos.Profile80mm
}

// Mode is a serial device's line mode (default 9600 8N1; printers often
// run at 19200 or 38400).
func (c Config) Mode() (serialport.Mode, error) {
	if s := c.Options["mode"]; s != "" {
		return serialport.ParseMode(s)
	}
	return serialport.Mode8N1, nil
}

// Timeout bounds one exchange with the device (default escpos.DefaultTimeout).
func (c Config) Timeout() (time.Duration, error) {
	s := c.Options["timeout"]
	if s == "" {
		return escpos.DefaultTimeout, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("timeout %q: use a duration such as 5s", s)
	}
	return d, nil
}

// USBInterface is a USB scanner's HID interface number, or -1 (the boot
// keyboard interface) when the option is not set.
func (c Config) USBInterface() int {
	n, err := strconv.Atoi(c.Options["interface"])
	if err != nil || n < 0 || n > 255 {
		return -1
	}
	return n
}

// ParseUSBID reads "04b8:0202" (vendor:product, hex).
func ParseUSBID(s string) (vid, pid uint16, err error) {
	v, p, ok := strings.Cut(s, ":")
	if ok {
		var a, b uint64
		a, err = strconv.ParseUint(v, 16, 16)
		if err == nil {
			b, err = strconv.ParseUint(p, 16, 16)
		}
		if err == nil && len(v) == 4 && len(p) == 4 {
			return uint16(a), uint16(b), nil
		}
	}
	return 0, 0, fmt.Errorf("usb address %q: use vendor:product in hex, e.g. 04b8:0202", s)
}

// Validate reports every problem of one device's configuration.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("device %q: "+format, append([]any{c.Name}, a...)...))
	}
	switch c.Kind {
	case KindPrinter, KindScanner, KindTerminal, KindDisplay, KindScale:
	default:
		bad("kind %q: use printer, scanner, terminal, display or scale", c.Kind)
	}
	switch c.Transport {
	case TransportTCP:
		if _, _, err := net.SplitHostPort(c.Address); err != nil {
			bad("address %q: use host:port, e.g. 192.168.1.50:9100", c.Address)
		}
	case TransportSerial:
		if c.Address == "" {
			bad("address: give the serial port, e.g. /dev/ttyUSB0 or /dev/serial/by-id/...")
		}
		if _, err := c.Mode(); err != nil {
			bad("%v", err)
		}
	case TransportUSB:
		if _, _, err := ParseUSBID(c.Address); err != nil {
			bad("%v", err)
		}
	default:
		bad("transport %q: use tcp, serial or usb", c.Transport)
	}
	if c.Kind == KindPrinter {
		switch c.Options["profile"] {
		case "", "80mm", "80mm-42", "58mm":
		default:
			bad("profile %q: use 80mm, 80mm-42 or 58mm", c.Options["profile"])
		}
		switch c.Drawer() {
		case DrawerNone, DrawerWarn, DrawerWait:
		default:
			bad("drawer %q: use none, warn or wait", c.Options["drawer"])
		}
		switch c.Options["pin"] {
		case "", "2", "5":
		default:
			bad("pin %q: the drawer kick pin is 2 or 5", c.Options["pin"])
		}
		switch c.Options["status"] {
		case "", "poll", "asb":
		default:
			bad("status %q: use poll (DLE EOT) or asb (automatic status back)", c.Options["status"])
		}
	}
	if v, ok := c.Options["interface"]; ok && (c.USBInterface() < 0 || c.Transport != TransportUSB) {
		bad("interface %q: give the USB interface number (0-255) of a usb device", v)
	}
	if _, err := c.Timeout(); err != nil {
		bad("%v", err)
	}
	return errors.Join(errs...)
}

// ValidateAll checks every device and that names are unique.
func ValidateAll(cfgs []Config) error {
	var errs []error
	seen := map[string]bool{}
	for _, c := range cfgs {
		c = c.withDefaults()
		if seen[c.Name] {
			errs = append(errs, fmt.Errorf("device %q: two devices have this name: give each a name", c.Name))
		}
		seen[c.Name] = true
		errs = append(errs, c.Validate())
	}
	return errors.Join(errs...)
}

func (c Config) withDefaults() Config {
	if c.Name == "" {
		c.Name = string(c.Kind)
	}
	return c
}
