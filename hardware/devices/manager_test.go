package devices

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/hardware/escpos"
	"github.com/tillpos/till/hardware/serialport"
	"github.com/tillpos/till/hardware/usbdev"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	good := []Config{
		{Kind: KindPrinter, Transport: TransportUSB, Address: "04b8:0202", Options: map[string]string{"profile": "58mm", "drawer": "warn"}},
		{Kind: KindScanner, Transport: TransportSerial, Address: "/dev/ttyACM0", Options: map[string]string{"mode": "9600 8N1"}},
		{Kind: KindTerminal, Transport: TransportTCP, Address: "192.168.1.60:20007"},
	}
	if err := ValidateAll(good); err != nil {
		t.Fatal(err)
	}
	bad := []Config{
		{Kind: "toaster", Transport: TransportTCP, Address: "x:1"},
		{Name: "p", Kind: KindPrinter, Transport: TransportTCP, Address: "nowhere", Options: map[string]string{"profile": "99mm", "drawer": "maybe", "timeout": "soon"}},
		{Name: "p", Kind: KindPrinter, Transport: TransportUSB, Address: "epson"},
		{Kind: KindScale, Transport: TransportSerial, Options: map[string]string{"mode": "9600 9X1"}},
		{Kind: KindDisplay, Transport: "bluetooth"},
	}
	err := ValidateAll(bad)
	for _, want := range []string{`kind "toaster"`, `address "nowhere"`, `profile "99mm"`, `drawer "maybe"`, `timeout "soon"`,
		`two devices have this name`, `usb address "epson"`, `give the serial port`, "serial mode", `transport "bluetooth"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if vid, pid, err := ParseUSBID("0c2e:0B61"); err != nil || vid != 0x0c2e || pid != 0x0b61 {
		t.Fatalf("ParseUSBID = %x %x %v", vid, pid, err)
	}
}

func TestEventMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ev   Event
		want string
	}{
		{Event{Kind: KindPrinter, State: stateOf(fmt.Errorf("x: %w", escpos.ErrPaperOut)), Err: fmt.Errorf("x: %w", escpos.ErrPaperOut)}, "Printer: out of paper"},
		{Event{Kind: KindPrinter, State: stateOf(escpos.ErrCoverOpen), Err: escpos.ErrCoverOpen}, "Printer: cover open"},
		{Event{Kind: KindTerminal, State: stateOf(ErrTerminalUnreachable), Err: ErrTerminalUnreachable}, "Card terminal not answering"},
		{Event{Kind: KindTerminal, State: StateDisconnected, Err: errors.New("dial tcp: refused")}, "Card terminal not answering"},
		{Event{Kind: KindScanner, State: StateConnected}, "Scanner: ready"},
		{Event{Kind: KindScale, State: StateUnknown}, "Scale: checking"},
	}
	for _, tt := range tests {
		if got := tt.ev.Message(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.ev, got, tt.want)
		}
	}
	if stateOf(escpos.ErrPaperOut) != StateError || stateOf(fmt.Errorf("%w", escpos.ErrUnreachable)) != StateDisconnected || stateOf(nil) != StateConnected {
		t.Fatal("stateOf")
	}
}

// fakeBus is a USB bus with one recorded printer.
type fakeBus struct {
	devs []usbdev.DeviceInfo
	pipe *usbdev.Playback
}

func (b *fakeBus) List(context.Context) ([]usbdev.DeviceInfo, error) { return b.devs, nil }
func (b *fakeBus) OpenPrinter(_ context.Context, vid, pid uint16) (io.ReadWriteCloser, error) {
	if b.pipe == nil {
		return nil, usbdev.ErrNotFound
	}
	return usbdev.NewPrinterConn(b.pipe), nil
}
func (b *fakeBus) OpenHID(context.Context, uint16, uint16, int) (usbdev.Pipe, error) {
	return nil, usbdev.ErrNotFound
}
func (b *fakeBus) Close() error { return nil }

var statusQuery = []byte{0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 4}

// TestUSBPrinterRecordedTraffic prints through the manager's USB link on
// recorded traffic: the status before, the rendered job, the status after.
func TestUSBPrinterRecordedTraffic(t *testing.T) {
	t.Parallel()
	doc := pos.Doc{ID: "s1"}
	doc.Text("Hallo", pos.AlignLeft)
	job := escpos.Render(doc, escpos.Profile58mm)
	bus := &fakeBus{pipe: &usbdev.Playback{Ops: []usbdev.Op{
		{Out: true, Data: statusQuery}, {Data: []byte{0x12, 0x12, 0x12}},
		{Out: true, Data: job},
		{Out: true, Data: statusQuery}, {Data: []byte{0x12, 0x12, 0x12}},
	}}}
	m, err := New([]Config{{Kind: KindPrinter, Transport: TransportUSB, Address: "04b8:0202", Options: map[string]string{"profile": "58mm"}}},
		Options{USB: bus, Log: discard()})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Printer("").Print(context.Background(), doc); err != nil {
		t.Fatal(err)
	}
	if !bus.pipe.Done() || bus.pipe.Err() != nil {
		t.Fatalf("traffic differs from the recording: %v", bus.pipe.Err())
	}
	if got := m.States()[0]; got.State != StateConnected {
		t.Fatalf("state %+v", got)
	}
	// Unplugged: the next check fails, the manager says so.
	bus.pipe = nil
	m.Printer("").Close()
	m.Poll(context.Background())
	if got := m.Summary(); got != "Printer not answering" {
		t.Fatalf("summary %q", got)
	}
	noUSB, _ := New([]Config{{Kind: KindPrinter, Transport: TransportUSB, Address: "04b8:0202"}}, Options{Log: discard()})
	if err := noUSB.Printer("").Print(context.Background(), doc); !errors.Is(err, usbdev.ErrNoUSB) {
		t.Fatalf("without USB support: %v", err)
	}
}

func TestManagerReportFromDrivers(t *testing.T) {
	t.Parallel()
	m, err := New([]Config{{Name: "zvt", Kind: KindTerminal, Transport: TransportTCP, Address: "127.0.0.1:1"}}, Options{Log: discard()})
	if err != nil {
		t.Fatal(err)
	}
	var evs events
	m.OnEvent(evs.add)
	m.Report("zvt", nil)
	m.Report("zvt", nil) // no change, no event
	m.Report("zvt", fmt.Errorf("authorize: %w", ErrTerminalUnreachable))
	m.Report("nobody", errors.New("ignored"))
	want := []string{"zvt: Card terminal: ready", "zvt: Card terminal not answering"}
	if got := evs.messages(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("events %q, want %q", got, want)
	}
	if got := m.Summary(); got != "Card terminal not answering" {
		t.Fatalf("summary %q", got)
	}
}

func TestDiscover(t *testing.T) {
	t.Parallel()
	bus := &fakeBus{devs: []usbdev.DeviceInfo{
		{VID: 0x04b8, PID: 0x0202, Manufacturer: "EPSON", Product: "TM-T20II", Configs: []usbdev.ConfigInfo{{Interfaces: []usbdev.InterfaceInfo{{Class: usbdev.ClassPrinter}}}}},
		{VID: 0x0c2e, PID: 0x0b61, Product: "Xenon 1900", Configs: []usbdev.ConfigInfo{{Interfaces: []usbdev.InterfaceInfo{{Class: usbdev.ClassHID}}}}},
		{VID: 0x05f9, PID: 0x4204, Configs: []usbdev.ConfigInfo{{Interfaces: []usbdev.InterfaceInfo{{Class: usbdev.ClassComm}}}}}, // also a serial port
		{VID: 0x1d6b, PID: 0x0002, Class: 0x09}, // root hub
		{VID: 0x1a86, PID: 0x7523, Configs: []usbdev.ConfigInfo{{Interfaces: []usbdev.InterfaceInfo{{Class: usbdev.ClassComm}}}}},
	}}
	l := Lister{USB: bus, Serial: func() ([]serialport.Info, error) {
		return []serialport.Info{
			{Path: "/dev/ttyACM0", USB: true, VID: "05F9", PID: "4204", Product: "Datalogic QuickScan"},
			{Path: "/dev/ttyS0"},
		}, nil
	}}
	found, err := l.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range found {
		got = append(got, fmt.Sprintf("%s %s %s", f.Kind, f.Transport, f.Address))
	}
	want := []string{"scanner serial /dev/ttyACM0", " serial /dev/ttyS0", "printer usb 04b8:0202", "scanner usb 0c2e:0b61", " usb 1a86:7523"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("found\n%q\nwant\n%q", got, want)
	}
	if c := found[2].Config(); c.Kind != KindPrinter || c.Transport != TransportUSB || c.Validate() != nil {
		t.Fatalf("config for the printer %+v: %v", c, c.Validate())
	}
	if found[3].Why == "" || !strings.Contains(found[3].Why, "Honeywell") {
		t.Fatalf("why %q", found[3].Why)
	}
}
