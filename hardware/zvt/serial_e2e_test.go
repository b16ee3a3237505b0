package zvt

import (
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/devicesim"
)

// corruptOnce flips a CRC byte of the first frame written through it.
type corruptOnce struct {
	net.Conn
	once sync.Once
}

func (c *corruptOnce) Write(b []byte) (int, error) {
	if len(b) > 1 {
		done := false
		c.once.Do(func() {
			bad := append([]byte(nil), b...)
			bad[len(bad)-1] ^= 0xA5
			_, err := c.Conn.Write(bad)
			if err == nil {
				done = true
			}
		})
		if done {
			return len(b), nil
		}
	}
	return c.Conn.Write(b)
}

// countNAK counts the NAK bytes the ECR side writes.
type countNAK struct {
	net.Conn
	naks atomic.Int32
}

func (c *countNAK) Write(b []byte) (int, error) {
	if len(b) == 1 && b[0] == tNAK {
		c.naks.Add(1)
	}
	return c.Conn.Write(b)
}

// A payment over the serial transport: the driver's framed link talks to a
// serial-to-TCP bridge in front of the simulated terminal; the first frame
// from the terminal arrives with a CRC error, is NAKed and sent again.
func TestSerialPaymentWithCRCError(t *testing.T) {
	t.Parallel()
	sim := devicesim.NewZVTSim()
	if err := sim.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	simDone := make(chan error, 1)
	go func() { simDone <- sim.Run(ctx) }()
	defer func() { cancel(); <-simDone }()

	ecrRaw, ptRaw := net.Pipe()
	ecr := &countNAK{Conn: ecrRaw}
	serialSide := newLink(&corruptOnce{Conn: ptRaw}, true, 500*time.Millisecond)
	defer serialSide.Close()
	tcp, err := net.Dial("tcp", sim.Addr())
	if err != nil {
		t.Fatal(err)
	}
	tcpSide := newLink(tcp, false, time.Second)
	defer tcpSide.Close()
	pump := func(from, to *link) {
		for {
			a, err := from.recv(ctx, time.Minute)
			if err != nil || to.send(a) != nil {
				return
			}
		}
	}
	go pump(serialSide, tcpSide)
	go pump(tcpSide, serialSide)

	dialed := false
	term := New(Config{Serial: true, AckTimeout: time.Second, IdleTimeout: 3 * time.Second,
		Dial: func(context.Context) (io.ReadWriteCloser, error) {
			if dialed {
				return nil, io.EOF
			}
			dialed = true
			return ecr, nil
		}})
	res, err := term.Authorize(ctx, register.CardRequest{Amount: 1999, Currency: pos.MustCurrency("EUR")}, nil)
	if err != nil || !res.Approved || res.Amount != 1999 || res.MaskedPAN != "************1111" || len(res.ReceiptLines) != 7 {
		t.Fatalf("%+v %v", res, err)
	}
	if n := ecr.naks.Load(); n != 1 {
		t.Fatalf("%d NAKs, want 1", n)
	}
	if sim.Authorisations() != 1 {
		t.Fatalf("%d authorisations", sim.Authorisations())
	}
}
