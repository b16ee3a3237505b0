package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/devices"
	"github.com/tillpos/till/hardware/display"
	"github.com/tillpos/till/hardware/scale"
	"github.com/tillpos/till/hardware/scanner"
	"github.com/tillpos/till/hardware/serialport"
	"github.com/tillpos/till/hardware/zvt"
)

// Options of the devices other than printers (docs/DEVICES.md):
//
//	scanner:  transport serial; mode (default 9600 8N1), suffix (CR, LF, CRLF);
//	          or transport usb (HID boot keyboard, address vid:pid), interface
//	display:  transport serial; mode (default 9600 8N1)
//	scale:    transport serial; mode (default 9600 7E1)
//	terminal: transport tcp (ZVT, port 20007) or serial; password (6
//	          digits, default 000000), currency (ISO 4217 number, default
//	          from store.currency)

// zvtCurrencies are the ISO 4217 numbers ZVT registration sends.
var zvtCurrencies = map[string]int{"EUR": 978, "CHF": 756, "DKK": 208, "SEK": 752, "NOK": 578, "PLN": 985,
	"CZK": 203, "HUF": 348, "GBP": 826, "USD": 840}

var zvtPasswordRE = regexp.MustCompile(`^[0-9]{6}$`)

// validatePeripherals checks what the register needs of the scanner,
// display, scale and terminal entries beyond devices.Validate.
func validatePeripherals(c *Config) []error {
	var errs []error
	bad := func(d devices.Config, format string, a ...any) {
		name := d.Name
		if name == "" {
			name = string(d.Kind)
		}
		errs = append(errs, fmt.Errorf("devices: device %q: "+format, append([]any{name}, a...)...))
	}
	count := map[devices.Kind]int{}
	for _, d := range c.Devices {
		count[d.Kind]++
		switch d.Kind {
		case devices.KindScanner:
			if d.Transport == devices.TransportUSB && d.Options["suffix"] != "" {
				bad(d, "suffix: a USB (HID) scanner ends each code with Enter; suffix is for serial scanners")
			}
			if d.Transport == devices.TransportTCP {
				bad(d, "transport tcp: a scanner is connected by serial or usb")
			}
			if _, err := scanner.ParseSuffix(d.Options["suffix"]); err != nil {
				bad(d, "%v", err)
			}
		case devices.KindDisplay, devices.KindScale:
			if d.Transport != devices.TransportSerial {
				bad(d, "transport %q: a %s is connected by serial (or USB serial): use transport serial", d.Transport, strings.ToLower(d.Kind.Label()))
			}
		case devices.KindTerminal:
			if d.Transport == devices.TransportUSB {
				bad(d, "transport usb: a ZVT card terminal is reached by tcp (port 20007) or serial")
			}
			if p := d.Options["password"]; p != "" && !zvtPasswordRE.MatchString(p) {
				bad(d, "password: the terminal's ECR password is 6 digits")
			}
			if _, err := zvtCurrency(d, c.Store.Currency); err != nil {
				bad(d, "%v", err)
			}
		}
	}
	for _, k := range []devices.Kind{devices.KindDisplay, devices.KindScale, devices.KindTerminal} {
		if count[k] > 1 {
			errs = append(errs, fmt.Errorf("devices: %d devices of kind %s: the register uses one, keep one", count[k], k))
		}
	}
	return errs
}

func zvtCurrency(d devices.Config, storeCurrency string) (int, error) {
	if s := d.Options["currency"]; s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || n > 999 {
			return 0, fmt.Errorf("currency %q: use the ISO 4217 number, e.g. 978 for EUR", s)
		}
		return n, nil
	}
	if n, ok := zvtCurrencies[storeCurrency]; ok {
		return n, nil
	}
	return 0, fmt.Errorf("store currency %s: set options.currency to its ISO 4217 number for the terminal", storeCurrency)
}

// serialMode is a device's configured mode, or the zero Mode (the driver's
// default) when none is set.
func serialMode(d devices.Config) serialport.Mode {
	if d.Options["mode"] == "" {
		return serialport.Mode{}
	}
	m, _ := d.Mode() // validated
	return m
}

// peripherals are the drivers of the scanners, display, scale and card
// terminal, each reporting its state to the device manager.
type peripherals struct {
	scanners []*scanner.Serial
	display  register.CustomerDisplay
	scale    register.Scale
	terminal register.PaymentTerminal
	settler  register.CardSettler // the terminal's end of day

	// usbScanners are HID scanners the device manager opens, reads and
	// reopens (hardware/devices.USBScanner, gousb in this binary).
	usbScanners []*devices.USBScanner
}

// newPeripherals builds the drivers; scanned codes go to onCode (set
// before Run).
func newPeripherals(m *devices.Manager, watches map[string]*terminalDevice, cfg Config, log *slog.Logger) *peripherals {
	p := &peripherals{usbScanners: m.USBScanners()}
	for _, d := range cfg.Devices {
		name := d.Name
		if name == "" {
			name = string(d.Kind)
		}
		report := func(err error) { m.Report(name, err) }
		switch d.Kind {
		case devices.KindScanner:
			if d.Transport == devices.TransportUSB {
				continue // the manager's USBScanner
			}
			suffix, _ := scanner.ParseSuffix(d.Options["suffix"])
			s := &scanner.Serial{Path: d.Address, Mode: serialMode(d), Suffix: suffix, Log: log.With("device", name),
				OnState: func(st scanner.State, err error) {
					if st == scanner.StateConnected {
						report(nil)
					} else {
						report(fmt.Errorf("%w: %w", devices.ErrScannerUnplugged, err))
					}
				}}
			p.scanners = append(p.scanners, s)
		case devices.KindDisplay:
			p.display = reportingDisplay{display.New(d.Address, serialMode(d)), report}
		case devices.KindScale:
			p.scale = reportingScale{scale.New(d.Address, serialMode(d)), report}
		case devices.KindTerminal:
			zc := zvt.Config{Addr: d.Address, Password: d.Options["password"], Log: log.With("device", name)}
			zc.Currency, _ = zvtCurrency(d, cfg.Store.Currency)
			if d.Transport == devices.TransportSerial {
				path, mode := d.Address, serialMode(d)
				if mode == (serialport.Mode{}) {
					mode = serialport.Mode8N1
				}
				zc.Addr, zc.Serial = "", true
				zc.Dial = func(context.Context) (io.ReadWriteCloser, error) { return serialport.Open(path, mode) }
			}
			zt := zvt.New(zc)
			p.terminal, p.settler = zt, zt
			if w := watches[name]; w != nil {
				p.terminal = w.Watch(zt, report)
			}
		}
	}
	return p
}

// onCode sends every scanner's codes to f.
func (p *peripherals) onCode(f func(string)) {
	for _, s := range p.scanners {
		s.OnCode = f
	}
	for _, s := range p.usbScanners {
		s.OnCode(f)
	}
}

// run reads the scanners until ctx ends.
func (p *peripherals) run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, s := range p.scanners {
		wg.Go(func() { _ = s.Run(ctx) }) // Run returns nil when ctx ends
	}
	wg.Wait()
	return nil
}

// reportingDisplay tells the manager whether the display took the text.
type reportingDisplay struct {
	d      *display.PoleDisplay
	report func(error)
}

func (r reportingDisplay) Show(ctx context.Context, upper, lower string) error {
	err := r.d.Show(ctx, upper, lower)
	if err != nil && ctx.Err() == nil {
		r.report(fmt.Errorf("%w: %w", devices.ErrDisplayUnplugged, err))
	} else if err == nil {
		r.report(nil)
	}
	return err
}

// reportingScale tells the manager when the scale does not answer; motion,
// under zero and overload are the goods, not the device, and stay with the
// cashier.
type reportingScale struct {
	s      *scale.Toledo
	report func(error)
}

func (r reportingScale) Weight(ctx context.Context) (pos.Qty, error) {
	w, err := r.s.Weight(ctx)
	switch {
	case errors.Is(err, scale.ErrNoAnswer):
		r.report(fmt.Errorf("%w: %w", devices.ErrScaleUnplugged, err))
	case err == nil, errors.Is(err, scale.ErrMotion), errors.Is(err, scale.ErrUnderZero), errors.Is(err, scale.ErrOverload):
		r.report(nil)
	}
	return w, err
}

// newTerminalWatch watches a configured card terminal (the use case is
// register.TerminalHealth); the probe is its transport's: a TCP connect,
// or the serial port node.
func newTerminalWatch(d devices.Config) *terminalDevice {
	name := d.Name
	if name == "" {
		name = string(d.Kind)
	}
	var probe func(ctx context.Context) error
	switch d.Transport {
	case devices.TransportSerial:
		probe = func(context.Context) error {
			if serialport.Exists(d.Address) {
				return nil
			}
			return fmt.Errorf("%w: %s", devices.ErrTerminalUnreachable, d.Address)
		}
	default:
		addr := d.Address
		probe = func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			defer cancel()
			var dl net.Dialer
			c, err := dl.DialContext(ctx, "tcp", addr)
			if err != nil {
				return fmt.Errorf("%w: %w", devices.ErrTerminalUnreachable, err)
			}
			return c.Close()
		}
	}
	return &terminalDevice{register.NewTerminalHealth(name, probe, devices.ErrTerminalUnreachable)}
}

// terminalDevice is the terminal's health as a device of the manager.
type terminalDevice struct{ *register.TerminalHealth }

func (terminalDevice) Kind() devices.Kind { return devices.KindTerminal }
func (terminalDevice) Close() error       { return nil }
