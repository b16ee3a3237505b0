package devicesim

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
)

// tcpSim is the life cycle the network simulators (printer, ZVT terminal)
// share: listen once, run once, track the clients being served so Close can
// hang them up, and let Close wait for Run to return. The simulator's own
// accept loop decides how clients are served (one at a time or in parallel).
type tcpSim struct {
	name        string // for errors: "printer", "zvt"
	defaultAddr string // what Listen("") opens

	mu      sync.Mutex
	ln      net.Listener
	conns   map[io.Closer]struct{} // clients being served (TCP conns, a printer's pty)
	closed  bool
	running chan struct{} // closed when Run returns
}

func newTCPSim(name, defaultAddr string) tcpSim {
	return tcpSim{name: name, defaultAddr: defaultAddr, conns: map[io.Closer]struct{}{}}
}

// Listen opens the TCP listener ("" means the device's default address;
// port 0 picks a free port, see Addr).
func (t *tcpSim) Listen(addr string) error {
	if addr == "" {
		addr = t.defaultAddr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("devicesim: %s listen: %w", t.name, err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		ln.Close()
		return net.ErrClosed
	}
	t.ln = ln
	return nil
}

// Addr is the listening address, "" before Listen.
func (t *tcpSim) Addr() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ln == nil {
		return ""
	}
	return t.ln.Addr().String()
}

// start claims the one Run: it returns the listener to accept on and a done
// func Run must defer, which stops watching ctx and lets Close return.
// Until done, ctx ending closes the simulator.
func (t *tcpSim) start(ctx context.Context) (net.Listener, func(), error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ln == nil || t.closed || t.running != nil {
		return nil, nil, fmt.Errorf("devicesim: %s Run needs Listen first and runs once", t.name)
	}
	running := make(chan struct{})
	t.running = running
	stop := context.AfterFunc(ctx, t.shutdown)
	return t.ln, func() { stop(); close(running) }, nil
}

// track registers a client to be hung up by Close. It returns false, and
// closes c, when the simulator is already closed.
func (t *tcpSim) track(c io.Closer) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		c.Close()
		return false
	}
	t.conns[c] = struct{}{}
	return true
}

// untrack forgets a client that has been served; the caller closes it.
func (t *tcpSim) untrack(c io.Closer) {
	t.mu.Lock()
	delete(t.conns, c)
	t.mu.Unlock()
}

func (t *tcpSim) isClosed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.closed
}

// shutdown closes the listener and hangs up every client; Run's accept
// then fails and Run returns.
func (t *tcpSim) shutdown() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	if t.ln != nil {
		t.ln.Close()
	}
	for c := range t.conns {
		c.Close()
	}
}

// Close stops the listener and the clients being served and waits for Run.
func (t *tcpSim) Close() error {
	t.shutdown()
	t.mu.Lock()
	running := t.running
	t.mu.Unlock()
	if running != nil {
		<-running
	}
	return nil
}
