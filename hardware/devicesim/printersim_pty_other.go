//go:build !linux

package devicesim

import "errors"

// PrinterPty serves a PrinterSim on a pseudo-terminal (Linux only).
type PrinterPty struct{}

// ServePty is not available on this system.
func (s *PrinterSim) ServePty(link string) (*PrinterPty, error) {
	return nil, errors.New("devicesim: printer on a pty needs Linux")
}

// Path is "" on this system.
func (p *PrinterPty) Path() string { return "" }

// Device is "" on this system.
func (p *PrinterPty) Device() string { return "" }

// Unplug does nothing on this system.
func (p *PrinterPty) Unplug() error { return nil }

// Replug does nothing on this system.
func (p *PrinterPty) Replug() error { return nil }

// Close does nothing on this system.
func (p *PrinterPty) Close() error { return nil }
