package devicesim

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/creack/pty"
)

// serialPty is the device end of a simulated serial line: the master of a
// pseudo-terminal whose slave the register opens. With a link path the
// register opens a stable name (like a udev /dev/serial/by-id link) that
// survives Unplug and Replug; without one it opens the pty device itself.
type serialPty struct {
	name string // for errors: "scanner", "display", "scale"
	link string

	mu      sync.Mutex
	master  *os.File
	slave   *os.File      // held open so a client closing does not hang up the master
	plugged chan struct{} // closed while plugged in; replaced on Unplug
	closed  bool
}

func newSerialPty(name, link string) (*serialPty, error) {
	p := &serialPty{name: name, link: link, plugged: make(chan struct{})}
	if err := p.plug(); err != nil {
		return nil, err
	}
	return p, nil
}

// Path is what the register opens.
func (p *serialPty) Path() string {
	if p.link != "" {
		return p.link
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.slave == nil {
		return ""
	}
	return p.slave.Name()
}

func (p *serialPty) plug() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("devicesim: " + p.name + " is closed")
	}
	if p.master != nil {
		return nil
	}
	master, slave, err := openPty(p.name, p.link)
	if err != nil {
		return err
	}
	p.master, p.slave = master, slave
	close(p.plugged)
	return nil
}

// openPty opens a pseudo-terminal the way a serial driver leaves a port
// (raw: no echo, no line editing, no CR/LF translation) with a pollable
// master, and points link at its slave when link is not "" (an existing
// link is replaced). name is the device, for errors.
func openPty(name, link string) (master, slave *os.File, err error) {
	master, slave, err = pty.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("devicesim: %s pty: %w", name, err)
	}
	if master, err = pollable(master); err != nil {
		slave.Close()
		return nil, nil, fmt.Errorf("devicesim: %s pty: %w", name, err)
	}
	if err := rawTermios(slave); err != nil {
		master.Close()
		slave.Close()
		return nil, nil, fmt.Errorf("devicesim: %s pty raw mode: %w", name, err)
	}
	if link != "" {
		_ = os.Remove(link)
		if err := os.Symlink(slave.Name(), link); err != nil {
			master.Close()
			slave.Close()
			return nil, nil, fmt.Errorf("devicesim: %s pty link: %w", name, err)
		}
	}
	return master, slave, nil
}

// Unplug destroys the pty (and removes the link), like pulling the cable.
func (p *serialPty) Unplug() error {
	p.mu.Lock()
	master, slave := p.master, p.slave
	if master == nil {
		p.mu.Unlock()
		return nil
	}
	p.master, p.slave = nil, nil
	p.plugged = make(chan struct{})
	p.mu.Unlock()
	if p.link != "" {
		_ = os.Remove(p.link)
	}
	return errors.Join(master.Close(), slave.Close())
}

// Replug plugs the device back in: a new pty behind the same link.
func (p *serialPty) Replug() error { return p.plug() }

// Close unplugs for good.
func (p *serialPty) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	return p.Unplug()
}

// Plugged reports whether the device is plugged in.
func (p *serialPty) Plugged() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.master != nil
}

// write sends bytes to the register; unplugged, it fails.
func (p *serialPty) write(b []byte) error {
	p.mu.Lock()
	m := p.master
	p.mu.Unlock()
	if m == nil {
		return fmt.Errorf("devicesim: %s is unplugged", p.name)
	}
	_, err := m.Write(b)
	return err
}

// serve feeds what the register sends to onRead until ctx ends or Close,
// waiting through unplugged spells.
func (p *serialPty) serve(ctx context.Context, onRead func([]byte)) error {
	stop := context.AfterFunc(ctx, func() { _ = p.Close() })
	defer stop()
	buf := make([]byte, 1024)
	for {
		p.mu.Lock()
		m, plugged, closed := p.master, p.plugged, p.closed
		p.mu.Unlock()
		if closed {
			return nil
		}
		if m == nil {
			select {
			case <-plugged:
				continue
			case <-ctx.Done():
				return nil
			}
		}
		n, err := m.Read(buf)
		if n > 0 {
			onRead(buf[:n])
		}
		if err != nil {
			// Unplugged or closed: the loop finds out which; an EIO from a
			// plugged pty cannot happen while we hold the slave open.
			p.mu.Lock()
			same := p.master == m
			p.mu.Unlock()
			if same {
				return fmt.Errorf("devicesim: %s read: %w", p.name, err)
			}
		}
	}
}
