package main

import (
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/app/ui"
	"github.com/tillpos/till/hardware/devices"
	"github.com/tillpos/till/hardware/usbdev"
)

// deviceConfigs is the shop's devices: the "devices" list, plus the older
// "printer" section as a network printer.
func deviceConfigs(c Config) []devices.Config {
	out := append([]devices.Config(nil), c.Devices...)
	if c.Printer.Kind == "escpos-tcp" {
		out = append(out, devices.Config{Name: "printer", Kind: devices.KindPrinter, Transport: devices.TransportTCP,
			Address: c.Printer.Address, Options: map[string]string{"profile": c.Printer.Profile}})
	}
	return out
}

// validateDevices checks the devices list and the poll interval.
func validateDevices(c *Config) []error {
	var errs []error
	if err := devices.ValidateAll(c.Devices); err != nil {
		errs = append(errs, fmt.Errorf("devices: %w", err))
	}
	printers := 0
	for _, d := range deviceConfigs(*c) {
		if d.Kind == devices.KindPrinter {
			printers++
		}
	}
	if printers > 1 {
		errs = append(errs, fmt.Errorf("devices: %d receipt printers configured (printer section and devices list): keep one", printers))
	}
	errs = append(errs, validatePeripherals(c)...)
	if c.DevicePoll != "" {
		if d, err := time.ParseDuration(c.DevicePoll); err != nil || d < 100*time.Millisecond {
			errs = append(errs, fmt.Errorf("device_poll %q: use a duration of at least 100ms, e.g. 2s", c.DevicePoll))
		}
	}
	return errs
}

// newDeviceManager builds the device manager; USB is opened only when a
// device needs it, and a register built without cgo says so per device.
// Card terminals are watched by register.TerminalHealth (peripherals.go), returned
// by name for their drivers.
func newDeviceManager(c Config, log *slog.Logger) (*devices.Manager, map[string]*terminalDevice, error) {
	var cfgs []devices.Config
	watches := map[string]*terminalDevice{}
	for _, d := range deviceConfigs(c) {
		if d.Kind == devices.KindTerminal {
			w := newTerminalWatch(d)
			watches[w.Name()] = w
			continue
		}
		cfgs = append(cfgs, d)
	}
	opts := devices.Options{Log: log.With("part", "devices")}
	if c.DevicePoll != "" {
		opts.Poll, _ = time.ParseDuration(c.DevicePoll)
	}
	for _, d := range cfgs {
		if d.Transport == devices.TransportUSB {
			bus, err := usbdev.NewBus()
			if err != nil {
				log.Warn("USB devices unavailable", "err", err)
			} else {
				opts.USB = bus
			}
			break
		}
	}
	m, err := devices.New(cfgs, opts)
	if err != nil {
		return nil, nil, err
	}
	for _, w := range watches {
		m.Add(w)
	}
	return m, watches, nil
}

// wireDevices connects the manager to the register: the receipt printer
// and its drawer, and a retry of waiting receipts when the printer is back.
func wireDevices(m *devices.Manager, cfg Config, deps *register.Deps) {
	p := m.Printer("")
	if p == nil {
		return
	}
	deps.Printer = p
	for _, d := range deviceConfigs(cfg) {
		if d.Kind == devices.KindPrinter {
			deps.Drawer = devices.KickDrawer{Printer: p, Pin: d.DrawerPin()}
		}
	}
}

// retryWhenPrinterBack wakes the spooler when the printer answers again.
func retryWhenPrinterBack(m *devices.Manager, reg *register.Register) {
	m.OnEvent(func(e devices.Event) {
		if e.Kind == devices.KindPrinter && e.State == devices.StateConnected {
			reg.Spooler().Retry()
		}
	})
}

// deviceTrouble is the devices that need attention, for the status strip;
// devices of the skipped kinds are left out.
func deviceTrouble(states []devices.Event, skip ...devices.Kind) []ui.Device {
	var out []ui.Device
	for _, e := range states {
		if slices.Contains(skip, e.Kind) || (e.State != devices.StateDisconnected && e.State != devices.StateError) {
			continue
		}
		out = append(out, ui.Device{Kind: string(e.Kind), Down: e.State == devices.StateDisconnected, Err: e.Err})
	}
	return out
}

// wirePeripherals gives the register the display, scale and card
// terminal (with the store's payment journal).
func wirePeripherals(p *peripherals, cfg Config, payments register.PaymentJournal, deps *register.Deps, log *slog.Logger) {
	if p.display != nil {
		deps.Display = p.display
	}
	if p.scale != nil {
		deps.Scale = p.scale
	}
	if p.terminal != nil {
		deps.PaymentTerminal, deps.Payments, deps.CardSettler = p.terminal, payments, p.settler
		log.Info("card payments through the terminal", "device", terminalAddress(cfg))
	} else {
		log.Info("card payments disabled: no card terminal in the devices list (docs/DEVICES.md)")
	}
}

func terminalAddress(cfg Config) string {
	for _, d := range cfg.Devices {
		if d.Kind == devices.KindTerminal {
			return string(d.Transport) + " " + d.Address
		}
	}
	return ""
}

// drawerPolicy is the receipt printer's drawer policy.
func drawerPolicy(cfg Config) devices.DrawerPolicy {
	for _, d := range deviceConfigs(cfg) {
		if d.Kind == devices.KindPrinter {
			return d.Drawer()
		}
	}
	return devices.DrawerNone
}

// sensorOf is the drawer sensor of the receipt printer, or nil.
func sensorOf(m *devices.Manager) register.DrawerSensor {
	if d := m.Drawer(""); d != nil {
		return d
	}
	return nil
}

// stripStatus gathers what the status strip shows besides the print queue:
// the drawer's note, the devices that need attention (not the printer: the
// queue explains it) and the head office.
func stripStatus(note func() error, m *devices.Manager, headOffice func() *ui.HeadOffice) func() ui.Status {
	return func() ui.Status {
		var st ui.Status
		if err := note(); err != nil {
			st.Notes = append(st.Notes, err)
		}
		st.Devices = deviceTrouble(m.States(), devices.KindPrinter)
		st.HeadOffice = headOffice()
		return st
	}
}
