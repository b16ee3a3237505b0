package usbdev

import (
	"bytes"
	"context"
	"fmt"
	"sync"
)

// Op is one recorded transfer on a pipe.
type Op struct {
	Out  bool   // host to device
	Data []byte // the bytes; an empty IN is a zero-length packet
	Err  error  // the transfer fails with this (e.g. unplugged)
}

// Playback replays recorded traffic as a Pipe, in the manner of periph.io's
// conntest: every Out must send exactly the next recorded OUT bytes, every
// In receives the next recorded IN packet. An In with an OUT (or nothing)
// next waits for its context, as a device with nothing to say does. The
// first mismatch is kept in Err and fails every later transfer.
type Playback struct {
	Ops    []Op
	Packet int // IN packet size; zero: 64

	mu     sync.Mutex
	pos    int
	err    error
	closed bool
}

// MaxPacket is the IN packet size.
func (p *Playback) MaxPacket() int {
	if p.Packet == 0 {
		return 64
	}
	return p.Packet
}

// Out checks b against the next recorded OUT.
func (p *Playback) Out(_ context.Context, b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	op, err := p.nextLocked(true)
	if err != nil {
		return 0, err
	}
	if !bytes.Equal(op.Data, b) {
		p.err = fmt.Errorf("usbdev playback: op %d: sent % x, recorded % x", p.pos-1, b, op.Data)
		return 0, p.err
	}
	return len(b), op.Err
}

// In returns the next recorded IN packet.
func (p *Playback) In(ctx context.Context, b []byte) (int, error) {
	p.mu.Lock()
	if p.err == nil && !p.closed && (p.pos >= len(p.Ops) || p.Ops[p.pos].Out) {
		p.mu.Unlock()
		<-ctx.Done()
		return 0, ctx.Err()
	}
	defer p.mu.Unlock()
	op, err := p.nextLocked(false)
	if err != nil {
		return 0, err
	}
	if len(op.Data) > len(b) {
		p.err = fmt.Errorf("usbdev playback: op %d: %d-byte packet into a %d-byte buffer (libusb overflow)", p.pos-1, len(op.Data), len(b))
		return 0, p.err
	}
	return copy(b, op.Data), op.Err
}

func (p *Playback) nextLocked(out bool) (Op, error) {
	switch {
	case p.err != nil:
		return Op{}, p.err
	case p.closed:
		return Op{}, ErrClosed
	case p.pos >= len(p.Ops):
		p.err = fmt.Errorf("usbdev playback: transfer %d beyond the recording", p.pos)
		return Op{}, p.err
	case p.Ops[p.pos].Out != out:
		p.err = fmt.Errorf("usbdev playback: op %d: got an %s, recorded an %s", p.pos, dir(out), dir(p.Ops[p.pos].Out))
		return Op{}, p.err
	}
	p.pos++
	return p.Ops[p.pos-1], nil
}

func dir(out bool) string {
	if out {
		return "OUT"
	}
	return "IN"
}

// Close marks the pipe closed.
func (p *Playback) Close() error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	return nil
}

// Err is the first mismatch, or nil.
func (p *Playback) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Done reports whether every recorded transfer happened.
func (p *Playback) Done() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pos == len(p.Ops)
}
