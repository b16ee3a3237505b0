package devices

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tillpos/till/hardware/serialport"
	"github.com/tillpos/till/hardware/usbdev"
)

// Found is a device discovered for first-run setup, with a guess at what
// it is and why; Config is a starting configuration for it.
type Found struct {
	Kind        Kind // "" when unknown
	Transport   Transport
	Address     string
	VID, PID    string // hex, lower case; "" when not USB
	Description string // manufacturer and product, as the device names itself
	Why         string // the reason for the guess, for the setup screen
}

// Config is a device configuration for f.
func (f Found) Config() Config {
	return Config{Name: string(f.Kind), Kind: f.Kind, Transport: f.Transport, Address: f.Address}
}

// Vendor ids of receipt printer and scanner makers.
var (
	printerVendors = map[string]string{"04b8": "Epson", "0519": "Star Micronics", "1d90": "Citizen", "1504": "Bixolon", "0dd4": "Custom", "0fe6": "ICS Advent (clone printers)"}
	scannerVendors = map[string]string{"0c2e": "Honeywell (Metrologic)", "05e0": "Zebra (Symbol)", "05f9": "Datalogic", "1eab": "Newland", "065a": "Opticon"}
)

// ClassifyUSB guesses what a USB device is: a printer-class interface
// (0x07) or a printer maker's vendor id is a receipt printer; a HID
// device from a scanner maker is a barcode scanner; a CDC-ACM device
// (class 0x02) is a serial device, a scanner when the maker says so.
func ClassifyUSB(d usbdev.DeviceInfo) (Kind, string) {
	vid := fmt.Sprintf("%04x", d.VID)
	switch {
	case d.HasClass(usbdev.ClassPrinter):
		return KindPrinter, "USB printer class (0x07)"
	case printerVendors[vid] != "":
		return KindPrinter, "receipt printer maker " + printerVendors[vid]
	case scannerVendors[vid] != "" && d.HasClass(usbdev.ClassHID):
		return KindScanner, "HID keyboard from scanner maker " + scannerVendors[vid]
	case scannerVendors[vid] != "":
		return KindScanner, "scanner maker " + scannerVendors[vid]
	case d.HasClass(usbdev.ClassComm):
		return "", "USB serial (CDC-ACM, class 0x02): a scanner, display or scale in serial mode"
	}
	return "", ""
}

// ClassifySerial guesses what a serial port is from its USB ids.
func ClassifySerial(p serialport.Info) (Kind, string) {
	vid := strings.ToLower(p.VID)
	switch {
	case scannerVendors[vid] != "":
		return KindScanner, "serial (CDC-ACM) scanner from " + scannerVendors[vid]
	case printerVendors[vid] != "":
		return KindPrinter, "serial printer from " + printerVendors[vid]
	case p.USB:
		return "", "USB serial adapter: a scanner, display, scale or printer"
	}
	return "", "serial port"
}

// Lister is where discovery looks; nil fields are skipped.
type Lister struct {
	Serial func() ([]serialport.Info, error) // serialport.List
	USB    usbdev.Bus
}

// Discover lists serial ports and USB devices with what they probably
// are. USB devices that are only serial adapters appear once, as their
// serial port. It returns what it found even when one source fails.
func (l Lister) Discover(ctx context.Context) ([]Found, error) {
	var out []Found
	var errs []error
	serialIDs := map[string]bool{}
	if l.Serial != nil {
		ports, err := l.Serial()
		if err != nil {
			errs = append(errs, err)
		}
		for _, p := range ports {
			k, why := ClassifySerial(p)
			out = append(out, Found{Kind: k, Transport: TransportSerial, Address: p.Path, VID: strings.ToLower(p.VID),
				PID: strings.ToLower(p.PID), Description: p.Product, Why: why})
			if p.USB {
				serialIDs[strings.ToLower(p.VID+":"+p.PID)] = true
			}
		}
	}
	if l.USB != nil {
		devs, err := l.USB.List(ctx)
		if err != nil {
			errs = append(errs, err)
		}
		for _, d := range devs {
			id := fmt.Sprintf("%04x:%04x", d.VID, d.PID)
			k, why := ClassifyUSB(d)
			if why == "" || (serialIDs[id] && !d.HasClass(usbdev.ClassPrinter)) {
				continue // hubs, keyboards, or already listed as a serial port
			}
			out = append(out, Found{Kind: k, Transport: TransportUSB, Address: id, VID: id[:4], PID: id[5:],
				Description: strings.TrimSpace(d.Manufacturer + " " + d.Product), Why: why})
		}
	}
	return out, errors.Join(errs...)
}
