package devices

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tillpos/till/hardware/usbdev"
)

// DefaultPoll is how often the manager checks its devices.
const DefaultPoll = 2 * time.Second

// Device is something the manager watches.
type Device interface {
	Name() string
	Kind() Kind
	// Check opens the device if needed and reports whether it works: nil
	// when ready, a typed error otherwise. It must return within its own
	// timeout; errBusy (a job in progress) leaves the state as it was.
	Check(ctx context.Context) error
	Close() error
}

// Options tune a Manager.
type Options struct {
	Poll time.Duration // zero: DefaultPoll
	Log  *slog.Logger
	USB  usbdev.Bus // nil: USB devices cannot be opened (reported as such)
	Now  func() time.Time
}

// Manager watches the configured devices: Run polls each one every Poll
// (reopening what went away) and publishes every state change to the
// OnEvent callbacks. Drivers that do their own I/O (a scanner reader, the
// card terminal) publish their outcomes with Report. Nothing here is on
// the sale path: callbacks must not block.
type Manager struct {
	opts Options

	mu       sync.Mutex
	devs     []Device
	state    map[string]Event
	onEvent  []func(Event)
	printers map[string]*Printer
	drawers  map[string]*Drawer
	scanners []*USBScanner
}

// New builds the devices of cfgs. Printers become *Printer (see Printer);
// a printer with a drawer policy also gets a Drawer device watching the
// drawer sensor. Other kinds are watched by presence (serial port node,
// USB device, TCP port) until their drivers Report.
func New(cfgs []Config, o Options) (*Manager, error) {
	if err := ValidateAll(cfgs); err != nil {
		return nil, err
	}
	if o.Poll <= 0 {
		o.Poll = DefaultPoll
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	m := &Manager{opts: o, state: map[string]Event{}, printers: map[string]*Printer{}, drawers: map[string]*Drawer{}}
	for _, c := range cfgs {
		c = c.withDefaults()
		link, err := m.link(c)
		if err != nil {
			return nil, err
		}
		timeout, _ := c.Timeout()
		if c.Kind == KindPrinter {
			p := NewPrinter(c.Name, link, c.Profile(), timeout)
			p.asb = c.Options["status"] == "asb"
			m.Add(p)
			m.printers[c.Name] = p
			if pol := c.Drawer(); pol != DrawerNone {
				d := &Drawer{name: c.Name + " drawer", printer: p, Policy: pol}
				m.Add(d)
				m.drawers[c.Name] = d
			}
			continue
		}
		if c.Kind == KindScanner && c.Transport == TransportUSB {
			l := link.(USBLink)
			s := &USBScanner{name: c.Name, vid: l.VID, pid: l.PID, iface: c.USBInterface(), bus: m.opts.USB, log: o.Log}
			m.Add(s)
			m.scanners = append(m.scanners, s)
			continue
		}
		m.Add(&Presence{name: c.Name, kind: c.Kind, link: link, timeout: timeout})
	}
	return m, nil
}

func (m *Manager) link(c Config) (Link, error) {
	switch c.Transport {
	case TransportTCP:
		return TCPLink{Addr: c.Address}, nil
	case TransportSerial:
		mode, err := c.Mode()
		if err != nil {
			return nil, err
		}
		return SerialLink{Path: c.Address, Mode: mode}, nil
	case TransportUSB:
		vid, pid, err := ParseUSBID(c.Address)
		if err != nil {
			return nil, err
		}
		return USBLink{VID: vid, PID: pid, USB: m.opts.USB}, nil
	}
	return nil, fmt.Errorf("device %q: transport %q", c.Name, c.Transport)
}

// Add watches another device (e.g. a driver built elsewhere). A *Printer
// reports the outcome of every job, so the state follows it at once.
func (m *Manager) Add(d Device) {
	m.mu.Lock()
	m.devs = append(m.devs, d)
	m.state[d.Name()] = Event{Device: d.Name(), Kind: d.Kind(), State: StateUnknown}
	m.mu.Unlock()
	if p, ok := d.(*Printer); ok {
		p.report = func(err error) { m.Report(p.Name(), err) }
	}
	if s, ok := d.(*USBScanner); ok {
		s.mu.Lock()
		s.report = func(err error) { m.Report(s.Name(), err) }
		s.mu.Unlock()
	}
}

// USBScanners are the HID scanners read over USB, for their codes' sink.
func (m *Manager) USBScanners() []*USBScanner {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*USBScanner(nil), m.scanners...)
}

// OnEvent adds a callback for state changes. It is called on the goroutine
// that saw the change and must not block.
func (m *Manager) OnEvent(f func(Event)) {
	m.mu.Lock()
	m.onEvent = append(m.onEvent, f)
	m.mu.Unlock()
}

// Printer returns the printer of that name, or the first printer for "".
func (m *Manager) Printer(name string) *Printer {
	m.mu.Lock()
	defer m.mu.Unlock()
	if name != "" {
		return m.printers[name]
	}
	for _, d := range m.devs {
		if p, ok := d.(*Printer); ok {
			return p
		}
	}
	return nil
}

// Drawer returns the drawer watched through the named printer ("" for the
// first), or nil.
func (m *Manager) Drawer(printer string) *Drawer {
	m.mu.Lock()
	defer m.mu.Unlock()
	if printer != "" {
		return m.drawers[printer]
	}
	for _, d := range m.devs {
		if dr, ok := d.(*Drawer); ok {
			return dr
		}
	}
	return nil
}

// Report records a device's state from outside the poll: a driver's
// outcome (nil: working). errBusy is ignored.
func (m *Manager) Report(name string, err error) {
	if errors.Is(err, errBusy) {
		return
	}
	m.mu.Lock()
	old, ok := m.state[name]
	if !ok {
		m.mu.Unlock()
		return
	}
	ev := Event{Device: name, Kind: old.Kind, State: stateOf(err), Err: err, At: m.opts.Now()}
	changed := ev.State != old.State || ev.Message() != old.Message()
	m.state[name] = ev
	subs := append([](func(Event)){}, m.onEvent...)
	m.mu.Unlock()
	if !changed {
		return
	}
	if err != nil {
		m.opts.Log.Warn("device state", "device", name, "state", ev.State, "message", ev.Message(), "err", err)
	} else {
		m.opts.Log.Info("device state", "device", name, "state", ev.State)
	}
	for _, f := range subs {
		f(ev)
	}
}

// Poll checks every device once, concurrently, and returns when all have
// answered (each within its own timeout). Run calls it every Poll; tests
// call it to step the manager deterministically.
func (m *Manager) Poll(ctx context.Context) {
	m.mu.Lock()
	devs := append([]Device(nil), m.devs...)
	m.mu.Unlock()
	var wg sync.WaitGroup
	for _, d := range devs {
		wg.Go(func() { m.Report(d.Name(), d.Check(ctx)) })
	}
	wg.Wait()
}

// Run polls until ctx ends, then closes the devices.
func (m *Manager) Run(ctx context.Context) error {
	t := time.NewTicker(m.opts.Poll)
	defer t.Stop()
	for {
		m.Poll(ctx)
		select {
		case <-ctx.Done():
			m.Close()
			return nil
		case <-t.C:
		}
	}
}

// Close closes every device.
func (m *Manager) Close() error {
	m.mu.Lock()
	devs := append([]Device(nil), m.devs...)
	m.mu.Unlock()
	var errs []error
	for _, d := range devs {
		errs = append(errs, d.Close())
	}
	return errors.Join(errs...)
}

// States returns the last state of every device, by name.
func (m *Manager) States() []Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Event, 0, len(m.state))
	for _, e := range m.state {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Device < out[j].Device })
	return out
}

// Summary is the status strip's sentence: the devices that need attention
// ("Printer: out of paper · Card terminal not answering"), or "" when none
// does. Devices of the skipped kinds are left out.
func (m *Manager) Summary(skip ...Kind) string {
	var bad []string
	for _, e := range m.States() {
		if slices.Contains(skip, e.Kind) {
			continue
		}
		if e.State == StateDisconnected || e.State == StateError {
			bad = append(bad, e.Message())
		}
	}
	return strings.Join(bad, " · ")
}
