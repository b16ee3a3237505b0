package main

import (
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/app/ui"
	"github.com/tillpos/till/hardware/devices"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "register.json")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The example of docs/DEVICES.md: a USB printer with its drawer, a serial
// scanner and a ZVT terminal.
const devicesExample = `{
  "register": {"code": "S01R01"},
  "store": {"id": "S01", "name": "Till Markt", "currency": "EUR", "tax_mode": "inclusive", "locale": "de"},
  "devices": [
    {"name": "printer", "kind": "printer", "transport": "usb", "address": "04b8:0202",
     "options": {"profile": "80mm", "drawer": "warn", "pin": "2"}},
    {"name": "scanner", "kind": "scanner", "transport": "serial",
     "address": "/dev/serial/by-id/usb-Honeywell_Imaging___Mobility_1900-if00", "options": {"mode": "9600 8N1", "suffix": "CR"}},
    {"name": "terminal", "kind": "terminal", "transport": "tcp", "address": "192.168.1.60:20007"}
  ],
  "device_poll": "2s"
}`

func TestConfigDevicesExample(t *testing.T) {
	cfg, err := loadConfig([]string{"-config", writeConfig(t, devicesExample)})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Devices) != 3 || cfg.Devices[0].Options["drawer"] != "warn" || cfg.DevicePoll != "2s" {
		t.Fatalf("devices %+v", cfg.Devices)
	}
	m, _, err := newDeviceManager(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	var deps register.Deps
	wireDevices(m, cfg, &deps)
	if deps.Printer == nil || deps.Drawer == nil || m.Drawer("") == nil {
		t.Fatalf("printer %v, drawer %v", deps.Printer, deps.Drawer)
	}
	status := stripStatus(func() error { return nil }, m, func() *ui.HeadOffice { return &ui.HeadOffice{State: ui.HeadOfficeOnline} })
	if got := status(); len(got.Devices) != 0 || len(got.Notes) != 0 || got.HeadOffice == nil {
		t.Fatalf("status before any check %+v", got)
	}
	m.Report("printer", errors.New("usb: no such device")) // the print queue explains the printer
	m.Report("terminal", devices.ErrTerminalUnreachable)
	got := status().Devices
	if len(got) != 1 || got[0].Kind != string(devices.KindTerminal) || !errors.Is(got[0].Err, devices.ErrTerminalUnreachable) {
		t.Fatalf("devices in the strip %+v", got)
	}
}

// The examples in README.md ("Real devices") and docs/DEVICES.md are this
// one, so what an owner copies loads and wires.
func TestConfigDocsShowTheExample(t *testing.T) {
	for _, doc := range []string{"../../README.md", "../../docs/DEVICES.md"} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "```json\n"+devicesExample+"\n```") {
			t.Errorf("%s does not show the devices example of devices_test.go", doc)
		}
	}
	cfg, err := loadConfig([]string{"-config", writeConfig(t, devicesExample)})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m, watches, err := newDeviceManager(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	p := newPeripherals(m, watches, cfg, log)
	var deps register.Deps
	wirePeripherals(p, cfg, nil, &deps, log)
	if len(p.scanners) != 1 || deps.PaymentTerminal == nil || drawerPolicy(cfg) != devices.DrawerWarn {
		t.Fatalf("scanners %d, terminal %v, drawer %q", len(p.scanners), deps.PaymentTerminal, drawerPolicy(cfg))
	}
}

func TestConfigLegacyPrinterBecomesDevice(t *testing.T) {
	cfg, err := loadConfig([]string{"-printer", "127.0.0.1:9100"})
	if err != nil {
		t.Fatal(err)
	}
	ds := deviceConfigs(cfg)
	if len(ds) != 1 || ds[0].Kind != devices.KindPrinter || ds[0].Transport != devices.TransportTCP || ds[0].Address != "127.0.0.1:9100" {
		t.Fatalf("devices %+v", ds)
	}
	none, err := loadConfig([]string{"-printer", "none"})
	if err != nil || len(deviceConfigs(none)) != 0 {
		t.Fatalf("printer none: %+v, %v", deviceConfigs(none), err)
	}
}

func TestConfigDevicesBadInput(t *testing.T) {
	body := `{"printer": {"kind": "escpos-tcp", "address": "10.0.0.9:9100"},
	  "devices": [
	    {"kind": "printer", "transport": "serial", "address": "/dev/ttyUSB0", "options": {"mode": "9600 8Q1", "drawer": "maybe"}},
	    {"kind": "scanner", "transport": "usb", "address": "honeywell"},
	    {"kind": "terminal", "transport": "tcp", "address": "terminal"}
	  ],
	  "device_poll": "often"}`
	_, err := loadConfig([]string{"-config", writeConfig(t, body)})
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"serial mode", `drawer "maybe"`, `usb address "honeywell"`, `address "terminal"`,
		"2 receipt printers", `device_poll "often"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := loadConfig([]string{"-config", writeConfig(t, `{"devices": [{"kind": "printer", "transport": "tcp", "address": "x:1", "colour": "red"}]}`)}); err == nil ||
		!strings.Contains(err.Error(), "unknown field") {
		t.Fatalf("unknown device field: %v", err)
	}
}

// The strip shows the drawer's note beside the devices and the head office.
func TestStripStatusShowsTheDrawerNote(t *testing.T) {
	m, err := devices.New(nil, devices.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var note error
	status := stripStatus(func() error { return note }, m, func() *ui.HeadOffice { return nil })
	if got := status(); len(got.Notes) != 0 {
		t.Fatalf("notes %v", got.Notes)
	}
	note = register.ErrCloseDrawer
	if got := status(); len(got.Notes) != 1 || got.Notes[0] != register.ErrCloseDrawer {
		t.Fatalf("notes %v", got.Notes)
	}
}
