package devices

import (
	"io"

	"github.com/tillpos/till/hardware/escpos"
)

// Automatic status back (printer option status=asb). On a persistent link
// (serial, USB) the printer is told GS a n when the link opens and then
// pushes a status block whenever the drawer, online state, errors or paper
// change: the manager's polls and the drawer watch read that pushed status
// instead of sending DLE EOT every poll, and a change is reported to the
// manager the moment it arrives. A job still asks DLE EOT before and after
// (the replies are told apart from the blocks in the stream). A printer
// that does not support ASB never sends a block, and everything stays on
// DLE EOT polling.

// withASB turns ASB on over a freshly opened persistent link.
func (p *Printer) withASB(conn io.ReadWriteCloser) (io.ReadWriteCloser, error) {
	if !p.asb {
		return conn, nil
	}
	var e escpos.Encoder
	if _, err := conn.Write(e.AutoStatusBack(escpos.ASBAll).Bytes()); err != nil {
		conn.Close()
		return nil, err
	}
	return escpos.NewASBConn(conn, p.pushed), nil
}

// pushed reports a block as the printer's state.
func (p *Printer) pushed(st escpos.Status) {
	if p.report != nil {
		p.report(st.Err())
	}
}

// pushedStatus is the last pushed status while the link is up and the
// printer has sent one.
func (p *Printer) pushedStatus() (escpos.Status, bool) {
	if !p.asb {
		return escpos.Status{}, false
	}
	if !p.mu.TryLock() {
		return escpos.Status{}, false // a job runs: ask the printer after it
	}
	defer p.mu.Unlock()
	ac, ok := p.conn.(*escpos.ASBConn)
	if !ok || ac.Err() != nil {
		return escpos.Status{}, false
	}
	return ac.Last()
}
