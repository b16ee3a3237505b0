package devicesim

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/tillpos/till/hardware/serialport"
)

func TestZVTFrame(t *testing.T) {
	t.Parallel()
	if got := zvtCRC([]byte("123456789")); got != 0x2189 { // CRC-16/KERMIT check value
		t.Fatalf("crc %#04x", got)
	}
	// 80 00 00 (ACK APDU): CRC over 80 00 00 03, low byte first.
	crc := zvtCRC([]byte{0x80, 0x00, 0x00, 0x03})
	want := []byte{0x10, 0x02, 0x80, 0x00, 0x00, 0x10, 0x03, byte(crc), byte(crc >> 8)}
	if got := zvtFrame([]byte{0x80, 0x00, 0x00}); !bytes.Equal(got, want) {
		t.Fatalf("frame % x, want % x", got, want)
	}
	// A DLE in the APDU is doubled; the CRC covers it once.
	if got := zvtFrame([]byte{0x06, 0x10, 0x00}); !bytes.Equal(got[:7], []byte{0x10, 0x02, 0x06, 0x10, 0x10, 0x00, 0x10}) {
		t.Fatalf("stuffed frame % x", got)
	}
}

// The terminal's serial mode byte for byte: a damaged frame is NAKed, the
// registration (06 00) is ACKed (06), answered 80 00 00 and completed
// 06 0F, each framed and sent until the register ACKs.
func TestZVTSimSerialBytes(t *testing.T) {
	t.Parallel()
	sim := NewZVTSim()
	link := filepath.Join(t.TempDir(), "ttyZVT")
	line, err := sim.ServePty(link)
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- line.Run(ctx) }()
	defer func() { cancel(); <-done }()
	p, err := serialport.Open(link, serialport.Mode8N1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.SetReadTimeout(2 * time.Second)
	read := func(n int) []byte {
		t.Helper()
		b := make([]byte, n)
		if _, err := io.ReadFull(p, b); err != nil {
			t.Fatalf("read %d: %v (got % x)", n, err, b)
		}
		return b
	}
	reg := zvtFrame([]byte{0x06, 0x00, 0x06, 0x00, 0x00, 0x00, 0x08, 0x09, 0x78})
	bad := append([]byte(nil), reg...)
	bad[len(bad)-1] ^= 0xFF
	p.Write(bad)
	if got := read(1); got[0] != 0x15 {
		t.Fatalf("damaged frame answered %#x, want NAK", got[0])
	}
	p.Write(reg)
	if got := read(1); got[0] != 0x06 {
		t.Fatalf("frame answered %#x, want ACK", got[0])
	}
	ack := zvtFrame([]byte{0x80, 0x00, 0x00})
	if got := read(len(ack)); !bytes.Equal(got, ack) {
		t.Fatalf("got % x, want 80 00 00 framed % x", got, ack)
	}
	p.Write([]byte{0x06})
	head := read(4)
	if !bytes.Equal(head, []byte{0x10, 0x02, 0x06, 0x0F}) {
		t.Fatalf("completion starts % x", head)
	}
	if sent, heard := line.NAKs(); sent != 1 || heard != 0 {
		t.Fatalf("NAKs sent %d heard %d", sent, heard)
	}
}
