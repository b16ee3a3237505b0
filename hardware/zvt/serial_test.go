package zvt

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"testing"
	"time"
)

func TestCRCAndFraming(t *testing.T) {
	t.Parallel()
	// CRC-16/KERMIT check value (reflected 0x1021, init 0) of "123456789".
	if got := crcCCITT([]byte("123456789")); got != 0x2189 {
		t.Fatalf("crc %04X", got)
	}
	apdu := []byte{0x06, 0x01, 0x03, 0x10, 0x00, 0x10} // DLEs must be doubled
	f := Frame(apdu)
	crc := crcCCITT(append(append([]byte(nil), apdu...), etx))
	want := []byte{dle, stx, 0x06, 0x01, 0x03, 0x10, 0x10, 0x00, 0x10, 0x10, dle, etx, byte(crc), byte(crc >> 8)}
	if !bytes.Equal(f, want) {
		t.Fatalf("frame % X\n want % X", f, want)
	}
	ev, err := readSerial(bufio.NewReader(bytes.NewReader(append([]byte{0xFF, 0x00}, f...)))) // noise first
	if err != nil || ev.kind != stx || !ev.crcOK || !bytes.Equal(ev.payload, apdu) {
		t.Fatalf("read %+v %v", ev, err)
	}
	f[len(f)-1] ^= 0xFF
	if ev, err := readSerial(bufio.NewReader(bytes.NewReader(f))); err != nil || ev.crcOK {
		t.Fatalf("bad CRC accepted: %+v %v", ev, err)
	}
	if _, err := readSerial(bufio.NewReader(bytes.NewReader([]byte{dle, stx, 0x06, dle, 0x41}))); err == nil {
		t.Fatal("DLE followed by garbage accepted")
	}
}

// peerRead reads exactly n bytes with a deadline.
func peerRead(t *testing.T, c net.Conn, n int) []byte {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, n)
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatalf("peer read: %v", err)
	}
	return b
}

// Over an in-memory serial line: a NAKed frame is sent again; a frame with a
// CRC error is NAKed and its repetition ACKed and delivered once.
func TestSerialNAKAndResend(t *testing.T) {
	t.Parallel()
	ecr, peer := net.Pipe()
	l := newLink(ecr, true, 500*time.Millisecond)
	defer l.Close()
	defer peer.Close()

	cmd := APDU{Class: 0x06, Instr: 0x01, Data: unhex(t, "04 000000001000 49 0978")}
	b, _ := cmd.Marshal()
	frame := Frame(b)
	sent := make(chan error, 1)
	go func() { sent <- l.send(cmd) }()
	if got := peerRead(t, peer, len(frame)); !bytes.Equal(got, frame) {
		t.Fatalf("first frame % X", got)
	}
	peer.Write([]byte{tNAK})
	if got := peerRead(t, peer, len(frame)); !bytes.Equal(got, frame) {
		t.Fatalf("resent frame % X", got)
	}
	peer.Write([]byte{tACK})
	if err := <-sent; err != nil {
		t.Fatal(err)
	}

	status := APDU{Class: 0x04, Instr: 0xFF, Data: []byte{0x0A, 0x00}}
	sb, _ := status.Marshal()
	good := Frame(sb)
	bad := append([]byte(nil), good...)
	bad[len(bad)-2] ^= 0x55
	go peer.Write(bad)
	if got := peerRead(t, peer, 1); got[0] != tNAK {
		t.Fatalf("answer to a CRC error: % X", got)
	}
	go peer.Write(good)
	if got := peerRead(t, peer, 1); got[0] != tACK {
		t.Fatalf("answer to a good frame: % X", got)
	}
	a, err := l.recv(context.Background(), time.Second)
	if err != nil || a.cmd() != msgIntermediate || !bytes.Equal(a.Data, status.Data) {
		t.Fatalf("delivered %v %v", a, err)
	}
	if _, err := l.recv(context.Background(), 50*time.Millisecond); err != errTimeout {
		t.Fatalf("the NAKed frame was delivered too: %v", err)
	}

	// Noise inside a frame (DLE followed by neither DLE nor ETX) is NAKed too.
	go peer.Write([]byte{dle, stx, 0x04, dle, 0x41})
	if got := peerRead(t, peer, 1); got[0] != tNAK {
		t.Fatalf("answer to a broken frame: % X", got)
	}
	go peer.Write(good)
	if got := peerRead(t, peer, 1); got[0] != tACK {
		t.Fatalf("answer to the repeated frame: % X", got)
	}
	if a, err := l.recv(context.Background(), time.Second); err != nil || a.cmd() != msgIntermediate {
		t.Fatalf("after noise: %v %v", a, err)
	}

	// A frame never acknowledged fails after three tries.
	go func() { sent <- l.send(cmd) }()
	for range 3 {
		peerRead(t, peer, len(frame))
	}
	if err := <-sent; err == nil {
		t.Fatal("unacknowledged frame reported sent")
	}
}
