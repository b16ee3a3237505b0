package zvt

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// link carries APDUs over one connection, TCP (plain APDUs) or serial
// (framed, with a one-byte ACK/NAK per frame). A reader goroutine owns the
// reads; Close ends it.
type link struct {
	rwc    io.ReadWriteCloser
	serial bool
	t3     time.Duration // serial: wait for the ACK byte of a frame

	in    chan inMsg
	acks  chan byte // serial: ACK/NAK bytes from the peer
	done  chan struct{}
	once  sync.Once
	wmu   sync.Mutex // one APDU send (and, serial, its ACK wait) at a time
	rawMu sync.Mutex // one Write at a time: a frame and an ACK byte never interleave
}

type inMsg struct {
	a   APDU
	err error
}

// errLinkClosed: the connection was closed by us.
var errLinkClosed = errors.New("zvt: connection closed")

func newLink(rwc io.ReadWriteCloser, serial bool, t3 time.Duration) *link {
	l := &link{rwc: rwc, serial: serial, t3: t3, in: make(chan inMsg, 32), acks: make(chan byte, 1), done: make(chan struct{})}
	go l.read()
	return l
}

func (l *link) Close() error {
	var err error
	l.once.Do(func() {
		close(l.done)
		err = l.rwc.Close()
	})
	return err
}

func (l *link) deliver(m inMsg) bool {
	select {
	case l.in <- m:
		return true
	case <-l.done:
		return false
	}
}

func (l *link) read() {
	br := bufio.NewReader(l.rwc)
	for {
		if !l.serial {
			a, err := ReadAPDU(br)
			if !l.deliver(inMsg{a: a, err: err}) || err != nil {
				return
			}
			continue
		}
		ev, err := readSerial(br)
		if errors.Is(err, errFrame) {
			l.writeRaw([]byte{tNAK}) // line noise inside a frame: ask for it again
			continue
		}
		if err != nil {
			l.deliver(inMsg{err: err})
			return
		}
		switch ev.kind {
		case tACK, tNAK:
			select { // keep only the newest
			case <-l.acks:
			default:
			}
			l.acks <- ev.kind
		default:
			if !ev.crcOK {
				l.writeRaw([]byte{tNAK}) // the peer sends the frame again
				continue
			}
			l.writeRaw([]byte{tACK})
			a, n, err := ParseAPDU(ev.payload)
			if err != nil || n != len(ev.payload) {
				continue // framed correctly but not an APDU: nothing to act on
			}
			if !l.deliver(inMsg{a: a}) {
				return
			}
		}
	}
}

func (l *link) writeRaw(b []byte) error {
	l.rawMu.Lock()
	defer l.rawMu.Unlock()
	_, err := l.rwc.Write(b)
	return err
}

// send writes one APDU; on a serial line it waits for the frame's ACK and
// repeats a NAKed or unanswered frame up to three times in all.
func (l *link) send(a APDU) error {
	b, err := a.Marshal()
	if err != nil {
		return err
	}
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if !l.serial {
		return l.writeRaw(b)
	}
	f := Frame(b)
	for range 3 {
		select {
		case <-l.acks: // a stale answer from before this frame
		default:
		}
		if err := l.writeRaw(f); err != nil {
			return err
		}
		t := time.NewTimer(l.t3)
		select {
		case c := <-l.acks:
			t.Stop()
			if c == tACK {
				return nil
			}
		case <-t.C:
		case <-l.done:
			t.Stop()
			return errLinkClosed
		}
	}
	return fmt.Errorf("zvt: serial frame %s not acknowledged after 3 tries", a)
}

// recv waits for the next APDU up to timeout.
func (l *link) recv(ctx context.Context, timeout time.Duration) (APDU, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case m := <-l.in:
		return m.a, m.err
	case <-t.C:
		return APDU{}, errTimeout
	case <-ctx.Done():
		return APDU{}, ctx.Err()
	case <-l.done:
		return APDU{}, errLinkClosed
	}
}

var errTimeout = errors.New("zvt: terminal did not answer in time")
