package devices

import (
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tillpos/till/hardware/usbdev"
)

// hidBus is a USB bus whose HID device is plugged in as successive
// recordings: each OpenHID takes the next one, nil meaning unplugged.
type hidBus struct {
	mu     sync.Mutex
	plugs  []*usbdev.Playback
	opened []int // the interface asked for, per open
}

func (b *hidBus) List(context.Context) ([]usbdev.DeviceInfo, error) { return nil, nil }
func (b *hidBus) OpenPrinter(context.Context, uint16, uint16) (io.ReadWriteCloser, error) {
	return nil, usbdev.ErrNoInterface
}
func (b *hidBus) OpenHID(_ context.Context, vid, pid uint16, iface int) (usbdev.Pipe, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if vid != 0x0c2e || pid != 0x0b61 || len(b.plugs) == 0 {
		return nil, usbdev.ErrNotFound
	}
	p := b.plugs[0]
	b.plugs = b.plugs[1:]
	b.opened = append(b.opened, iface)
	if p == nil {
		return nil, usbdev.ErrNotFound
	}
	return p, nil
}
func (b *hidBus) Close() error { return nil }

// typed returns the boot keyboard reports of a scanner typing s and Enter:
// a press and a release per character.
func typed(s string) []usbdev.Op {
	usage := func(c byte) byte {
		if c == '0' {
			return 0x27
		}
		return 0x1E + c - '1'
	}
	var ops []usbdev.Op
	for _, c := range []byte(s) {
		ops = append(ops, usbdev.Op{Data: []byte{0, 0, usage(c), 0, 0, 0, 0, 0}}, usbdev.Op{Data: make([]byte, 8)})
	}
	return append(ops, usbdev.Op{Data: []byte{0, 0, 0x28, 0, 0, 0, 0, 0}}, usbdev.Op{Data: make([]byte, 8)})
}

// TestUSBScannerUnplugReplug reads a HID scanner through the manager on
// recorded reports: an EAN-13 and Enter, then the cable pulled (the read
// fails), a poll that finds nothing, a poll that finds it replugged, and
// the next code.
func TestUSBScannerUnplugReplug(t *testing.T) {
	t.Parallel()
	first := &usbdev.Playback{Packet: 8, Ops: append(typed("4006381333931"), usbdev.Op{Err: usbdev.ErrClosed})}
	second := &usbdev.Playback{Packet: 8, Ops: typed("4000417025005")}
	bus := &hidBus{plugs: []*usbdev.Playback{first, nil, second}}
	m, err := New([]Config{{Kind: KindScanner, Transport: TransportUSB, Address: "0c2e:0b61", Options: map[string]string{"interface": "1"}}},
		Options{USB: bus, Log: discard()})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var evs events
	m.OnEvent(evs.add)
	codes := make(chan string, 4)
	ss := m.USBScanners()
	if len(ss) != 1 {
		t.Fatalf("%d USB scanners", len(ss))
	}
	ss[0].OnCode(func(c string) { codes <- c })
	next := func() string {
		t.Helper()
		select {
		case c := <-codes:
			return c
		case <-time.After(2 * time.Second):
			t.Fatal("no code")
			return ""
		}
	}
	waitState := func(want State) {
		t.Helper()
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if m.States()[0].State == want {
				return
			}
		}
		t.Fatalf("state %+v, want %s", m.States()[0], want)
	}
	ctx := context.Background()
	m.Poll(ctx)
	if c := next(); c != "4006381333931" {
		t.Fatalf("code %q", c)
	}
	waitState(StateDisconnected) // the reader saw the unplug at once
	if !first.Done() || first.Err() != nil {
		t.Fatalf("first recording: done %v, %v", first.Done(), first.Err())
	}
	m.Poll(ctx) // still unplugged
	if got := m.Summary(); got != "Scanner not connected" {
		t.Fatalf("summary %q", got)
	}
	m.Poll(ctx) // replugged
	if c := next(); c != "4000417025005" {
		t.Fatalf("code after replug %q", c)
	}
	waitState(StateConnected)
	if second.Err() != nil {
		t.Fatal(second.Err())
	}
	want := []string{"scanner: Scanner: ready", "scanner: Scanner not connected", "scanner: Scanner: ready"}
	if got := evs.messages(); !slices.Equal(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
	bus.mu.Lock()
	if !slices.Equal(bus.opened, []int{1, 1, 1}) {
		t.Errorf("interfaces opened %v", bus.opened)
	}
	bus.mu.Unlock()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-codes:
		t.Fatalf("extra code %q", c)
	default:
	}
	// Without USB support (CGO_ENABLED=0 build) the scanner says so.
	noUSB, _ := New([]Config{{Kind: KindScanner, Transport: TransportUSB, Address: "0c2e:0b61"}}, Options{Log: discard()})
	noUSB.Poll(ctx)
	if st := noUSB.States()[0]; !errors.Is(st.Err, usbdev.ErrNoUSB) || st.State != StateDisconnected {
		t.Fatalf("no USB: %+v", st)
	}
	if err := (Config{Kind: KindScanner, Transport: TransportSerial, Address: "/dev/ttyACM0", Options: map[string]string{"interface": "1"}}).Validate(); err == nil {
		t.Fatal("interface accepted on a serial scanner")
	}
	if err := (Config{Kind: KindScanner, Transport: TransportUSB, Address: "0c2e:0b61", Options: map[string]string{"interface": "x"}}).Validate(); err == nil {
		t.Fatal("interface x accepted")
	}
}
