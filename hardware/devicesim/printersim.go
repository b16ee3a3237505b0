package devicesim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// DefaultPrinterAddr is where a network receipt printer listens.
const DefaultPrinterAddr = "127.0.0.1:9100"

// PrinterState is the simulated printer's fault state; the zero value is a
// ready printer with paper and the drawer closed.
type PrinterState struct {
	PaperOut     bool
	PaperNearEnd bool
	CoverOpen    bool
	Offline      bool // forced offline (error), independent of paper and cover
	DrawerOpen   bool
}

// Printing reports whether the printer would print now: a real printer goes
// offline with paper out or the cover open.
func (s PrinterState) Printing() bool { return !s.PaperOut && !s.CoverOpen && !s.Offline }

// StatusByte is the reply to DLE EOT n for s, and false for an n a printer
// does not answer.
func (s PrinterState) StatusByte(n byte) (byte, bool) {
	b := byte(0x12) // bits 1 and 4 always set
	set := func(on bool, mask byte) {
		if on {
			b |= mask
		}
	}
	switch n {
	case 1:
		set(s.DrawerOpen, 1<<2)
		set(!s.Printing(), 1<<3)
	case 2:
		set(s.CoverOpen, 1<<2)
		set(s.PaperOut, 1<<5)
		set(s.Offline, 1<<6)
	case 3:
	case 4:
		set(s.PaperNearEnd || s.PaperOut, 0x0C)
		set(s.PaperOut, 0x60)
	default:
		return 0, false
	}
	return b, true
}

func (s PrinterState) String() string {
	st := "ready"
	switch {
	case s.CoverOpen:
		st = "cover open"
	case s.PaperOut:
		st = "paper out"
	case s.Offline:
		st = "offline"
	}
	if s.PaperNearEnd && !s.PaperOut {
		st += ", paper near end"
	}
	if s.DrawerOpen {
		st += ", drawer open"
	} else {
		st += ", drawer closed"
	}
	return st
}

// PrinterSim is a network ESC/POS receipt printer: it serves one TCP client
// at a time (like a port 9100 printer; others wait in the backlog), answers
// DLE EOT from its state, and turns each job into a Receipt, saved as
// NNNN.txt and NNNN.png in its directory. While it cannot print (paper out,
// cover open, offline) it discards job data, as a job sent to such a
// printer may be lost.
type PrinterSim struct {
	tcpSim // Listen, Addr, Close
	dir    string

	// Columns is the paper width in characters for the text and PNG
	// renderings (48 for 80 mm, 32 for 58 mm). Set before Run.
	Columns int
	// IdleTimeout drops a client that sends nothing for this long, so one
	// stuck client cannot block the printer forever. Set before Run.
	IdleTimeout time.Duration
	// Log receives one line per job, kick and dropped job. Set before Run.
	Log *slog.Logger

	mu       sync.Mutex
	state    PrinterState
	receipts []Receipt
	kicks    []DrawerKick
	dropped  int
	saving   int           // receipts numbered but not yet announced
	changed  chan struct{} // closed and replaced when a receipt arrives
	fault    midJobFault   // see SetPaperOutAfter
	asb      asbClients    // see SupportASB
}

// NewPrinterSim returns a printer that saves receipts in dir ("" saves
// nothing). It does nothing until Listen and Run.
func NewPrinterSim(dir string) *PrinterSim {
	return &PrinterSim{tcpSim: newTCPSim("printer", DefaultPrinterAddr), dir: dir, Columns: 48,
		IdleTimeout: time.Minute, changed: make(chan struct{})}
}

// Dir is where receipts are saved.
func (s *PrinterSim) Dir() string { return s.dir }

// Run serves clients one at a time until ctx ends or Close is called. It
// starts no goroutines of its own beyond a context watcher it stops.
func (s *PrinterSim) Run(ctx context.Context) error {
	ln, done, err := s.start(ctx)
	if err != nil {
		return err
	}
	defer done()
	if s.dir != "" {
		if err := os.MkdirAll(s.dir, 0o755); err != nil {
			return fmt.Errorf("devicesim: printer output: %w", err)
		}
	}
	for {
		conn, err := ln.Accept()
		if err != nil {
			if s.isClosed() {
				return nil
			}
			return fmt.Errorf("devicesim: printer accept: %w", err)
		}
		s.serve(conn)
	}
}

func (s *PrinterSim) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

// serve decodes one client's bytes until it closes, idles or the sim closes.
// conn is a TCP connection or a pty master (serial printer, see ServePty).
func (s *PrinterSim) serve(conn io.ReadWriteCloser) {
	if !s.track(conn) {
		return
	}
	defer func() {
		s.untrack(conn)
		conn.Close()
	}()

	spoiled := false // the printer could not print during this job
	d := NewDecoder()
	d.OnStatus = func(n byte) {
		if b, ok := s.State().StatusByte(n); ok {
			_, _ = conn.Write([]byte{b})
		}
	}
	d.OnDrawerKick = func(k DrawerKick) { s.drawerKick(k) }
	d.OnAutoStatus = func(n byte) { s.autoStatus(conn, n) }
	defer s.autoStatus(conn, 0)
	d.OnReceipt = func(r Receipt) {
		if spoiled {
			s.mu.Lock()
			s.dropped++
			s.mu.Unlock()
			s.log().Warn("printer: job discarded, printer could not print", "lines", len(r.Lines))
		} else {
			s.addReceipt(r)
		}
		spoiled = !s.State().Printing()
	}
	buf := make([]byte, 4096)
	for {
		if nc, ok := conn.(net.Conn); ok && s.IdleTimeout > 0 {
			_ = nc.SetReadDeadline(time.Now().Add(s.IdleTimeout))
		}
		n, err := conn.Read(buf)
		if n > 0 {
			if !s.State().Printing() && hasJobData(buf[:n]) {
				spoiled = true
			}
			s.feed(d, buf[:n])
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				s.log().Info("printer: client dropped", "err", err)
			}
			if err := d.Close(); err != nil {
				s.log().Warn("printer: job ended inside a command", "err", err)
			}
			return
		}
	}
}

// hasJobData reports whether p holds more than DLE EOT status queries: a
// client checking status of a printer with paper out spoils nothing.
func hasJobData(p []byte) bool {
	for i := 0; i < len(p); {
		if p[i] == 0x10 && (i+1 == len(p) || p[i+1] == 0x04) {
			i += 3 // a query, possibly cut off at the end of the chunk
			continue
		}
		return true
	}
	return false
}

func (s *PrinterSim) drawerKick(k DrawerKick) {
	s.mu.Lock()
	if !s.state.Printing() {
		s.mu.Unlock()
		s.log().Warn("printer: drawer kick ignored while offline")
		return
	}
	s.kicks = append(s.kicks, k)
	old := s.state
	s.state.DrawerOpen = true
	s.mu.Unlock()
	s.pushASB(old)
	s.log().Info("printer: drawer kick", "pin", k.Pin, "on_ms", k.OnMS)
}

func (s *PrinterSim) addReceipt(r Receipt) {
	s.mu.Lock()
	r.Seq = len(s.receipts) + 1 + s.saving
	r.Columns = s.Columns
	s.saving++
	s.mu.Unlock()
	// Saved before it is announced, so a waiter finds the files.
	path := ""
	if s.dir != "" {
		var err error
		if path, err = s.save(r); err != nil {
			s.log().Error("printer: save receipt", "err", err)
		}
	}
	s.mu.Lock()
	s.saving--
	s.receipts = append(s.receipts, r)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	s.log().Info("printer: receipt", "seq", r.Seq, "lines", len(r.Lines), "cut", r.Cut, "file", path)
}

func (s *PrinterSim) save(r Receipt) (string, error) {
	base := filepath.Join(s.dir, fmt.Sprintf("%04d", r.Seq))
	if err := os.WriteFile(base+".txt", []byte(r.Text()), 0o644); err != nil {
		return "", err
	}
	f, err := os.Create(base + ".png")
	if err != nil {
		return "", err
	}
	if err := r.WritePNG(f); err != nil {
		f.Close()
		return "", err
	}
	return base + ".txt", f.Close()
}

// Receipts returns the receipts printed so far, oldest first.
func (s *PrinterSim) Receipts() []Receipt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Receipt(nil), s.receipts...)
}

// WaitReceipt waits until the nth receipt (1-based) has printed and
// returns it, or fails after timeout.
func (s *PrinterSim) WaitReceipt(n int, timeout time.Duration) (Receipt, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		s.mu.Lock()
		if len(s.receipts) >= n {
			r := s.receipts[n-1]
			s.mu.Unlock()
			return r, nil
		}
		ch, have := s.changed, len(s.receipts)
		s.mu.Unlock()
		select {
		case <-ch:
		case <-t.C:
			return Receipt{}, fmt.Errorf("devicesim: receipt %d not printed within %s (have %d)", n, timeout, have)
		}
	}
}

// DrawerKicks returns the drawer pulses executed so far.
func (s *PrinterSim) DrawerKicks() []DrawerKick {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]DrawerKick(nil), s.kicks...)
}

// Dropped is the number of jobs discarded because the printer could not print.
func (s *PrinterSim) Dropped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// State returns the fault state.
func (s *PrinterSim) State() PrinterState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

func (s *PrinterSim) update(f func(*PrinterState)) {
	s.mu.Lock()
	old := s.state
	f(&s.state)
	st := s.state
	s.mu.Unlock()
	s.log().Info("printer: state", "state", st.String())
	s.pushASB(old)
}

// SetPaperOut sets the paper-end sensor.
func (s *PrinterSim) SetPaperOut(on bool) { s.update(func(p *PrinterState) { p.PaperOut = on }) }

// SetPaperNearEnd sets the paper-near-end sensor.
func (s *PrinterSim) SetPaperNearEnd(on bool) {
	s.update(func(p *PrinterState) { p.PaperNearEnd = on })
}

// SetCoverOpen opens or closes the cover.
func (s *PrinterSim) SetCoverOpen(on bool) { s.update(func(p *PrinterState) { p.CoverOpen = on }) }

// SetOffline forces the printer offline (an error state) or back online.
func (s *PrinterSim) SetOffline(on bool) { s.update(func(p *PrinterState) { p.Offline = on }) }

// SetDrawerOpen sets the drawer sensor (a kick opens it; the cashier closes it).
func (s *PrinterSim) SetDrawerOpen(on bool) { s.update(func(p *PrinterState) { p.DrawerOpen = on }) }
