package devicesim

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

func startZVT(t *testing.T) *ZVTSim {
	t.Helper()
	s := NewZVTSim()
	if err := s.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return s
}

func hx(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// expect reads len(want) bytes and compares them exactly.
func expect(t *testing.T, c net.Conn, want string) []byte {
	t.Helper()
	w := hx(want)
	got := make([]byte, len(w))
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("reading %s: %v", want, err)
	}
	if !bytes.Equal(got, w) {
		t.Fatalf("got  % X\nwant % X", got, w)
	}
	return got
}

// The terminal's side, byte for byte, of a registration and an approved
// payment of 8.99 EUR (PA00P015 ch. 2: every message acknowledged 80 00 00).
func TestZVTSimBytes(t *testing.T) {
	t.Parallel()
	s := startZVT(t)
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ack := hx("80 00 00")
	c.Write(hx("06 00 06 00 00 00 8E 09 78"))
	expect(t, c, "80 00 00")
	expect(t, c, "06 0F 0A 19 00 29 52 50 00 38 49 09 78")
	c.Write(ack)

	c.Write(hx("06 01 0A 04 00 00 00 00 08 99 49 09 78"))
	expect(t, c, "80 00 00")
	expect(t, c, "04 FF 02 0A 00")
	c.Write(ack)
	expect(t, c, "04 FF 02 01 00")
	c.Write(ack)
	expect(t, c, "04 0F")
	var l [1]byte
	io.ReadFull(c, l[:])
	si := make([]byte, l[0])
	io.ReadFull(c, si)
	if !bytes.HasPrefix(si, hx("27 00 04 00 00 00 00 08 99 0B 00 00 42 0C")) ||
		!bytes.Contains(si, hx("22 F0 F8 EE EE EE EE EE EE 11 11 29 52 50 00 38")) ||
		!bytes.HasSuffix(si, append(hx("49 09 78 8A 0A 8B F0 F4"), "VISA"...)) {
		t.Fatalf("status information % X", si)
	}
	c.Write(ack)
	for range 7 {
		expect(t, c, "06 D1")
		io.ReadFull(c, l[:])
		line := make([]byte, l[0])
		io.ReadFull(c, line)
		if line[0] != 0x00 {
			t.Fatalf("print line attribute % X", line)
		}
		c.Write(ack)
	}
	expect(t, c, "06 0F 00")
	c.Write(ack)
	if s.Authorisations() != 1 || len(s.History()) != 1 || !s.History()[0].Approved || s.History()[0].Amount != 899 {
		t.Fatalf("booked %+v", s.History())
	}
	// A wrong password is refused; an unknown command is not possible.
	c.Write(hx("06 50 03 12 34 56"))
	expect(t, c, "84 9A 00")
	c.Write(hx("06 99 00"))
	expect(t, c, "84 83 00")
}

func TestZVTSimRepeatKeepsLastTransaction(t *testing.T) {
	t.Parallel()
	s := startZVT(t)
	s.SetMode(ZVTDropDecline)
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c.Write(hx("06 01 07 04 00 00 00 00 01 00"))
	expect(t, c, "80 00 00")
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Fatal("the link was not dropped")
	}
	c.Close()
	c, err = net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write(hx("06 20 03 00 00 00"))
	expect(t, c, "80 00 00")
	expect(t, c, "04 0F")
	var l [1]byte
	io.ReadFull(c, l[:])
	si := make([]byte, l[0])
	io.ReadFull(c, si)
	if !bytes.HasPrefix(si, hx("27 05 04 00 00 00 00 01 00 0B 00 00 42")) {
		t.Fatalf("repeat: % X", si)
	}
	if got := s.Requests(); len(got) != 2 || got[0] != "06 01" || got[1] != "06 20" {
		t.Fatalf("requests %q", got)
	}
}

func TestParseZVTMode(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"approve", "decline", "slow", "drop-approve", "drop-decline", "silent"} {
		m, ok := ParseZVTMode(n)
		if !ok || m.String() != n {
			t.Errorf("%s: %v %v", n, m, ok)
		}
	}
	if _, ok := ParseZVTMode("bogus"); ok {
		t.Error("bogus mode parsed")
	}
}

// FuzzZVTSimRequest feeds arbitrary ECR bytes to the simulated terminal's
// parser and command handling: it must neither panic nor hang.
func FuzzZVTSimRequest(f *testing.F) {
	f.Add(hx("06 01 0A 04 00 00 00 00 08 99 49 09 78"))
	f.Add(hx("06 30 06 00 00 00 87 00 42"))
	f.Add(hx("06 D3 FF 03 00 01 02 03"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bufio.NewReader(bytes.NewReader(b))
		for {
			m, err := readZVTMsg(r)
			if err != nil {
				return
			}
			amountOf(m.data, 0)
			amountOf(m.data, 3)
		}
	})
}
