// Package usbdev owns Till's USB transport: USB printer-class devices
// written through their bulk OUT endpoint (status read back on bulk IN),
// and HID boot-keyboard barcode scanners read from their interrupt IN
// endpoint so that codes do not type into other windows. The libusb calls
// (github.com/google/gousb, cgo) live in one build-tagged file behind the
// Bus and Pipe interfaces; everything else — endpoint choice, packet
// buffering, timeouts, HID decoding — is plain Go, tested with recorded
// traffic (Playback) and CGO_ENABLED=0.
package usbdev

import (
	"context"
	"errors"
	"io"
)

// Errors, compared with errors.Is.
var (
	ErrNoUSB       = errors.New("USB support is not built in (the register needs cgo and libusb-1.0)")
	ErrNotFound    = errors.New("USB device not found (unplugged?)")
	ErrNoInterface = errors.New("USB device has no suitable interface")
	ErrTimeout     = timeoutError("USB: no data within the read timeout")
	ErrClosed      = errors.New("USB device closed or unplugged")
	// ErrUSBWindows is what NewBus returns on Windows; errors.Is(err,
	// ErrNoUSB) holds for it, so callers handle both alike.
	ErrUSBWindows error = windowsNoUSB{}
)

// windowsNoUSB is ErrUSBWindows' type: its own message, but Is ErrNoUSB.
type windowsNoUSB struct{}

func (windowsNoUSB) Error() string {
	return "USB devices are not supported on Windows; use a serial (COM) or network printer and scanner"
}

// Is makes errors.Is(ErrUSBWindows, ErrNoUSB) true.
func (windowsNoUSB) Is(target error) bool { return target == ErrNoUSB }

// timeoutError is ErrTimeout's type: Timeout() tells readers that keep a
// connection open (escpos.ASBConn) that the device is only quiet.
type timeoutError string

func (e timeoutError) Error() string { return string(e) }

// Timeout is true.
func (timeoutError) Timeout() bool { return true }

// USB class codes the register cares about.
const (
	ClassPerInterface uint8 = 0x00
	ClassComm         uint8 = 0x02 // CDC: USB serial (ttyACM), scanners in CDC mode
	ClassHID          uint8 = 0x03
	ClassPrinter      uint8 = 0x07
	ClassCDCData      uint8 = 0x0A
	ClassVendor       uint8 = 0xFF
)

// Transfer types of an endpoint.
const (
	TransferControl     uint8 = 0
	TransferIsochronous uint8 = 1
	TransferBulk        uint8 = 2
	TransferInterrupt   uint8 = 3
)

// DeviceInfo describes a USB device from its descriptors.
type DeviceInfo struct {
	Bus, Address int
	VID, PID     uint16
	Class        uint8 // device class; 0: see the interfaces
	Manufacturer string
	Product      string
	Configs      []ConfigInfo
}

// ConfigInfo is one configuration.
type ConfigInfo struct {
	Number     int
	Interfaces []InterfaceInfo // every alternate setting, flattened
}

// InterfaceInfo is one interface alternate setting.
type InterfaceInfo struct {
	Number, Alternate int
	Class, SubClass   uint8
	Protocol          uint8
	Endpoints         []EndpointInfo
}

// EndpointInfo is one endpoint.
type EndpointInfo struct {
	Number        int
	In            bool
	Transfer      uint8
	MaxPacketSize int
}

// HasClass reports whether the device or one of its interfaces has class c.
func (d DeviceInfo) HasClass(c uint8) bool {
	if d.Class == c {
		return true
	}
	for _, cfg := range d.Configs {
		for _, in := range cfg.Interfaces {
			if in.Class == c {
				return true
			}
		}
	}
	return false
}

// PipeSpec says which interface and endpoints to claim.
type PipeSpec struct {
	Config, Interface, Alternate int
	Out, In                      *EndpointInfo // nil: none (a write-only printer has no IN)
}

// PrinterPipe chooses the printer-class interface (0x07) with a bulk OUT
// endpoint, and its bulk IN if it has one (bidirectional printers answer
// DLE EOT there). Printers that declare a vendor class are accepted when
// they have a bulk OUT and bulk IN pair and no printer interface exists.
func PrinterPipe(d DeviceInfo) (PipeSpec, error) {
	var fallback *PipeSpec
	for _, cfg := range d.Configs {
		for _, in := range cfg.Interfaces {
			out, inEp := endpoint(in, false, TransferBulk), endpoint(in, true, TransferBulk)
			if out == nil {
				continue
			}
			spec := PipeSpec{Config: cfg.Number, Interface: in.Number, Alternate: in.Alternate, Out: out, In: inEp}
			if in.Class == ClassPrinter {
				return spec, nil
			}
			if in.Class == ClassVendor && inEp != nil && fallback == nil {
				fallback = &spec
			}
		}
	}
	if fallback != nil {
		return *fallback, nil
	}
	return PipeSpec{}, ErrNoInterface
}

// HIDPipe chooses a HID interface (0x03) with an interrupt IN endpoint,
// preferring the boot keyboard (subclass 1, protocol 1).
func HIDPipe(d DeviceInfo) (PipeSpec, error) { return HIDPipeOn(-1)(d) }

// HIDPipeOn is HIDPipe limited to interface number iface (negative: any).
// Scanners with a keyboard and a HID POS interface are pinned this way.
func HIDPipeOn(iface int) func(DeviceInfo) (PipeSpec, error) {
	return func(d DeviceInfo) (PipeSpec, error) { return hidPipe(d, iface) }
}

func hidPipe(d DeviceInfo, iface int) (PipeSpec, error) {
	var found *PipeSpec
	for _, cfg := range d.Configs {
		for _, in := range cfg.Interfaces {
			ep := endpoint(in, true, TransferInterrupt)
			if in.Class != ClassHID || ep == nil || (iface >= 0 && in.Number != iface) {
				continue
			}
			spec := PipeSpec{Config: cfg.Number, Interface: in.Number, Alternate: in.Alternate, In: ep}
			if in.SubClass == 1 && in.Protocol == 1 {
				return spec, nil
			}
			if found == nil {
				found = &spec
			}
		}
	}
	if found != nil {
		return *found, nil
	}
	return PipeSpec{}, ErrNoInterface
}

func endpoint(in InterfaceInfo, dirIn bool, transfer uint8) *EndpointInfo {
	for i := range in.Endpoints {
		if e := in.Endpoints[i]; e.In == dirIn && e.Transfer == transfer {
			return &e
		}
	}
	return nil
}

// Pipe is a claimed interface's endpoints. The gousb file implements it;
// tests use Playback.
type Pipe interface {
	// Out writes to the OUT endpoint.
	Out(ctx context.Context, p []byte) (int, error)
	// In reads one transfer from the IN endpoint into p, which is at
	// least MaxPacket bytes: a device may send a whole packet.
	In(ctx context.Context, p []byte) (int, error)
	// MaxPacket is the IN endpoint's packet size (0: no IN endpoint).
	MaxPacket() int
	Close() error
}

// Bus is the machine's USB as the register uses it.
type Bus interface {
	// List describes the connected devices.
	List(ctx context.Context) ([]DeviceInfo, error)
	// OpenPrinter claims a printer's interface (detaching usblp) and
	// returns it as a byte stream.
	OpenPrinter(ctx context.Context, vid, pid uint16) (io.ReadWriteCloser, error)
	// OpenHID claims a HID interface (detaching usbhid, so the scanner
	// no longer types into the desktop) and returns its report pipe;
	// iface picks the interface number (negative: HIDPipe's choice).
	OpenHID(ctx context.Context, vid, pid uint16, iface int) (Pipe, error)
	Close() error
}
