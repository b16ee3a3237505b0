package serialport

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/creack/pty"
)

// openPTY returns the master side of a new pseudo-terminal and its slave
// path; the slave stays open too, as a simulator keeps it.
func openPTY(t *testing.T) (*os.File, string) {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s.Name()
}

func TestParseMode(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want Mode
	}{
		{"9600 8N1", Mode8N1},
		{"9600,7e1", Mode7E1},
		{"19200 8O2", Mode{19200, 8, OddParity, 2}},
	} {
		got, err := ParseMode(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseMode(%q) = %v, %v", tt.in, got, err)
		}
	}
	if Mode7E1.String() != "9600 7E1" {
		t.Errorf("String %q", Mode7E1)
	}
	for _, bad := range []string{"", "9600", "fast 8N1", "9600 9N1", "9600 8X1", "9600 8N3", "10 8N1", "9600 8N1x"} {
		if _, err := ParseMode(bad); err == nil {
			t.Errorf("ParseMode(%q): want an error", bad)
		}
	}
}

func TestPortOverPTY(t *testing.T) {
	t.Parallel()
	master, path := openPTY(t)
	p, err := Open(path, Mode7E1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Path() != path || p.Mode() != Mode7E1 {
		t.Errorf("Path/Mode %s %v", p.Path(), p.Mode())
	}
	// Raw mode: CR, LF, STX and ESC pass untouched both ways.
	out := []byte("W\r\n\x02\x1b@")
	if _, err := p.Write(out); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(out))
	if _, err := io.ReadFull(master, got); err != nil || string(got) != string(out) {
		t.Fatalf("master read %q, %v", got, err)
	}
	in := []byte("\x021.234\r")
	if _, err := master.Write(in); err != nil {
		t.Fatal(err)
	}
	got = make([]byte, len(in))
	if _, err := io.ReadFull(p, got); err != nil || string(got) != string(in) {
		t.Fatalf("port read %q, %v", got, err)
	}

	if err := p.SetReadTimeout(30 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := p.Read(make([]byte, 8)); !errors.Is(err, ErrTimeout) || time.Since(start) > time.Second {
		t.Fatalf("timeout read: %v after %s", err, time.Since(start))
	}
}

func TestCloseUnblocksRead(t *testing.T) {
	t.Parallel()
	_, path := openPTY(t)
	p, err := Open(path, Mode8N1)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := p.Read(make([]byte, 8))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	p.Close()
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("read after close: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not unblock Read")
	}
}

func TestUnpluggedReadsClosed(t *testing.T) {
	t.Parallel()
	m, s, err := pty.Open()
	if err != nil {
		t.Skip(err)
	}
	p, err := Open(s.Name(), Mode8N1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s.Close()
	m.Close() // the device goes away
	if _, err := p.Read(make([]byte, 8)); !errors.Is(err, ErrClosed) {
		t.Errorf("read from a vanished device: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "ttyUSB9")
	if _, err := Open(missing, Mode8N1); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing port: %v", err)
	}
	if Exists(missing) {
		t.Error("Exists on a missing path")
	}
	if _, err := Open(missing, Mode{Baud: 9600}); err == nil {
		t.Error("invalid mode: want an error")
	}
	_, path := openPTY(t)
	if !Exists(path) {
		t.Error("Exists on a pty")
	}
	p, err := Open(path, Mode8N1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// The port is opened exclusively (TIOCEXCL): a second open is refused.
	if q, err := Open(path, Mode8N1); err == nil {
		q.Close()
		if os.Geteuid() != 0 { // root may bypass TIOCEXCL
			t.Error("second open of an exclusive port succeeded")
		}
	}
}

func TestList(t *testing.T) {
	t.Parallel()
	ports, err := List()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ports {
		if p.Path == "" || (p.USB && (p.VID == "" || p.PID == "")) {
			t.Errorf("port %+v", p)
		}
	}
}
