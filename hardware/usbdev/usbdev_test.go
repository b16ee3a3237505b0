package usbdev

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tillpos/till/hardware/escpos"
)

// Descriptors as lsusb -v shows them for devices of each kind.
var (
	epsonTM = DeviceInfo{VID: 0x04b8, PID: 0x0202, Configs: []ConfigInfo{{Number: 1, Interfaces: []InterfaceInfo{
		{Number: 0, Class: ClassPrinter, SubClass: 1, Protocol: 2, Endpoints: []EndpointInfo{
			{Number: 1, In: false, Transfer: TransferBulk, MaxPacketSize: 64},
			{Number: 2, In: true, Transfer: TransferBulk, MaxPacketSize: 64},
		}},
	}}}}
	vendorPrinter = DeviceInfo{VID: 0x1504, PID: 0x0006, Configs: []ConfigInfo{{Number: 1, Interfaces: []InterfaceInfo{
		{Number: 0, Class: ClassVendor, Endpoints: []EndpointInfo{
			{Number: 2, In: true, Transfer: TransferBulk, MaxPacketSize: 64},
			{Number: 1, In: false, Transfer: TransferBulk, MaxPacketSize: 64},
		}},
	}}}}
	honeywellHID = DeviceInfo{VID: 0x0c2e, PID: 0x0b61, Configs: []ConfigInfo{{Number: 1, Interfaces: []InterfaceInfo{
		{Number: 0, Class: ClassHID, SubClass: 0, Protocol: 0, Endpoints: []EndpointInfo{{Number: 3, In: true, Transfer: TransferInterrupt, MaxPacketSize: 64}}},
		{Number: 1, Class: ClassHID, SubClass: 1, Protocol: 1, Endpoints: []EndpointInfo{{Number: 1, In: true, Transfer: TransferInterrupt, MaxPacketSize: 8}}},
	}}}}
)

func TestPipeChoice(t *testing.T) {
	t.Parallel()
	spec, err := PrinterPipe(epsonTM)
	if err != nil || spec.Interface != 0 || spec.Out.Number != 1 || spec.In.Number != 2 || spec.Config != 1 {
		t.Fatalf("Epson printer pipe = %+v, %v", spec, err)
	}
	spec, err = PrinterPipe(vendorPrinter)
	if err != nil || spec.Out.Number != 1 || spec.In.Number != 2 {
		t.Fatalf("vendor-class printer pipe = %+v, %v", spec, err)
	}
	if _, err := PrinterPipe(honeywellHID); !errors.Is(err, ErrNoInterface) {
		t.Fatalf("scanner as printer: %v", err)
	}
	spec, err = HIDPipe(honeywellHID)
	if err != nil || spec.Interface != 1 || spec.In.Number != 1 || spec.Out != nil {
		t.Fatalf("HID pipe = %+v, %v (want the boot keyboard interface 1)", spec, err)
	}
	if spec, err := HIDPipeOn(0)(honeywellHID); err != nil || spec.Interface != 0 || spec.In.Number != 3 {
		t.Fatalf("HID pipe on interface 0 = %+v, %v", spec, err)
	}
	if _, err := HIDPipeOn(2)(honeywellHID); !errors.Is(err, ErrNoInterface) {
		t.Fatalf("HID pipe on a missing interface: %v", err)
	}
	if _, err := HIDPipe(epsonTM); !errors.Is(err, ErrNoInterface) {
		t.Fatalf("printer as scanner: %v", err)
	}
	if !honeywellHID.HasClass(ClassHID) || honeywellHID.HasClass(ClassPrinter) {
		t.Fatal("HasClass")
	}
}

var statusQuery = []byte{0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 4}

// TestPrinterConnRecordedJob replays a TM-T20's traffic for one job: an
// idle zero-length packet, three status replies in one packet, the job,
// the replies after it split over two packets.
func TestPrinterConnRecordedJob(t *testing.T) {
	t.Parallel()
	job := []byte{0x1B, 0x40, 'h', 'i', 0x0A, 0x1D, 0x56, 0x41, 3}
	pb := &Playback{Ops: []Op{
		{Out: true, Data: statusQuery},
		{Data: nil}, // zero-length packet
		{Data: []byte{0x16, 0x12, 0x12}},
		{Out: true, Data: job},
		{Out: true, Data: statusQuery},
		{Data: []byte{0x12}},
		{Data: []byte{0x12, 0x12}},
	}}
	c := NewPrinterConn(pb)
	st, err := escpos.ReadStatus(c)
	if err != nil || !st.DrawerOpen || st.Err() != nil {
		t.Fatalf("status = %+v, %v", st, err)
	}
	if _, err := escpos.ReadStatus(c); err == nil {
		// A status query where the recording has the job must not match.
		t.Fatal("playback accepted traffic that differs from the recording")
	}
	pb2 := &Playback{Ops: pb.Ops[3:]}
	c2 := NewPrinterConn(pb2)
	if _, err := c2.Write(job); err != nil {
		t.Fatal(err)
	}
	st, err = escpos.ReadStatus(c2)
	if err != nil || st.Err() != nil || !pb2.Done() || pb2.Err() != nil {
		t.Fatalf("after job: %+v, %v, done=%v, %v", st, err, pb2.Done(), pb2.Err())
	}
}

func TestPrinterConnPaperOutAndUnplug(t *testing.T) {
	t.Parallel()
	pb := &Playback{Ops: []Op{
		{Out: true, Data: statusQuery},
		{Data: []byte{0x1A, 0x32, 0x72}}, // offline, stopped by paper end, paper end
		{Out: true, Data: statusQuery},
		{Err: ErrClosed}, // cable pulled
	}}
	c := NewPrinterConn(pb)
	st, err := escpos.ReadStatus(c)
	if err != nil || !errors.Is(st.Err(), escpos.ErrPaperOut) {
		t.Fatalf("paper-out status = %+v, %v", st, err)
	}
	if _, err := escpos.ReadStatus(c); !errors.Is(err, ErrClosed) {
		t.Fatalf("unplugged: %v", err)
	}
}

func TestPrinterConnTimeout(t *testing.T) {
	t.Parallel()
	pb := &Playback{Ops: []Op{{Out: true, Data: statusQuery}}} // the printer never answers
	c := NewPrinterConn(pb)
	c.SetReadTimeout(30 * time.Millisecond)
	start := time.Now()
	if _, err := escpos.ReadStatus(c); !errors.Is(err, ErrTimeout) {
		t.Fatalf("silent printer: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("timeout took %s", d)
	}
	wo := NewPrinterConn(&Playback{Packet: -1})
	if _, err := wo.Read(make([]byte, 1)); !errors.Is(err, ErrNoInterface) {
		t.Fatalf("write-only printer read: %v", err)
	}
}

func report(mod byte, keys ...byte) Op {
	r := make([]byte, 8)
	r[0] = mod
	copy(r[2:], keys)
	return Op{Data: r}
}

// TestHIDScannerRecorded replays a scanner typing "4006381333931" then
// "Ab-1" with shift, each ended by Enter, with key releases between.
func TestHIDScannerRecorded(t *testing.T) {
	t.Parallel()
	key := map[byte]byte{'0': 0x27, '1': 0x1E, '3': 0x20, '4': 0x21, '6': 0x23, '8': 0x25, '9': 0x26}
	var ops []Op
	for _, c := range []byte("4006381333931") {
		ops = append(ops, report(0, key[c]), report(0))
	}
	ops = append(ops, report(0, 0x28), report(0))
	ops = append(ops, report(0x02, 0x04), report(0), report(0, 0x05), report(0), report(0, 0x2D), report(0), report(0, 0x1E), report(0), report(0, 0x28), report(0))
	pb := &Playback{Ops: ops, Packet: 8}
	s := NewHIDScanner(pb)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, want := range []string{"4006381333931", "Ab-1"} {
		got, err := s.Next(ctx)
		if err != nil || got != want {
			t.Fatalf("Next = %q, %v, want %q", got, err, want)
		}
	}
	short, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := s.Next(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("no more reports: %v", err)
	}
	if pb.Err() != nil {
		t.Fatal(pb.Err())
	}
}
