package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/app/ui"
	"github.com/tillpos/till/hardware/devices"
	"github.com/tillpos/till/hardware/escpos"
	"github.com/tillpos/till/hardware/serialport"
	"github.com/tillpos/till/hardware/usbdev"
	"github.com/tillpos/till/store"
	"github.com/tillpos/till/sync/syncclient"
	"github.com/tillpos/till/sync/syncproto"
)

// SetupConf is the first-run wizard's mark in register.json: once Complete,
// the register starts selling instead of the wizard; the manager menu's
// "Devices and setup" runs the wizard again.
type SetupConf struct {
	Complete  bool   `json:"complete"`
	OwnerName string `json:"owner_name,omitempty"`
}

// needsSetup: a register without a completed setup starts the wizard,
// unless it is a demo (make run), which sells at once.
func needsSetup(c Config) bool { return !c.Demo && (c.Setup == nil || !c.Setup.Complete) }

// configFile is where the wizard writes: the -config file, else
// register.json in the data folder (which loadConfig then reads).
func configFile(c Config) string {
	if c.path != "" {
		return c.path
	}
	return filepath.Join(c.DataDir, "register.json")
}

// applySetup is c with the wizard's answers.
func applySetup(c Config, r register.SetupResult, chosen []devices.Config) Config {
	c.Store.Locale = r.Language
	if r.HeadOffice != nil {
		c.HeadOffice.URL = r.HeadOffice.URL
		c.Register.ID, c.Store.ID = r.HeadOffice.RegisterID, r.HeadOffice.StoreID
		if r.HeadOffice.StoreName != "" {
			c.Store.Name = r.HeadOffice.StoreName
		}
	} else {
		c.Store.Name, c.Store.Currency, c.Store.TaxMode = r.Shop.Name, r.Shop.Currency, string(r.Shop.TaxMode)
		c.Store.Lines = nil
		if r.Shop.Address != "" {
			c.Store.Lines = append(c.Store.Lines, r.Shop.Address)
		}
		if r.Shop.VATID != "" {
			c.Store.Lines = append(c.Store.Lines, "VAT ID "+r.Shop.VATID)
		}
	}
	if r.Printer != "" {
		// The wizard's printer replaces the legacy one and any earlier choice.
		c.Printer = PrinterConf{Kind: "none"}
		var keep []devices.Config
		for _, d := range c.Devices {
			if d.Kind != devices.KindPrinter {
				keep = append(keep, d)
			}
		}
		c.Devices = append(keep, chosen...)
	}
	c.Setup = &SetupConf{Complete: r.Complete, OwnerName: r.OwnerName}
	return c
}

// setupPorts implements the wizard's ports for this register: discovery
// and tests on the real devices, enrollment, and saving to register.json
// and the owner into the register's database.
type setupPorts struct {
	log *slog.Logger

	mu    sync.Mutex
	cfg   Config
	found map[string]devices.Found
	saved Config
}

func newSetupPorts(cfg Config, log *slog.Logger) *setupPorts {
	return &setupPorts{cfg: cfg, log: log, found: map[string]devices.Found{}}
}

func (p *setupPorts) deps() register.SetupDeps {
	return register.SetupDeps{Devices: p, Enroll: p, Store: p, DemoPINs: []string{"1111", "2222", "3333", "4444"}}
}

func foundID(f devices.Found) string { return string(f.Transport) + ":" + f.Address }

func (p *setupPorts) Discover(ctx context.Context) ([]register.FoundDevice, error) {
	l := devices.Lister{Serial: serialport.List}
	if bus, err := usbdev.NewBus(); err == nil {
		l.USB = bus
	} else {
		p.log.Warn("setup: USB devices unavailable", "err", err)
	}
	found, err := l.Discover(ctx)
	// A network printer is not discoverable by USB or serial: the one
	// configured (or -printer) is offered too.
	p.mu.Lock()
	for _, d := range deviceConfigs(p.cfg) {
		if d.Kind == devices.KindPrinter && d.Transport == devices.TransportTCP {
			found = append(found, devices.Found{Kind: devices.KindPrinter, Transport: devices.TransportTCP, Address: d.Address,
				Description: "Network printer", Why: d.Address})
		}
	}
	var out []register.FoundDevice
	for _, f := range found {
		id := foundID(f)
		p.found[id] = f
		label := f.Description
		if label == "" {
			label = f.Address
		}
		detail := f.Why
		if f.VID != "" {
			detail = fmt.Sprintf("%s · USB %s:%s", f.Why, f.VID, f.PID)
		}
		out = append(out, register.FoundDevice{ID: id, Kind: string(f.Kind), Label: label, Detail: detail})
	}
	p.mu.Unlock()
	return out, err
}

// printer opens the found device as the receipt printer, for one test.
func (p *setupPorts) printer(id string) (*devices.Manager, *devices.Printer, devices.Config, error) {
	p.mu.Lock()
	f, ok := p.found[id]
	p.mu.Unlock()
	if !ok {
		return nil, nil, devices.Config{}, register.ErrDeviceGone
	}
	c := f.Config()
	c.Name, c.Kind = "printer", devices.KindPrinter
	opts := devices.Options{Log: p.log}
	if c.Transport == devices.TransportUSB {
		if bus, err := usbdev.NewBus(); err == nil {
			opts.USB = bus
		}
	}
	m, err := devices.New([]devices.Config{c}, opts)
	if err != nil {
		return nil, nil, c, fmt.Errorf("not usable as a receipt printer: %w", err)
	}
	return m, m.Printer("printer"), c, nil
}

func (p *setupPorts) PrintTestPage(ctx context.Context, id string, page register.TestPage) error {
	m, pr, _, err := p.printer(id)
	if err != nil {
		return err
	}
	defer m.Close()
	return pr.Print(ctx, page)
}

func (p *setupPorts) OpenDrawer(ctx context.Context, id string) error {
	m, pr, _, err := p.printer(id)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := pr.OpenDrawer(ctx, escpos.DrawerPin2); err != nil {
		return err
	}
	// Ask the sensor on the same connection, so the printer has executed
	// the kick when this returns; many drawers have no sensor, so a closed
	// reading is only logged.
	if open, err := pr.DrawerOpen(ctx); err != nil || !open {
		p.log.Info("setup: drawer sensor after the kick", "open", open, "err", err)
	}
	return nil
}

// Enroll takes the QR code's till-enroll:// link (URL, code, pinned
// fingerprint) or a bare code for the head office already configured.
func (p *setupPorts) Enroll(ctx context.Context, s string) (register.EnrolledHeadOffice, error) {
	p.mu.Lock()
	opt := syncclient.EnrollOptions{BaseURL: p.cfg.HeadOffice.URL, Code: s}
	dataDir := p.cfg.DataDir
	p.mu.Unlock()
	if strings.HasPrefix(strings.ToLower(s), syncproto.EnrollScheme+":") {
		l, err := syncproto.ParseEnrollLink(s)
		if err != nil {
			return register.EnrolledHeadOffice{}, fmt.Errorf("%w: %w", register.ErrBadEnrollLink, err)
		}
		opt = syncclient.EnrollOptions{BaseURL: l.URL, Code: l.Code, Fingerprint: l.Fingerprint}
	} else if opt.BaseURL == "" {
		return register.EnrolledHeadOffice{}, register.ErrEnrollNeedsLink
	}
	c, err := syncclient.EnrollAndSave(ctx, dataDir, opt)
	if err != nil {
		return register.EnrolledHeadOffice{}, err
	}
	return register.EnrolledHeadOffice{URL: c.HeadOffice, RegisterID: c.RegisterID, StoreID: c.StoreID}, nil
}

// SaveSetup puts the owner into the register's database (by PIN hash: the
// PIN never reaches this side), then writes register.json.
func (p *setupPorts) SaveSetup(ctx context.Context, r register.SetupResult) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var chosen []devices.Config
	for _, d := range r.Devices {
		if f, ok := p.found[d.ID]; ok {
			c := f.Config()
			c.Name = d.Kind
			chosen = append(chosen, c)
		}
	}
	cfg := applySetup(p.cfg, r, chosen)
	if err := cfg.validate(); err != nil {
		return err
	}
	if err := saveOwner(ctx, cfg, r); err != nil {
		return err
	}
	if err := writeConfigFile(configFile(cfg), cfg); err != nil {
		return fmt.Errorf("write %s: %w", configFile(cfg), err)
	}
	p.cfg, p.saved = cfg, cfg
	return nil
}

func saveOwner(ctx context.Context, cfg Config, r register.SetupResult) error {
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return err
	}
	db, err := store.Open(ctx, filepath.Join(cfg.DataDir, "register.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	b, err := ownerCatalog(r.OwnerName, r.OwnerPINHash)
	if err != nil {
		return err
	}
	return db.ImportCatalog(ctx, bytes.NewReader(b))
}

// config is the configuration last saved.
func (p *setupPorts) config() Config {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.saved
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// onUI runs f on the UI goroutine once the app loop runs (running), or
// directly before it starts.
func onUI(running bool, f func()) {
	if running {
		fyne.DoAndWait(f)
		return
	}
	f()
}

// runSetup shows the first-run wizard; when the owner finishes, the saved
// configuration starts the register in the same app, on the sale screen.
func runSetup(ctx context.Context, stop func(), a fyne.App, cfg Config, log *slog.Logger) error {
	ports := newSetupPorts(cfg, log)
	served := make(chan error, 1)
	var w *ui.Wizard
	w = ui.NewWizard(a, register.NewSetup(ports.deps(), register.SetupResult{}), ui.WizardOptions{Locale: cfg.Store.Locale, Log: log,
		OnDone: func(register.SetupResult) {
			next := ports.config()
			log.Info("setup complete", "config", configFile(next))
			go func() { served <- serve(ctx, stop, a, next, log, w.Window()) }()
		}})
	log.Info("first run: the setup wizard is open", "config", configFile(cfg))
	w.Window().SetFullScreen(cfg.FullScreen)
	w.Window().ShowAndRun()
	stop()
	select {
	case err := <-served:
		return err
	default: // closed before finishing: the wizard opens again next time
		return nil
	}
}

// setupRerun is the manager menu's "Devices and setup": the wizard again,
// in its own window, on the saved configuration; it applies at the next
// start of the register.
func setupRerun(a fyne.App, cfg Config, log *slog.Logger) func() {
	return func() {
		ports := newSetupPorts(cfg, log)
		prev := register.SetupResult{Language: cfg.Store.Locale}
		if cfg.Setup != nil {
			prev.OwnerName = cfg.Setup.OwnerName
		}
		var w *ui.Wizard
		w = ui.NewWizard(a, register.NewSetup(ports.deps(), prev), ui.WizardOptions{Locale: cfg.Store.Locale, Log: log,
			OnDone: func(register.SetupResult) { w.Window().Close() }})
		w.Window().Show()
	}
}
