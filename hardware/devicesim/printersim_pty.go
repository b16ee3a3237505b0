//go:build linux

package devicesim

import (
	"errors"
	"os"
	"sync"
)

// PrinterPty serves a PrinterSim on a pseudo-terminal, as a serial (or USB
// CDC) receipt printer: the register opens Path, a symlink to the pty's
// device like a udev /dev/serial/by-id link. Unplug and Replug simulate
// pulling the cable and plugging it back in: the link then points at a new
// pty, and the old one is gone (reads and writes on it fail with EIO).
type PrinterPty struct {
	sim  *PrinterSim
	link string

	mu      sync.Mutex
	master  *os.File
	slave   *os.File // held open so a client closing does not hang up the master
	serving chan struct{}
}

// ServePty starts serving s on a new pty linked at link (replaced if it
// exists). Stop it with Close. It needs no Listen or Run; receipts and
// state are the simulator's, shared with any TCP client.
func (s *PrinterSim) ServePty(link string) (*PrinterPty, error) {
	p := &PrinterPty{sim: s, link: link}
	if err := p.plug(); err != nil {
		return nil, err
	}
	return p, nil
}

// Path is the symlink the register opens.
func (p *PrinterPty) Path() string { return p.link }

// Device is the current pty device behind Path ("" while unplugged).
func (p *PrinterPty) Device() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.slave == nil {
		return ""
	}
	return p.slave.Name()
}

func (p *PrinterPty) plug() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.master != nil {
		return errors.New("devicesim: printer pty already plugged in")
	}
	master, slave, err := openPty("printer", p.link)
	if err != nil {
		return err
	}
	p.master, p.slave = master, slave
	done := make(chan struct{})
	p.serving = done
	go func() {
		defer close(done)
		p.sim.serve(master)
	}()
	p.sim.log().Info("printer: plugged in", "path", p.link, "device", slave.Name())
	return nil
}

// Unplug removes the link and destroys the pty, like pulling the cable.
func (p *PrinterPty) Unplug() error {
	p.mu.Lock()
	master, slave, done := p.master, p.slave, p.serving
	p.master, p.slave, p.serving = nil, nil, nil
	p.mu.Unlock()
	if master == nil {
		return nil
	}
	_ = os.Remove(p.link)
	err := errors.Join(master.Close(), slave.Close())
	<-done
	p.sim.log().Info("printer: unplugged", "path", p.link)
	return err
}

// Replug plugs the printer back in: a new pty behind the same link.
func (p *PrinterPty) Replug() error { return p.plug() }

// Close unplugs the printer for good.
func (p *PrinterPty) Close() error { return p.Unplug() }
