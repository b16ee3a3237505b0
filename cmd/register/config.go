package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/pos/catalogfile"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/barcode"
	"github.com/tillpos/till/hardware/devices"
)

// Config is the register's whole configuration: a JSON file, then flags on top.
type Config struct {
	DataDir    string        `json:"data_dir"`
	Register   RegisterConf  `json:"register"`
	Store      StoreConf     `json:"store"`
	Printer    PrinterConf   `json:"printer"`
	HeadOffice HeadOfficeCnf `json:"headoffice"`
	Barcodes   BarcodesConf  `json:"barcodes,omitempty"`

	// Devices are the shop's devices (docs/DEVICES.md); DevicePoll is how
	// often the device manager checks them ("2s" when empty).
	Devices    []devices.Config `json:"devices,omitempty"`
	DevicePoll string           `json:"device_poll,omitempty"`

	// FullScreen fills the screen with the register, as a dedicated
	// touchscreen terminal wants (no window frame to drag or close).
	FullScreen bool `json:"fullscreen,omitempty"`

	// Demo loads the demo catalog, with its well-known PINs 1111-4444, into
	// an empty database. Only for demos (make run): a shop's register starts
	// with no one who can log in until it is enrolled or a catalog imported.
	Demo bool `json:"demo,omitempty"`

	// MemoryLimitMiB is the Go runtime's soft memory limit (memory.go);
	// 0: DefaultMemoryLimitMiB. GOMEMLIMIT in the environment wins.
	MemoryLimitMiB int64 `json:"memory_limit_mib,omitempty"`

	// Setup marks the first-run wizard done (setup.go); path is the file
	// this was read from, where the wizard writes.
	Setup *SetupConf `json:"setup,omitempty"`
	path  string
}

// RegisterConf identifies this till.
type RegisterConf struct {
	ID   string `json:"id"`   // given at enrollment; defaults to Code
	Code string `json:"code"` // receipt prefix, unique in the chain: "S01R01"
}

// StoreConf is what a receipt says about the shop and how it prices.
type StoreConf struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Lines    []string `json:"lines"`
	Currency string   `json:"currency"`
	TaxMode  string   `json:"tax_mode"` // "inclusive" (EU) or "exclusive" (US)
	Locale   string   `json:"locale"`   // "en", "de"
	// CashRounding rounds cash payments to this many minor units (5: to
	// 0.05, for CHF or DKK); 0 for none. DiscountLimitPct is the largest
	// discount a cashier gives without a manager (0: 10 %).
	CashRounding     int64 `json:"cash_rounding,omitempty"`
	DiscountLimitPct int64 `json:"discount_limit_pct,omitempty"`
	// CustomerRetentionDays erases customers not seen for this many days
	// (docs/PRIVACY.md); 0: 730 (two years).
	CustomerRetentionDays int `json:"customer_retention_days,omitempty"`
}

// PrinterConf says where receipts go. Kind "" or "none" prints nothing.
type PrinterConf struct {
	Kind    string `json:"kind"`    // "escpos-tcp"
	Address string `json:"address"` // "127.0.0.1:9100"
	Profile string `json:"profile"` // "80mm" (48 columns), "80mm-42", "58mm"
}

// HeadOfficeCnf is where sales are synced. An empty URL keeps them local.
type HeadOfficeCnf struct {
	URL string `json:"url"`
}

// BarcodesConf says how scanned codes are read. VariableRules are the
// store's in-store variable-measure layouts (EAN-13 prefixes 20-29, UPC-A
// 02); empty: barcode.DefaultVariableRules (GS1 Germany).
type BarcodesConf struct {
	VariableRules []VariableRuleConf `json:"variable_rules,omitempty"`
}

// VariableRuleConf is one barcode.VariableRule as written in the file.
type VariableRuleConf struct {
	Prefix      string `json:"prefix"`       // "28"
	ItemDigits  int    `json:"item_digits"`  // digits of the item number (PLU)
	Measure     string `json:"measure"`      // "price" or "weight"
	ValueDigits int    `json:"value_digits"` // digits of the embedded value
	Decimals    int    `json:"decimals"`     // price: 2 (cents); weight: 3 (grams)
	PriceCheck  bool   `json:"price_check"`  // a price check digit precedes the value
}

// variableRules is the parser's rule set: the configured one or the default.
func (b BarcodesConf) variableRules() barcode.VariableRules {
	if len(b.VariableRules) == 0 {
		return barcode.DefaultVariableRules()
	}
	rs := make(barcode.VariableRules, 0, len(b.VariableRules))
	for _, r := range b.VariableRules {
		rs = append(rs, barcode.VariableRule{Prefix: r.Prefix, ItemDigits: r.ItemDigits, Measure: barcode.Measure(r.Measure),
			ValueDigits: r.ValueDigits, Decimals: r.Decimals, PriceCheck: r.PriceCheck})
	}
	return rs
}

func defaultConfig() Config {
	return Config{
		DataDir:  "till-data/register",
		Register: RegisterConf{Code: "S01R01"},
		Store: StoreConf{ID: "S01", Name: "Till Markt", Lines: []string{"Hauptstraße 1, 10115 Berlin", "VAT ID DE123456789"},
			Currency: "EUR", TaxMode: string(pos.TaxInclusive), Locale: "en"},
	}
}

// loadConfig reads the file named by -config (if any), then applies flags.
func loadConfig(args []string) (Config, error) {
	fs := flag.NewFlagSet("register", flag.ContinueOnError)
	path := fs.String("config", "", "JSON configuration file")
	data := fs.String("data", "", "data folder (register database)")
	printer := fs.String("printer", "", "ESC/POS printer address host:port (TCP 9100), or 'none'")
	ho := fs.String("headoffice", "", "head office URL, e.g. http://127.0.0.1:8080")
	locale := fs.String("locale", "", "display locale: en or de")
	fullscreen := fs.Bool("fullscreen", false, "fill the screen (a dedicated touchscreen terminal)")
	demo := fs.Bool("demo", false, "load the demo catalog and staff (PINs 1111-4444) into an empty database")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	cfg := defaultConfig()
	if *path == "" {
		// Without -config, the register.json the wizard wrote in the data folder.
		dir := cfg.DataDir
		if *data != "" {
			dir = *data
		}
		if p := filepath.Join(dir, "register.json"); fileExists(p) {
			*path = p
		}
	}
	cfg.path = *path
	if *path != "" {
		b, err := os.ReadFile(*path)
		if err != nil {
			return Config{}, fmt.Errorf("config: %w", err)
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cfg); err != nil {
			return Config{}, fmt.Errorf("config %s: %w", *path, err)
		}
	}
	if *data != "" {
		cfg.DataDir = *data
	}
	switch *printer {
	case "":
	case "none":
		cfg.Printer = PrinterConf{Kind: "none"}
	default:
		cfg.Printer.Kind, cfg.Printer.Address = "escpos-tcp", *printer
	}
	if *ho != "" {
		cfg.HeadOffice.URL = *ho
	}
	if *locale != "" {
		cfg.Store.Locale = *locale
	}
	if *fullscreen {
		cfg.FullScreen = true
	}
	if *demo {
		cfg.Demo = true
	}
	return cfg, cfg.validate()
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9]{1,12}$`)

// validate reports every problem at once, each in words an owner can act on.
func (c *Config) validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if c.DataDir == "" {
		bad("data_dir: set a folder for the register's database")
	} else if abs, err := filepath.Abs(c.DataDir); err == nil {
		c.DataDir = abs
	}
	if !codeRE.MatchString(c.Register.Code) {
		bad("register.code %q: use 1-12 letters or digits, unique across the chain (it prefixes receipt numbers)", c.Register.Code)
	}
	if c.Register.ID == "" {
		c.Register.ID = c.Register.Code
	}
	if strings.TrimSpace(c.Store.Name) == "" {
		bad("store.name: the receipt needs the shop's name")
	}
	if _, err := pos.LookupCurrency(c.Store.Currency); err != nil {
		bad("store.currency %q: use an ISO 4217 code such as EUR or USD", c.Store.Currency)
	}
	switch pos.TaxMode(c.Store.TaxMode) {
	case pos.TaxInclusive, pos.TaxExclusive:
	default:
		bad("store.tax_mode %q: use \"inclusive\" or \"exclusive\"", c.Store.TaxMode)
	}
	switch c.Store.Locale {
	case "en", "de":
	default:
		bad("store.locale %q: use \"en\" or \"de\"", c.Store.Locale)
	}
	if c.Store.CashRounding < 0 || c.Store.CashRounding > 100 {
		bad("store.cash_rounding %d: use 0 (none), 5 (to 0.05) or 10 (to 0.10)", c.Store.CashRounding)
	}
	if c.Store.CustomerRetentionDays < 0 || c.Store.CustomerRetentionDays > 3650 {
		bad("store.customer_retention_days %d: use 1 to 3650 days (0: 730)", c.Store.CustomerRetentionDays)
	}
	if c.Store.DiscountLimitPct < 0 || c.Store.DiscountLimitPct > 100 {
		bad("store.discount_limit_pct %d: use a percentage from 0 to 100", c.Store.DiscountLimitPct)
	}
	switch c.Printer.Kind {
	case "", "none":
	case "escpos-tcp":
		if _, _, err := net.SplitHostPort(c.Printer.Address); err != nil {
			bad("printer.address %q: use host:port, e.g. 192.168.1.50:9100", c.Printer.Address)
		}
		switch c.Printer.Profile {
		case "", "80mm", "80mm-42", "58mm":
		default:
			bad("printer.profile %q: use 80mm, 80mm-42 or 58mm", c.Printer.Profile)
		}
	default:
		bad("printer.kind %q: use \"escpos-tcp\" or \"none\"", c.Printer.Kind)
	}
	if c.HeadOffice.URL != "" {
		u, err := url.Parse(c.HeadOffice.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("headoffice.url %q: use http(s)://host:port", c.HeadOffice.URL)
		}
	}
	if err := c.Barcodes.variableRules().Validate(); err != nil {
		bad("barcodes.variable_rules: %v", err)
	}
	errs = append(errs, validateDevices(c)...)
	if c.MemoryLimitMiB != 0 && (c.MemoryLimitMiB < 64 || c.MemoryLimitMiB > 1<<16) {
		bad("memory_limit_mib %d: use 0 (the default, %d) or 64 to 65536", c.MemoryLimitMiB, DefaultMemoryLimitMiB)
	}
	return errors.Join(errs...)
}

// customerRetention is how long an inactive customer is kept.
func customerRetention(c Config) time.Duration {
	days := c.Store.CustomerRetentionDays
	if days == 0 {
		days = 730
	}
	return time.Duration(days) * 24 * time.Hour
}

// customerRetentionEvery is how often retention looks for inactive customers.
const customerRetentionEvery = 24 * time.Hour

// writeConfigFile replaces path with c atomically: a temporary file in the
// same folder, written and fsynced, renamed over path, then the folder
// fsynced so the rename survives a power cut.
func writeConfigFile(path string, c Config) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".register-*.json")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op once renamed
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o640); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) { // Windows cannot sync a folder
		return err
	}
	return nil
}

// ownerCatalog is a catalog file holding only the owner, by PIN hash: the
// store imports it like any catalog (an upsert), so no PIN travels.
func ownerCatalog(name, pinHash string) ([]byte, error) {
	return json.Marshal(catalogfile.File{Version: 1, TaxRates: []catalogfile.TaxRate{}, Categories: []catalogfile.Category{}, Products: []catalogfile.Product{},
		Employees: []catalogfile.Employee{{ID: "owner", Name: name, Role: string(register.RoleOwner), PINHash: pinHash}}})
}
