// Command register is Till's touchscreen register: it wires the
// configuration, the local SQLite store, the receipt printer, the background
// syncer and the Fyne GUI. Subcommands: verify-journal, screenshots.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"golang.org/x/sync/errgroup"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/app/ui"
	_ "github.com/tillpos/till/cmd/register/internal/clocale" // before Fyne reads the locale: C means English
	"github.com/tillpos/till/hardware/barcode"
	"github.com/tillpos/till/hardware/devices"
	"github.com/tillpos/till/store"
	"github.com/tillpos/till/sync/syncclient"
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	slog.SetDefault(log)
	args := os.Args[1:]
	if len(args) == 1 && (args[0] == "-version" || args[0] == "--version" || args[0] == "version") {
		fmt.Println("register", appVersion())
		return
	}
	cmd := "run"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "run":
		err = run(args, log)
	case "enroll":
		err = enroll(args)
	case "verify-journal":
		err = verifyJournal(args)
	case "import-catalog":
		err = importCatalog(args)
	case "screenshots":
		err = screenshots(args, log)
	case "help":
		fmt.Println("usage: register [run] [-config FILE] [-data DIR] [-printer HOST:PORT|none] [-headoffice URL] [-locale en|de] [-demo]\n       register enroll -headoffice URL -code CODE [-fingerprint FP] [-data DIR]\n       register verify-journal [-data DIR]\n       register import-catalog [-data DIR] FILE\n       register screenshots DIR")
	default:
		err = fmt.Errorf("unknown command %q (try: run, enroll, verify-journal, import-catalog, screenshots, help)", cmd)
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "register:", err)
		os.Exit(1)
	}
}

// openStore opens (creating if needed) the register's database. With demo it
// loads the demo catalog when the catalog is empty; never otherwise, so a
// shop's register has no well-known PINs.
func openStore(ctx context.Context, dataDir, registerID string, demo bool, log *slog.Logger) (*store.DB, error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	db, err := store.Open(ctx, filepath.Join(dataDir, "register.db"))
	if err != nil {
		return nil, err
	}
	db.SetRegisterID(registerID)
	// The customer directory's keys live in their own file, which backups
	// of register.db leave out (docs/PRIVACY.md: crypto-shredding).
	if err := db.OpenCustomerKeys(ctx, filepath.Join(dataDir, "customer-keys.db")); err != nil {
		db.Close()
		return nil, err
	}
	if demo {
		if err := db.SeedDemoIfEmpty(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("demo catalog: %w", err)
		}
	}
	if emps, err := db.Employees(ctx); err == nil && len(emps) == 0 {
		log.Warn("no employees: nobody can log in until this register is enrolled with the head office " +
			"(register enroll) or a catalog with employees is imported (register import-catalog FILE); -demo loads the demo catalog")
	}
	return db, nil
}

func registerConfig(c Config) register.Config {
	return register.Config{RegisterID: c.Register.ID, RegisterCode: c.Register.Code, StoreID: c.Store.ID,
		StoreName: c.Store.Name, StoreLines: c.Store.Lines, Currency: pos.MustCurrency(c.Store.Currency),
		TaxMode: pos.TaxMode(c.Store.TaxMode), Locale: c.Store.Locale,
		CashRounding: c.Store.CashRounding, DiscountLimitBP: c.Store.DiscountLimitPct * 100}
}

func haveDisplay() bool {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
		return true
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

const noDisplayHelp = `no display: the register is a desktop app and needs an X11 or Wayland screen.
On a machine without one, run it under a virtual screen:
  apt-get install xvfb && Xvfb :99 -screen 0 1280x800x24 &
  DISPLAY=:99 make run`

func run(args []string, log *slog.Logger) error {
	cfg, err := loadConfig(args)
	if err != nil {
		return err
	}
	if !haveDisplay() {
		return errors.New(noDisplayHelp)
	}
	limit := applyMemoryLimit(cfg.MemoryLimitMiB, os.Getenv)
	log.Info("memory limit", "mib", limit>>20)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := fyneapp.NewWithID("io.till.register")
	if needsSetup(cfg) {
		return runSetup(ctx, stop, a, cfg, log) // the first-run wizard, then serve (setup.go)
	}
	return serve(ctx, stop, a, cfg, log, nil)
}

// serve wires the register and runs its window. After the wizard
// (wizard != nil) the app loop already runs: the register's window is
// built on the UI goroutine, replaces the wizard's, and serve returns when
// ctx ends.
func serve(ctx context.Context, stop func(), a fyne.App, cfg Config, log *slog.Logger, wizard fyne.Window) error {
	sc, syncing, err := syncConfig(&cfg, log) // before the store: enrollment fixes the register id
	if err != nil {
		return err
	}

	db, err := openStore(ctx, cfg.DataDir, cfg.Register.ID, cfg.Demo, log)
	if err != nil {
		return err
	}
	defer db.Close()
	if n, err := db.VerifyJournal(ctx); err != nil {
		// Keep selling: the journal is append-only and new entries chain on;
		// the head office flags the break. The owner must know, loudly.
		log.Error("JOURNAL CHAIN BROKEN: run 'register verify-journal' and call support", "entries", n, "err", err)
	}

	var syncer *syncclient.Syncer
	deps := register.Deps{Catalog: db, Journal: db, Log: log, Staff: db, Parked: db, Customers: db}
	deps.PrintQueue = db // receipts survive printer faults and restarts
	mgr, watches, err := newDeviceManager(cfg, log)
	if err != nil {
		return err
	}
	wireDevices(mgr, cfg, &deps) // the receipt printer and the drawer on its kick pin
	deps.Barcodes = barcode.Parser{Rules: cfg.Barcodes.variableRules()}
	per := newPeripherals(mgr, watches, cfg, log)
	wirePeripherals(per, cfg, db, &deps, log)
	drawer := register.NewCashDrawer(deps.Drawer, sensorOf(mgr), drawerPolicy(cfg) == devices.DrawerWait, log.With("part", "drawer"))
	deps.OnCommitted = drawer.Committed
	if syncing {
		metrics := wireSyncHealth(&sc, cfg.Store.ID, db, mgr) // catalog pull, heartbeat (synchealth.go)
		deps.Metrics = metrics                                // sales and commit time, card outcomes, print failures, scan-to-line
		syncer = syncclient.New(sc, db)
		deps.OnCommitted = func(c register.Committed) { drawer.Committed(c); syncer.Kick() }
	}
	reg := register.New(registerConfig(cfg), deps)
	retryWhenPrinterBack(mgr, reg)

	status := stripStatus(drawer.Note, mgr, syncStatus(syncer))
	var u *ui.UI
	onUI(wizard != nil, func() {
		u = ui.New(a, reg, ui.Options{Locale: cfg.Store.Locale, Log: log, Status: status, Setup: setupRerun(a, cfg, log)})
	})
	per.onCode(u.Scan) // serial scanners go where a keyboard-wedge scan goes
	drawer.OnChange(func() { fyne.Do(u.RefreshStatus) })
	mgr.OnEvent(func(devices.Event) { fyne.Do(u.RefreshStatus) })

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return reg.Run(gctx) })
	g.Go(func() error { return reg.RunRetention(gctx, customerRetention(cfg), customerRetentionEvery) })
	g.Go(func() error { return mgr.Run(gctx) })
	g.Go(func() error { return per.run(gctx) })
	g.Go(func() error { return drawer.Run(gctx) })
	g.Go(func() error { return u.Run(gctx) })
	if syncer != nil {
		g.Go(func() error { return syncer.Run(gctx) })
	}
	g.Go(func() error { <-gctx.Done(); fyne.Do(a.Quit); return nil }) // Quit belongs on the UI goroutine
	log.Info("register started", "register", cfg.Register.Code, "data", cfg.DataDir, "devices", len(deviceConfigs(cfg)), "headoffice", cfg.HeadOffice.URL)
	if wizard != nil {
		fyne.DoAndWait(func() {
			u.Window().SetFullScreen(cfg.FullScreen)
			u.Window().Show()
			wizard.Close()
		})
		<-ctx.Done()
	} else {
		if cfg.FullScreen {
			u.Window().SetFullScreen(true)
		}
		u.Window().ShowAndRun()
	}
	stop()
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

func syncStatus(s *syncclient.Syncer) func() *ui.HeadOffice {
	if s == nil {
		return func() *ui.HeadOffice { return &ui.HeadOffice{NotConfigured: true} }
	}
	return func() *ui.HeadOffice { return headOffice(s.Status()) }
}

func verifyJournal(args []string) error {
	fs := flag.NewFlagSet("verify-journal", flag.ContinueOnError)
	data := fs.String("data", defaultConfig().DataDir, "data folder holding register.db")
	if err := fs.Parse(args); err != nil {
		return err
	}
	path := filepath.Join(*data, "register.db")
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no register database at %s", path)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := db.VerifyJournal(ctx)
	if err != nil {
		return fmt.Errorf("journal BROKEN after %d good entries: %w", n, err)
	}
	fmt.Printf("journal OK: %d entries verified, chain intact\n", n)
	return nil
}

// screenshots drives the real GUI (under Xvfb in make screenshots) with the
// demo catalog in a throwaway database and saves PNGs into DIR.
func screenshots(args []string, log *slog.Logger) error {
	if len(args) != 1 {
		return errors.New("usage: register screenshots DIR")
	}
	if !haveDisplay() {
		return errors.New(noDisplayHelp)
	}
	dir := args[0]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "till-screens-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cfg := defaultConfig()
	ctx := context.Background()
	db, err := openStore(ctx, tmp, cfg.Register.Code, true, log) // screenshots show the demo
	if err != nil {
		return err
	}
	defer db.Close()
	cfg.Register.ID = cfg.Register.Code
	reg := register.New(registerConfig(cfg), register.Deps{Catalog: db, Journal: db, Log: log, Staff: db})
	a := fyneapp.NewWithID("io.till.register.screens")
	return ui.CaptureScreens(a, reg, dir, ui.Options{Log: log})
}
