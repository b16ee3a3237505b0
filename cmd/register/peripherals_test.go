package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/devices"
	"github.com/tillpos/till/hardware/usbdev"
)

func TestConfigPeripheralsWired(t *testing.T) {
	body := `{"devices": [
	    {"kind": "scanner", "transport": "serial", "address": "/dev/ttyACM0", "options": {"suffix": "CRLF"}},
	    {"kind": "display", "transport": "serial", "address": "/dev/ttyUSB1"},
	    {"kind": "scale", "transport": "serial", "address": "/dev/ttyUSB2", "options": {"mode": "9600 7E1"}},
	    {"kind": "terminal", "transport": "tcp", "address": "127.0.0.1:20007", "options": {"password": "123456"}}
	  ],
	  "barcodes": {"variable_rules": [{"prefix": "21", "item_digits": 5, "measure": "weight", "value_digits": 5, "decimals": 3}]}}`
	cfg, err := loadConfig([]string{"-config", writeConfig(t, body)})
	if err != nil {
		t.Fatal(err)
	}
	if rs := cfg.Barcodes.variableRules(); len(rs) != 1 || rs[0].Prefix != "21" || rs[0].Measure != "weight" {
		t.Fatalf("rules %+v", rs)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m, watches, err := newDeviceManager(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	p := newPeripherals(m, watches, cfg, log)
	var deps register.Deps
	wirePeripherals(p, cfg, nil, &deps, log)
	if len(p.scanners) != 1 || p.scanners[0].Suffix != "CRLF" || deps.Display == nil || deps.Scale == nil || deps.PaymentTerminal == nil {
		t.Fatalf("peripherals %+v, deps %+v", p, deps)
	}
	if deps.CardSettler == nil {
		t.Fatal("terminal's end of day not wired")
	}
	var got []string
	p.onCode(func(c string) { got = append(got, c) })
	p.scanners[0].OnCode("4002609718733")
	if len(got) != 1 {
		t.Fatalf("codes %q", got)
	}
	// The scanner's driver reports to the manager, and the strip says so.
	p.scanners[0].OnState("disconnected", errors.New("no such file"))
	if s := m.Summary(); !strings.Contains(s, "Scanner not connected") {
		t.Fatalf("summary %q", s)
	}
	// Default rules when none are configured.
	def, _ := loadConfig(nil)
	if len(def.Barcodes.variableRules()) < 8 {
		t.Fatal("default rules missing")
	}
}

func TestConfigPeripheralsBadInput(t *testing.T) {
	body := `{"store": {"id": "S01", "name": "Laden", "currency": "JPY", "tax_mode": "inclusive", "locale": "en"},
	  "devices": [
	    {"name": "s1", "kind": "scanner", "transport": "serial", "address": "/dev/ttyACM0", "options": {"suffix": "TAB"}},
	    {"name": "s2", "kind": "scanner", "transport": "usb", "address": "0c2e:0b61", "options": {"suffix": "CR"}},
	    {"kind": "display", "transport": "tcp", "address": "10.0.0.5:9000"},
	    {"kind": "terminal", "transport": "tcp", "address": "10.0.0.6:20007", "options": {"password": "12"}},
	    {"name": "t2", "kind": "terminal", "transport": "tcp", "address": "10.0.0.7:20007", "options": {"currency": "yen"}}
	  ],
	  "barcodes": {"variable_rules": [{"prefix": "28", "item_digits": 4, "measure": "weight", "value_digits": 7, "decimals": 3}]}}`
	_, err := loadConfig([]string{"-config", writeConfig(t, body)})
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{`scanner suffix "TAB"`, `device "s2": suffix: a USB (HID) scanner`, `device "display": transport "tcp"`, "6 digits",
		"store currency JPY", `currency "yen"`, "2 devices of kind terminal", "barcodes.variable_rules", "want 12"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := loadConfig([]string{"-config", writeConfig(t, `{"barcodes": {"variable_rules": [{"prefix": "28", "itemdigits": 4}]}}`)}); err == nil ||
		!strings.Contains(err.Error(), "unknown field") {
		t.Fatalf("unknown rule field: %v", err)
	}
}

// A configured terminal's health probe reaches it over TCP (the watch
// itself is register.TerminalHealth, tested there).
func TestTerminalProbe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	w := newTerminalWatch(devices.Config{Kind: devices.KindTerminal, Transport: devices.TransportTCP, Address: addr})
	if err := w.Check(context.Background()); err != nil {
		t.Fatalf("probe: %v", err)
	}
	ln.Close()
	if err := w.Check(context.Background()); !errors.Is(err, devices.ErrTerminalUnreachable) {
		t.Fatalf("probe of a closed port: %v", err)
	}
	if w.Kind() != devices.KindTerminal || w.Name() != "terminal" {
		t.Fatalf("device %s %s", w.Kind(), w.Name())
	}
}

// hidBus plugs in one recorded HID scanner.
type hidBus struct{ pipe *usbdev.Playback }

func (b *hidBus) List(context.Context) ([]usbdev.DeviceInfo, error) { return nil, nil }
func (b *hidBus) OpenPrinter(context.Context, uint16, uint16) (io.ReadWriteCloser, error) {
	return nil, usbdev.ErrNoInterface
}
func (b *hidBus) OpenHID(_ context.Context, vid, pid uint16, iface int) (usbdev.Pipe, error) {
	if vid != 0x0c2e || pid != 0x0b61 || iface != 0 || b.pipe == nil {
		return nil, usbdev.ErrNotFound
	}
	p := b.pipe
	b.pipe = nil
	return p, nil
}
func (b *hidBus) Close() error { return nil }

// A USB (HID boot keyboard) scanner in the devices list is accepted, read
// by the device manager and its codes go where the serial scanners' go
// (ui.Scan in main): recorded reports of an EAN-13 and Enter.
func TestConfigUSBScannerWired(t *testing.T) {
	body := `{"devices": [
	    {"name": "hid", "kind": "scanner", "transport": "usb", "address": "0c2e:0b61", "options": {"interface": "0"}}
	  ]}`
	cfg, err := loadConfig([]string{"-config", writeConfig(t, body)})
	if err != nil {
		t.Fatal(err)
	}
	var ops []usbdev.Op
	for _, k := range []byte{0x21, 0x27, 0x27, 0x23, 0x20, 0x25, 0x1E, 0x20, 0x20, 0x20, 0x26, 0x20, 0x1E, 0x28} { // 4006381333931 Enter
		ops = append(ops, usbdev.Op{Data: []byte{0, 0, k, 0, 0, 0, 0, 0}}, usbdev.Op{Data: make([]byte, 8)})
	}
	bus := &hidBus{pipe: &usbdev.Playback{Packet: 8, Ops: ops}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m, err := devices.New(deviceConfigs(cfg), devices.Options{USB: bus, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	p := newPeripherals(m, nil, cfg, log)
	if len(p.scanners) != 0 || len(p.usbScanners) != 1 {
		t.Fatalf("serial scanners %d, usb scanners %d", len(p.scanners), len(p.usbScanners))
	}
	codes := make(chan string, 1)
	p.onCode(func(c string) { codes <- c })
	m.Poll(context.Background())
	select {
	case c := <-codes:
		if c != "4006381333931" {
			t.Fatalf("code %q", c)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no code from the USB scanner")
	}
}
