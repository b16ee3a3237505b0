package devicesim

import (
	"bufio"
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// The ZVT serial transport (PA00P015 ch. 2.3), written here independently
// of hardware/zvt so the driver is checked against a second reading of the
// spec: each APDU travels as DLE STX, the APDU with every DLE doubled, DLE
// ETX and a CRC-CCITT (reflected polynomial 0x8408, initial 0, low byte
// first) over the unstuffed APDU and ETX; the receiver answers ACK (06) or
// NAK (15) and a NAKed frame is sent again, up to three times.
const (
	zDLE = 0x10
	zSTX = 0x02
	zETX = 0x03
	zACK = 0x06
	zNAK = 0x15
)

func zvtCRC(b []byte) uint16 {
	var crc uint16
	for _, c := range b {
		crc ^= uint16(c)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0x8408
			} else {
				crc >>= 1
			}
		}
	}
	return crc
}

// zvtFrame wraps an APDU for the line.
func zvtFrame(apdu []byte) []byte {
	b := []byte{zDLE, zSTX}
	for _, c := range apdu {
		b = append(b, c)
		if c == zDLE {
			b = append(b, zDLE)
		}
	}
	crc := zvtCRC(append(append([]byte(nil), apdu...), zETX))
	return append(b, zDLE, zETX, byte(crc), byte(crc>>8))
}

// encode is the APDU's bytes: class, instruction, length (FF lo hi when
// 255 or more), data.
func (m zvtMsg) encode() []byte {
	b := []byte{m.class, m.instr}
	if len(m.data) < 0xFF {
		b = append(b, byte(len(m.data)))
	} else {
		b = append(b, 0xFF, byte(len(m.data)), byte(len(m.data)>>8))
	}
	return append(b, m.data...)
}

// ZVTPty is the terminal's serial cable on a pseudo-terminal: the register
// opens Path as its COM port (a pty has no DTR/CTS lines; ZVT serial does
// not need them). Run serves it.
type ZVTPty struct {
	*serialPty
	sim *ZVTSim
	// T3 is how long a sent frame waits for its ACK before it is sent
	// again. Set before Run.
	T3 time.Duration

	wmu       sync.Mutex // a frame and an ACK byte never interleave
	acks      chan byte
	corrupt   atomic.Bool
	naksSent  atomic.Int32
	naksHeard atomic.Int32
}

// ServePty puts the terminal on a new pty, reachable at link when link is
// not "" (a stable name surviving Unplug and Replug).
func (s *ZVTSim) ServePty(link string) (*ZVTPty, error) {
	p, err := newSerialPty("zvt", link)
	if err != nil {
		return nil, err
	}
	return &ZVTPty{serialPty: p, sim: s, T3: time.Second, acks: make(chan byte, 4)}, nil
}

// CorruptNextFrame sends the terminal's next frame once with a bad CRC,
// as line noise would: the register must NAK it and get it again.
func (z *ZVTPty) CorruptNextFrame() { z.corrupt.Store(true) }

// NAKs are the NAKs the terminal sent (frames from the register that
// arrived damaged) and heard (its frames the register NAKed).
func (z *ZVTPty) NAKs() (sent, heard int) { return int(z.naksSent.Load()), int(z.naksHeard.Load()) }

func (z *ZVTPty) writeLine(b []byte) error {
	z.wmu.Lock()
	defer z.wmu.Unlock()
	return z.write(b)
}

// Run serves the line until ctx ends or Close: frames from the register
// are checked, acknowledged and handed to the terminal one APDU at a time
// over an in-memory connection, and the terminal's answers are framed and
// sent, each until acknowledged.
func (z *ZVTPty) Run(ctx context.Context) error {
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		pw.Close()
		wg.Wait()
	}()
	sessions := make(chan net.Conn, 1)
	// The terminal: one session after another (it hangs up when the
	// register breaks the protocol; the cable stays).
	wg.Go(func() {
		for ctx.Err() == nil {
			ecr, term := net.Pipe()
			select {
			case sessions <- ecr:
			case <-ctx.Done():
				return
			}
			out := make(chan struct{})
			go func() { defer close(out); z.sendAnswers(ctx, ecr) }()
			stop := context.AfterFunc(ctx, func() { term.Close() })
			z.sim.serve(term)
			stop()
			term.Close()
			ecr.Close()
			<-out
		}
	})
	wg.Go(func() { z.readLine(ctx, bufio.NewReader(pr), sessions) })
	return z.serve(ctx, func(b []byte) { _, _ = pw.Write(b) })
}

// readLine takes frames and ACK/NAK bytes off the line.
func (z *ZVTPty) readLine(ctx context.Context, r *bufio.Reader, sessions <-chan net.Conn) {
	var cur net.Conn
	for {
		c, err := r.ReadByte()
		if err != nil {
			return
		}
		switch c {
		case zACK, zNAK:
			if c == zNAK {
				z.naksHeard.Add(1)
			}
			select {
			case z.acks <- c:
			default:
			}
			continue
		case zDLE:
		default:
			continue // noise between frames
		}
		if c, err = r.ReadByte(); err != nil {
			return
		}
		if c != zSTX {
			continue
		}
		apdu, ok, err := readZVTFrameBody(r)
		if err != nil {
			return
		}
		if !ok {
			z.naksSent.Add(1)
			_ = z.writeLine([]byte{zNAK})
			continue
		}
		_ = z.writeLine([]byte{zACK})
		for {
			if cur == nil {
				select {
				case cur = <-sessions:
				case <-ctx.Done():
					return
				}
			}
			if _, err := cur.Write(apdu); err == nil {
				break
			}
			cur = nil // that session ended: the next one takes the APDU
		}
	}
}

// readZVTFrameBody reads after DLE STX up to the CRC: the APDU and whether
// the frame is sound (CRC right, no stray DLE).
func readZVTFrameBody(r *bufio.Reader) ([]byte, bool, error) {
	var p []byte
	for len(p) < 0x10000 {
		c, err := r.ReadByte()
		if err != nil {
			return nil, false, err
		}
		if c != zDLE {
			p = append(p, c)
			continue
		}
		if c, err = r.ReadByte(); err != nil {
			return nil, false, err
		}
		switch c {
		case zDLE:
			p = append(p, zDLE)
		case zETX:
			var crc [2]byte
			if _, err := io.ReadFull(r, crc[:]); err != nil {
				return nil, false, err
			}
			want := zvtCRC(append(append([]byte(nil), p...), zETX))
			return p, uint16(crc[0])|uint16(crc[1])<<8 == want, nil
		default:
			return nil, false, nil // a lone DLE: damaged
		}
	}
	return nil, false, nil
}

// sendAnswers frames each APDU the terminal writes and sends it until the
// register acknowledges it (three tries, as the spec allows).
func (z *ZVTPty) sendAnswers(ctx context.Context, ecr net.Conn) {
	r := bufio.NewReader(ecr)
	for {
		m, err := readZVTMsg(r)
		if err != nil {
			return
		}
		frame := zvtFrame(m.encode())
		acked := false
		for try := 0; try < 3 && !acked; try++ {
			b := frame
			if z.corrupt.CompareAndSwap(true, false) {
				b = append([]byte(nil), frame...)
				b[len(b)-1] ^= 0x5A
			}
			for len(z.acks) > 0 { // a stale answer belongs to no frame
				<-z.acks
			}
			if z.writeLine(b) != nil {
				return
			}
			select {
			case a := <-z.acks:
				acked = a == zACK
			case <-time.After(z.T3):
			case <-ctx.Done():
				return
			}
		}
		if !acked {
			ecr.Close() // the register is gone: the terminal hangs up
			return
		}
	}
}
