package zvt

import (
	"context"
	"io"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/devicesim"
	"github.com/tillpos/till/hardware/serialport"
)

// lineTap sits on the register's serial port: it damages the CRC of the
// first frame the register sends and counts the NAK bytes it sends.
type lineTap struct {
	io.ReadWriteCloser
	once sync.Once
	naks atomic.Int32
}

func (l *lineTap) Write(b []byte) (int, error) {
	if len(b) == 1 && b[0] == tNAK {
		l.naks.Add(1)
	}
	if len(b) > 4 && b[0] == dle && b[1] == stx {
		bad := false
		l.once.Do(func() { bad = true })
		if bad {
			c := append([]byte(nil), b...)
			c[len(c)-2] ^= 0xA5
			if _, err := l.ReadWriteCloser.Write(c); err != nil {
				return 0, err
			}
			return len(b), nil
		}
	}
	return l.ReadWriteCloser.Write(b)
}

// A whole payment over a real pseudo-terminal in serial framing against
// the simulated terminal's serial mode: the register's first frame arrives
// damaged (the terminal NAKs, the register sends it again) and the
// terminal's first frame too (the register NAKs, the terminal sends it
// again). The port is opened as a serial port (go.bug.st/serial, 9600 8N1);
// a pty has no DTR/CTS lines and ZVT serial uses none.
func TestSerialPaymentOverPty(t *testing.T) {
	t.Parallel()
	sim := devicesim.NewZVTSim()
	link := filepath.Join(t.TempDir(), "ttyZVT")
	line, err := sim.ServePty(link)
	if err != nil {
		t.Skipf("no pty: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- line.Run(ctx) }()
	defer func() { cancel(); <-done }()
	line.CorruptNextFrame()

	var tap *lineTap
	term := New(Config{Serial: true, AckTimeout: time.Second, IdleTimeout: 5 * time.Second,
		Dial: func(context.Context) (io.ReadWriteCloser, error) {
			p, err := serialport.Open(link, serialport.Mode8N1)
			if err != nil {
				return nil, err
			}
			if tap == nil {
				tap = &lineTap{ReadWriteCloser: p}
				return tap, nil
			}
			return p, nil
		}})
	var prompts []string
	res, err := term.Authorize(ctx, register.CardRequest{Amount: 4250, Currency: pos.MustCurrency("EUR")}, func(s string) { prompts = append(prompts, s) })
	if err != nil || !res.Approved || res.Amount != 4250 || res.MaskedPAN != "************1111" || len(res.ReceiptLines) == 0 {
		t.Fatalf("%+v %v", res, err)
	}
	if sim.Authorisations() != 1 {
		t.Fatalf("%d authorisations, want 1", sim.Authorisations())
	}
	sent, heard := line.NAKs()
	if sent != 1 || heard != 1 || tap.naks.Load() != 1 {
		t.Fatalf("terminal NAKs sent %d heard %d, register NAKs %d: want one damaged frame each way, each NAKed once", sent, heard, tap.naks.Load())
	}
	// The line stays usable: a second payment with no damage.
	res, err = term.Authorize(ctx, register.CardRequest{Amount: 100, Currency: pos.MustCurrency("EUR")}, nil)
	if err != nil || !res.Approved || sim.Authorisations() != 2 {
		t.Fatalf("second payment %+v %v (%d authorisations)", res, err, sim.Authorisations())
	}
}
