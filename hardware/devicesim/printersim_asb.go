package devicesim

import (
	"io"
	"sync"
)

// ASBBlock is the 4-byte automatic status back block (GS a) for s, as an
// Epson printer sends it: byte 1 0xx1 xx00 with bit 2 drawer sensor, bit 3
// offline, bit 5 cover open; byte 2 the error causes (none simulated);
// byte 3 bits 0-1 paper near end, bits 2-3 paper end; byte 4 reserved.
func (s PrinterState) ASBBlock() [4]byte {
	b := [4]byte{0x10, 0x00, 0x00, 0x00}
	if s.DrawerOpen {
		b[0] |= 0x04
	}
	if !s.Printing() {
		b[0] |= 0x08
	}
	if s.CoverOpen {
		b[0] |= 0x20
	}
	if s.PaperNearEnd || s.PaperOut {
		b[2] |= 0x03
	}
	if s.PaperOut {
		b[2] |= 0x0C
	}
	return b
}

// asbClients are the connections that enabled automatic status back.
type asbClients struct {
	mu        sync.Mutex
	supported bool
	on        map[io.Writer]byte // GS a n by connection
}

// SupportASB makes the printer honour GS a n (automatic status back): a
// client that enables it gets a status block at once and another whenever
// a selected status changes (drawer, online, error, paper). Without it the
// printer ignores GS a, as many clones do, and clients fall back to DLE
// EOT polling.
func (s *PrinterSim) SupportASB(on bool) {
	s.asb.mu.Lock()
	s.asb.supported = on
	s.asb.mu.Unlock()
}

// autoStatus records a client's GS a n and sends the first block.
func (s *PrinterSim) autoStatus(conn io.Writer, n byte) {
	s.asb.mu.Lock()
	defer s.asb.mu.Unlock()
	if s.asb.on == nil {
		s.asb.on = map[io.Writer]byte{}
	}
	if n == 0 || !s.asb.supported {
		delete(s.asb.on, conn)
		return
	}
	s.asb.on[conn] = n
	b := s.State().ASBBlock()
	_, _ = conn.Write(b[:])
}

// asbMask is what each GS a bit covers in the block (bytes 1-3).
func asbChanged(n byte, old, cur [4]byte) bool {
	masks := []struct {
		bit  byte
		mask [4]byte
	}{
		{0x01, [4]byte{0x04, 0, 0, 0}}, // drawer
		{0x02, [4]byte{0x28, 0, 0, 0}}, // online/offline (and the cover that takes it offline)
		{0x04, [4]byte{0, 0x68, 0, 0}}, // errors
		{0x08, [4]byte{0, 0, 0x0F, 0}}, // roll paper
	}
	for _, m := range masks {
		if n&m.bit == 0 {
			continue
		}
		for i := range old {
			if (old[i]^cur[i])&m.mask[i] != 0 {
				return true
			}
		}
	}
	return false
}

// pushASB sends the current block to every client whose selection covers
// a status that differs from old.
func (s *PrinterSim) pushASB(old PrinterState) {
	cur := s.State().ASBBlock()
	prev := old.ASBBlock()
	s.asb.mu.Lock()
	defer s.asb.mu.Unlock()
	for w, n := range s.asb.on {
		if asbChanged(n, prev, cur) {
			_, _ = w.Write(cur[:])
		}
	}
}
