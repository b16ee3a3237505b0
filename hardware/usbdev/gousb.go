//go:build cgo && !windows

package usbdev

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/google/gousb"
)

// LibUSB is the machine's USB through libusb (gousb). gousb has no
// hot-plug API: the device manager polls List and reopens.
type LibUSB struct {
	mu  sync.Mutex
	ctx *gousb.Context
}

// NewBus opens libusb.
func NewBus() (Bus, error) { return &LibUSB{ctx: gousb.NewContext()}, nil }

// List describes the connected devices (names only where the device can
// be opened: without permission they stay empty).
func (u *LibUSB) List(context.Context) ([]DeviceInfo, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []DeviceInfo
	devs, err := u.ctx.OpenDevices(func(d *gousb.DeviceDesc) bool {
		out = append(out, describe(d))
		return true
	})
	for i, d := range devs {
		for j := range out {
			if out[j].Bus == d.Desc.Bus && out[j].Address == d.Desc.Address {
				out[j].Manufacturer, _ = d.Manufacturer()
				out[j].Product, _ = d.Product()
			}
		}
		devs[i].Close()
	}
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("usb list: %w", err)
	}
	return out, nil
}

func describe(d *gousb.DeviceDesc) DeviceInfo {
	info := DeviceInfo{Bus: d.Bus, Address: d.Address, VID: uint16(d.Vendor), PID: uint16(d.Product), Class: uint8(d.Class)}
	for _, c := range d.Configs {
		ci := ConfigInfo{Number: c.Number}
		for _, in := range c.Interfaces {
			for _, alt := range in.AltSettings {
				ii := InterfaceInfo{Number: alt.Number, Alternate: alt.Alternate, Class: uint8(alt.Class),
					SubClass: uint8(alt.SubClass), Protocol: uint8(alt.Protocol)}
				for _, ep := range alt.Endpoints {
					ii.Endpoints = append(ii.Endpoints, EndpointInfo{Number: ep.Number, In: ep.Direction == gousb.EndpointDirectionIn,
						Transfer: transferType(ep.TransferType), MaxPacketSize: ep.MaxPacketSize})
				}
				ci.Interfaces = append(ci.Interfaces, ii)
			}
		}
		info.Configs = append(info.Configs, ci)
	}
	return info
}

func transferType(t gousb.TransferType) uint8 {
	switch t {
	case gousb.TransferTypeBulk:
		return TransferBulk
	case gousb.TransferTypeInterrupt:
		return TransferInterrupt
	case gousb.TransferTypeIsochronous:
		return TransferIsochronous
	}
	return TransferControl
}

// OpenPrinter claims the printer interface of vid:pid.
func (u *LibUSB) OpenPrinter(ctx context.Context, vid, pid uint16) (io.ReadWriteCloser, error) {
	p, err := u.open(vid, pid, PrinterPipe)
	if err != nil {
		return nil, err
	}
	return NewPrinterConn(p), nil
}

// OpenHID claims the HID interface of vid:pid (iface: its number, or
// negative for the boot keyboard).
func (u *LibUSB) OpenHID(ctx context.Context, vid, pid uint16, iface int) (Pipe, error) {
	return u.open(vid, pid, HIDPipeOn(iface))
}

func (u *LibUSB) open(vid, pid uint16, choose func(DeviceInfo) (PipeSpec, error)) (Pipe, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	dev, err := u.ctx.OpenDeviceWithVIDPID(gousb.ID(vid), gousb.ID(pid))
	if err != nil {
		return nil, fmt.Errorf("usb %04x:%04x: %w", vid, pid, err)
	}
	if dev == nil {
		return nil, fmt.Errorf("usb %04x:%04x: %w", vid, pid, ErrNotFound)
	}
	spec, err := choose(describe(dev.Desc))
	if err != nil {
		dev.Close()
		return nil, fmt.Errorf("usb %04x:%04x: %w", vid, pid, err)
	}
	// usblp (printers) and usbhid (scanners) hold the interface: detach the
	// kernel driver while we use it, reattach on release.
	if err := dev.SetAutoDetach(true); err != nil {
		dev.Close()
		return nil, fmt.Errorf("usb %04x:%04x: auto-detach: %w", vid, pid, err)
	}
	cfg, err := dev.Config(spec.Config)
	if err != nil {
		dev.Close()
		return nil, fmt.Errorf("usb %04x:%04x: config %d: %w", vid, pid, spec.Config, err)
	}
	intf, err := cfg.Interface(spec.Interface, spec.Alternate)
	if err != nil {
		cfg.Close()
		dev.Close()
		return nil, fmt.Errorf("usb %04x:%04x: claim interface %d: %w", vid, pid, spec.Interface, err)
	}
	p := &gousbPipe{dev: dev, cfg: cfg, intf: intf}
	if spec.Out != nil {
		if p.out, err = intf.OutEndpoint(spec.Out.Number); err != nil {
			p.Close()
			return nil, fmt.Errorf("usb %04x:%04x: OUT endpoint: %w", vid, pid, err)
		}
	}
	if spec.In != nil {
		if p.in, err = intf.InEndpoint(spec.In.Number); err != nil {
			p.Close()
			return nil, fmt.Errorf("usb %04x:%04x: IN endpoint: %w", vid, pid, err)
		}
		p.maxPacket = spec.In.MaxPacketSize
	}
	return p, nil
}

// Close closes libusb.
func (u *LibUSB) Close() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.ctx.Close()
}

type gousbPipe struct {
	dev       *gousb.Device
	cfg       *gousb.Config
	intf      *gousb.Interface
	out       *gousb.OutEndpoint
	in        *gousb.InEndpoint
	maxPacket int
	once      sync.Once
}

func (p *gousbPipe) Out(ctx context.Context, b []byte) (int, error) {
	if p.out == nil {
		return 0, ErrNoInterface
	}
	n, err := p.out.WriteContext(ctx, b)
	return n, gousbErr(err)
}

func (p *gousbPipe) In(ctx context.Context, b []byte) (int, error) {
	if p.in == nil {
		return 0, ErrNoInterface
	}
	n, err := p.in.ReadContext(ctx, b)
	return n, gousbErr(err)
}

func (p *gousbPipe) MaxPacket() int { return p.maxPacket }

func (p *gousbPipe) Close() error {
	var err error
	p.once.Do(func() {
		p.intf.Close()
		err = errors.Join(p.cfg.Close(), p.dev.Close())
	})
	return err
}

func gousbErr(err error) error {
	if errors.Is(err, gousb.ErrorNoDevice) || errors.Is(err, gousb.ErrorIO) {
		return fmt.Errorf("%w (%v)", ErrClosed, err)
	}
	return err
}
