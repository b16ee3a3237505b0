package devicesim

import (
	"bytes"
	"context"
	"io"
	"net"
	"testing"
	"time"
)

func TestPrinterStateASBBlock(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    PrinterState
		want [4]byte
	}{
		{PrinterState{}, [4]byte{0x10, 0, 0, 0}},
		{PrinterState{DrawerOpen: true}, [4]byte{0x14, 0, 0, 0}},
		{PrinterState{PaperOut: true}, [4]byte{0x18, 0, 0x0F, 0}},
		{PrinterState{PaperNearEnd: true}, [4]byte{0x10, 0, 0x03, 0}},
		{PrinterState{CoverOpen: true}, [4]byte{0x38, 0, 0, 0}},
		{PrinterState{Offline: true, DrawerOpen: true}, [4]byte{0x1C, 0, 0, 0}},
	}
	for _, tt := range tests {
		if got := tt.s.ASBBlock(); got != tt.want {
			t.Errorf("%s: % x, want % x", tt.s, got, tt.want)
		}
	}
}

// readASB reads exactly n bytes within a second.
func readASB(t *testing.T, c net.Conn, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	c.SetReadDeadline(time.Now().Add(time.Second))
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatalf("read %d bytes: %v", n, err)
	}
	return b
}

func quiet(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if n, _ := c.Read(make([]byte, 8)); n != 0 {
		t.Fatalf("unexpected %d bytes", n)
	}
}

// The simulator pushes ASB blocks on the changes the client selected, and
// keeps answering DLE EOT in between.
func TestPrinterSimPushesASB(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, _ := runSim(t, ctx)
	s.SupportASB(true)
	c := dial(t, s.Addr())
	defer c.Close()
	c.Write([]byte{0x1D, 0x61, 0x0F}) // GS a: drawer, online, error, paper
	if got := readASB(t, c, 4); !bytes.Equal(got, []byte{0x10, 0, 0, 0}) {
		t.Fatalf("first block % x", got)
	}
	s.SetPaperNearEnd(true)
	if got := readASB(t, c, 4); !bytes.Equal(got, []byte{0x10, 0, 0x03, 0}) {
		t.Fatalf("near end % x", got)
	}
	s.SetPaperOut(true)
	if got := readASB(t, c, 4); !bytes.Equal(got, []byte{0x18, 0, 0x0F, 0}) {
		t.Fatalf("paper out % x", got)
	}
	c.Write([]byte{0x10, 0x04, 0x01}) // DLE EOT 1 still answered
	if got := readASB(t, c, 1); got[0] != 0x1A {
		t.Fatalf("DLE EOT 1 = %#x", got[0])
	}
	s.SetPaperOut(false)
	s.SetPaperNearEnd(false)
	if got := readASB(t, c, 8); !bytes.Equal(got, []byte{0x10, 0, 0x03, 0, 0x10, 0, 0, 0}) {
		t.Fatalf("paper back % x", got)
	}
	c.Write([]byte{0x1B, 0x70, 0x00, 0x19, 0xFA}) // drawer kick opens the drawer
	if got := readASB(t, c, 4); !bytes.Equal(got, []byte{0x14, 0, 0, 0}) {
		t.Fatalf("drawer open % x", got)
	}
	// Only the drawer selected: paper changes are not pushed.
	c.Write([]byte{0x1D, 0x61, 0x01})
	if got := readASB(t, c, 4); !bytes.Equal(got, []byte{0x14, 0, 0, 0}) {
		t.Fatalf("first block after GS a 1: % x", got)
	}
	s.SetPaperNearEnd(true)
	quiet(t, c)
	s.SetDrawerOpen(false)
	if got := readASB(t, c, 4); !bytes.Equal(got, []byte{0x10, 0, 0x03, 0}) {
		t.Fatalf("drawer closed % x", got)
	}
	c.Write([]byte{0x1D, 0x61, 0x00, 0x10, 0x04, 0x01}) // off; the reply shows it was read
	if got := readASB(t, c, 1); got[0] != 0x12 {
		t.Fatalf("DLE EOT 1 = %#x", got[0])
	}
	s.SetDrawerOpen(true)
	quiet(t, c)
}

// A printer without ASB ignores GS a and answers DLE EOT only.
func TestPrinterSimWithoutASB(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, _ := runSim(t, ctx)
	c := dial(t, s.Addr())
	defer c.Close()
	c.Write([]byte{0x1D, 0x61, 0x0F, 0x10, 0x04, 0x01})
	if got := readASB(t, c, 1); got[0] != 0x12 {
		t.Fatalf("DLE EOT 1 = %#x", got[0])
	}
	s.SetPaperOut(true)
	quiet(t, c)
	c.Write([]byte{0x10, 0x04, 0x04})
	if got := readASB(t, c, 1); got[0] != 0x7E {
		t.Fatalf("DLE EOT 4 = %#x", got[0])
	}
}
