package escpos

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

func TestAutoStatusBackCommand(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		n    ASB
		want []byte
	}{
		{ASBAll, []byte{0x1D, 0x61, 0x0F}},
		{0, []byte{0x1D, 0x61, 0x00}},
		{ASBDrawer | ASBPaper, []byte{0x1D, 0x61, 0x09}},
		{ASBAll | ASBPanel, []byte{0x1D, 0x61, 0x4F}},
	} {
		var e Encoder
		if got := e.AutoStatusBack(tt.n).Bytes(); !bytes.Equal(got, tt.want) {
			t.Errorf("GS a %#x = % x, want % x", tt.n, got, tt.want)
		}
	}
}

// Blocks as a TM-T20 sends them (Epson GS a reference, see asb.go).
func TestParseASB(t *testing.T) {
	t.Parallel()
	tests := []struct {
		block []byte
		want  Status
	}{
		{[]byte{0x10, 0x00, 0x00, 0x00}, Status{}},
		{[]byte{0x14, 0x00, 0x00, 0x00}, Status{DrawerOpen: true}},
		{[]byte{0x38, 0x00, 0x00, 0x00}, Status{Offline: true, CoverOpen: true}},
		{[]byte{0x18, 0x00, 0x0F, 0x00}, Status{Offline: true, PaperNearEnd: true, PaperOut: true}},
		{[]byte{0x10, 0x00, 0x03, 0x00}, Status{PaperNearEnd: true}},
		{[]byte{0x50, 0x00, 0x00, 0x00}, Status{FeedButton: true}},
		{[]byte{0x18, 0x68, 0x00, 0x0F}, Status{Offline: true, CutterError: true, Unrecover: true, AutoRecover: true}},
	}
	for _, tt := range tests {
		got, err := ParseASB(tt.block)
		if err != nil || got != tt.want {
			t.Errorf("ParseASB(% x) = %+v, %v, want %+v", tt.block, got, err, tt.want)
		}
	}
	for _, bad := range [][]byte{
		{0x12, 0x00, 0x00, 0x00}, // a DLE EOT reply, not a header
		{0x90, 0x00, 0x00, 0x00}, // bit 7 set
		{0x10, 0x10, 0x00, 0x00}, // bit 4 set in the tail
		{0x10, 0x00, 0x00, 0x80},
		{0x10, 0x00, 0x00},
	} {
		if _, err := ParseASB(bad); !errors.Is(err, ErrNotASB) {
			t.Errorf("ParseASB(% x): %v", bad, err)
		}
	}
	st := Status{DrawerOpen: true, Offline: true, PaperOut: true, PaperNearEnd: true}
	if got := st.ASBBlock(); got != [4]byte{0x1C, 0x00, 0x0F, 0x00} {
		t.Fatalf("ASBBlock = % x", got)
	}
}

// A stream holding blocks and DLE EOT replies comes apart into both; a
// block broken off by noise costs that block only.
func TestStatusSplitter(t *testing.T) {
	t.Parallel()
	var sp StatusSplitter
	stream := []byte{0x12, 0x14, 0x00, 0x00, 0x00, 0x12, 0x32, 0x18, 0x00, 0x0C}
	blocks, replies := sp.Feed(stream[:3])
	b2, r2 := sp.Feed(stream[3:])
	blocks, replies = append(blocks, b2...), append(replies, r2...)
	if len(blocks) != 1 || !blocks[0].DrawerOpen || !bytes.Equal(replies, []byte{0x12, 0x12, 0x32}) {
		t.Fatalf("blocks %+v, replies % x", blocks, replies)
	}
	// the block started by 0x18 completes with its fourth byte
	if b, r := sp.Feed([]byte{0x00}); len(b) != 1 || !b[0].PaperOut || !b[0].Offline || len(r) != 0 {
		t.Fatalf("completed block %+v, replies % x", b, r)
	}
	// header, one tail byte, then a DLE EOT reply: the block is dropped and the reply kept
	if b, r := sp.Feed([]byte{0x10, 0x00, 0x12, 0x10, 0x00, 0x00, 0x00}); len(b) != 1 || b[0] != (Status{}) || !bytes.Equal(r, []byte{0x12}) {
		t.Fatalf("broken block: %+v, % x", b, r)
	}
}

// ReadStatus works through an ASBConn while blocks arrive in between.
func TestASBConn(t *testing.T) {
	t.Parallel()
	host, printer := net.Pipe()
	got := make(chan Status, 4)
	c := NewASBConn(host, func(s Status) { got <- s })
	go func() {
		q := make([]byte, 9)
		printer.Write([]byte{0x10, 0, 0, 0}) // first block when ASB is enabled
		if _, err := readFull(printer, q); err != nil {
			return
		}
		printer.Write([]byte{0x16, 0x14, 0x00, 0x00}) // drawer reply, then a block (drawer opened)
		printer.Write([]byte{0x00, 0x12, 0x12})       // the block's end, the other replies
		printer.Write([]byte{0x18, 0x00, 0x0C, 0x00}) // paper out
		printer.Close()
	}()
	select {
	case s := <-got:
		if s != (Status{}) {
			t.Fatalf("first block %+v", s)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no first block")
	}
	st, err := ReadStatus(c)
	if err != nil || !st.DrawerOpen || st.Err() != nil {
		t.Fatalf("ReadStatus = %+v, %v", st, err)
	}
	for _, want := range []Status{{DrawerOpen: true}, {Offline: true, PaperOut: true}} {
		select {
		case s := <-got:
			if s != want {
				t.Fatalf("block %+v, want %+v", s, want)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("block missing")
		}
	}
	if last, ok := c.Last(); !ok || !last.PaperOut {
		t.Fatalf("Last = %+v, %v", last, ok)
	}
	if _, err := c.Read(make([]byte, 1)); err == nil || c.Err() == nil {
		t.Fatalf("read after the printer went away: %v", err)
	}
	c.Close()
	quiet, sink := net.Pipe()
	go func() { _, _ = io.Copy(io.Discard, sink) }()
	defer sink.Close()
	qc := NewASBConn(quiet, nil)
	defer qc.Close()
	qc.SetReadTimeout(20 * time.Millisecond)
	if _, err := ReadStatus(qc); !errors.Is(err, ErrReadTimeout) {
		t.Fatalf("silent printer: %v", err)
	}
}

func readFull(c net.Conn, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := c.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// FuzzParseASB: any four bytes either fail with ErrNotASB or decode to a
// status whose encoding decodes to the same status; the splitter never
// invents blocks or replies that were not in its input.
func FuzzParseASB(f *testing.F) {
	f.Add([]byte{0x10, 0x00, 0x00, 0x00})
	f.Add([]byte{0x18, 0x68, 0x0F, 0x0F})
	f.Add([]byte{0x12, 0x14, 0x00, 0x00, 0x00, 0x12})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) >= ASBLen {
			st, err := ParseASB(b[:ASBLen])
			if err != nil {
				if !errors.Is(err, ErrNotASB) {
					t.Fatalf("error %v", err)
				}
			} else {
				blk := st.ASBBlock()
				again, err := ParseASB(blk[:])
				if err != nil || again != st {
					t.Fatalf("% x: %+v re-encoded % x: %+v, %v", b[:ASBLen], st, blk, again, err)
				}
			}
		}
		var sp StatusSplitter
		blocks, replies := sp.Feed(b)
		if len(blocks)*ASBLen+len(replies) > len(b) {
			t.Fatalf("%d blocks and %d replies from %d bytes", len(blocks), len(replies), len(b))
		}
		for _, r := range replies {
			if !ValidStatusByte(r) {
				t.Fatalf("reply %#x", r)
			}
		}
	})
}
