package escpos

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Automatic status back (ASB, GS a n): once enabled, the printer sends a
// 4-byte status block by itself whenever one of the selected statuses
// changes, and one block at once when enabled. Layout from Epson's ESC/POS
// reference for GS a (download4.epson.biz/sec_pubs/pos/reference_en/escpos/gs_la.html),
// the same as the open-source TypeScript ESC/POS drivers parse it:
//
//	byte 1  0xx1 xx00  bit 2 drawer kick connector pin 3 high, bit 3 offline,
//	                   bit 5 cover open, bit 6 paper being fed by the button
//	byte 2  0xx0 x000  bit 3 auto-cutter error, bit 5 unrecoverable error,
//	                   bit 6 automatically recoverable error
//	byte 3  0xx0 xx00* bits 0-1 roll paper near end, bits 2-3 roll paper end
//	byte 4  0xx0 xxxx  reserved
//
// (*bits 0-1 of byte 3 carry the near-end sensor where the model has one.)
// Bit 4 tells the blocks from DLE EOT replies: set in a block's first byte
// only, and DLE EOT replies (0xx1 xx10) have bit 1 set where a block's first
// byte has it clear, so both can share one stream.

// ASB selects what GS a n reports (bits of n).
type ASB uint8

// ASB selections.
const (
	ASBDrawer ASB = 1 << 0 // drawer kick connector pin 3
	ASBOnline ASB = 1 << 1 // online/offline
	ASBError  ASB = 1 << 2 // error status
	ASBPaper  ASB = 1 << 3 // roll paper sensor
	ASBPanel  ASB = 1 << 6 // panel (feed) switch

	// ASBAll is what the register watches: drawer, online, errors, paper.
	ASBAll = ASBDrawer | ASBOnline | ASBError | ASBPaper
)

// ASBLen is the length of one ASB status block.
const ASBLen = 4

// ErrNotASB means four bytes are not an ASB block.
var ErrNotASB = errors.New("escpos: not an automatic status back block")

// AutoStatusBack appends GS a n (1D 61 n): n selects the statuses the
// printer reports by itself; 0 turns ASB off.
func (e *Encoder) AutoStatusBack(n ASB) *Encoder {
	e.buf = append(e.buf, gs, 'a', byte(n))
	return e
}

// IsASBHeader reports whether b can start an ASB block (0xx1 xx00).
func IsASBHeader(b byte) bool { return b&0x93 == 0x10 }

// isASBTail reports whether b can be byte 2, 3 or 4 of a block (0xx0 xxxx).
func isASBTail(b byte) bool { return b&0x90 == 0 }

// ParseASB decodes one 4-byte ASB block. It returns ErrNotASB (wrapped)
// for bytes without the block's fixed bits.
func ParseASB(b []byte) (Status, error) {
	if len(b) != ASBLen || !IsASBHeader(b[0]) || !isASBTail(b[1]) || !isASBTail(b[2]) || !isASBTail(b[3]) {
		return Status{}, fmt.Errorf("%w: % x", ErrNotASB, b)
	}
	bit := func(c byte, n uint) bool { return c&(1<<n) != 0 }
	return Status{
		DrawerOpen:   bit(b[0], 2),
		Offline:      bit(b[0], 3),
		CoverOpen:    bit(b[0], 5),
		FeedButton:   bit(b[0], 6),
		CutterError:  bit(b[1], 3),
		Unrecover:    bit(b[1], 5),
		AutoRecover:  bit(b[1], 6),
		PaperNearEnd: b[2]&0x03 != 0,
		PaperOut:     b[2]&0x0C != 0,
	}, nil
}

// ASBBlock encodes s as the block a printer sends (both bits of each
// paired sensor set; reserved bits clear). ParseASB(s.ASBBlock()) is s for
// every s ParseASB returns.
func (s Status) ASBBlock() [ASBLen]byte {
	b := [ASBLen]byte{0x10, 0, 0, 0}
	set := func(i int, on bool, mask byte) {
		if on {
			b[i] |= mask
		}
	}
	set(0, s.DrawerOpen, 1<<2)
	set(0, s.Offline, 1<<3)
	set(0, s.CoverOpen, 1<<5)
	set(0, s.FeedButton, 1<<6)
	set(1, s.CutterError, 1<<3)
	set(1, s.Unrecover, 1<<5)
	set(1, s.AutoRecover, 1<<6)
	set(2, s.PaperNearEnd, 0x03)
	set(2, s.PaperOut, 0x0C)
	return b
}

// StatusSplitter separates a printer's input stream into ASB blocks and
// DLE EOT replies. Bytes that fit neither (line noise, a block cut short)
// are dropped: a block whose tail breaks off is abandoned and the byte
// that broke it is looked at afresh, so one bad byte costs one block.
type StatusSplitter struct {
	block []byte
}

// Feed takes the next input bytes and returns the complete blocks parsed
// and the DLE EOT reply bytes, in arrival order each.
func (sp *StatusSplitter) Feed(p []byte) (blocks []Status, replies []byte) {
	for _, c := range p {
		if len(sp.block) > 0 {
			if isASBTail(c) {
				sp.block = append(sp.block, c)
				if len(sp.block) == ASBLen {
					if st, err := ParseASB(sp.block); err == nil {
						blocks = append(blocks, st)
					}
					sp.block = sp.block[:0]
				}
				continue
			}
			sp.block = sp.block[:0]
		}
		switch {
		case IsASBHeader(c):
			sp.block = append(sp.block, c)
		case ValidStatusByte(c):
			replies = append(replies, c)
		}
	}
	return blocks, replies
}

// ASBConn is a printer connection with automatic status back on: a reader
// goroutine takes every byte the printer sends, hands ASB blocks to
// OnStatus and keeps DLE EOT replies for Read, so ReadStatus and PrintJob
// work on it unchanged. Close ends the reader.
type ASBConn struct {
	rwc      io.ReadWriteCloser
	onStatus func(Status)

	mu      sync.Mutex
	cond    chan struct{} // closed and replaced when replies or err change
	replies []byte
	last    *Status
	err     error
	timeout time.Duration
	done    chan struct{}
}

// NewASBConn starts reading rwc; onStatus (may be nil) gets each block on
// the reader's goroutine and must not block. It does not send GS a n: the
// caller enables ASB on the printer.
func NewASBConn(rwc io.ReadWriteCloser, onStatus func(Status)) *ASBConn {
	c := &ASBConn{rwc: rwc, onStatus: onStatus, cond: make(chan struct{}), timeout: DefaultTimeout, done: make(chan struct{})}
	go c.read()
	return c
}

func (c *ASBConn) read() {
	defer close(c.done)
	var sp StatusSplitter
	buf := make([]byte, 256)
	for {
		n, err := c.rwc.Read(buf)
		blocks, replies := sp.Feed(buf[:n])
		for _, st := range blocks {
			c.mu.Lock()
			c.last = &st
			c.mu.Unlock()
			if c.onStatus != nil {
				c.onStatus(st)
			}
		}
		if len(replies) > 0 || (err != nil && !isTimeout(err)) {
			c.mu.Lock()
			c.replies = append(c.replies, replies...)
			if err != nil && !isTimeout(err) {
				c.err = err
			}
			close(c.cond)
			c.cond = make(chan struct{})
			c.mu.Unlock()
		}
		if err != nil && !isTimeout(err) {
			return
		}
	}
}

// isTimeout: a serial port's read timeout or a deadline is not the end.
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// Last is the latest ASB block's status, and false before the first.
func (c *ASBConn) Last() (Status, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last == nil {
		return Status{}, false
	}
	return *c.last, true
}

// Err is why the reader stopped (the printer went away), or nil.
func (c *ASBConn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// SetReadTimeout bounds each Read (zero: DefaultTimeout).
func (c *ASBConn) SetReadTimeout(d time.Duration) error {
	if d <= 0 {
		d = DefaultTimeout
	}
	c.mu.Lock()
	c.timeout = d
	c.mu.Unlock()
	return nil
}

// ErrReadTimeout is a Read on an ASBConn that got no DLE EOT reply in time.
var ErrReadTimeout = errors.New("escpos: no status reply within the read timeout")

// Read returns DLE EOT reply bytes, waiting up to the read timeout.
func (c *ASBConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	t := time.NewTimer(c.timeout)
	c.mu.Unlock()
	defer t.Stop()
	for {
		c.mu.Lock()
		if len(c.replies) > 0 {
			n := copy(p, c.replies)
			c.replies = c.replies[n:]
			c.mu.Unlock()
			return n, nil
		}
		if c.err != nil {
			err := c.err
			c.mu.Unlock()
			return 0, err
		}
		wait := c.cond
		c.mu.Unlock()
		select {
		case <-wait:
		case <-t.C:
			return 0, ErrReadTimeout
		}
	}
}

// Write sends p to the printer.
func (c *ASBConn) Write(p []byte) (int, error) { return c.rwc.Write(p) }

// Close closes the connection and waits for the reader.
func (c *ASBConn) Close() error {
	err := c.rwc.Close()
	<-c.done
	return err
}
