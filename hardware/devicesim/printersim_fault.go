package devicesim

import "bytes"

// midJobFault is a fault armed to strike in the middle of a job.
type midJobFault struct {
	paperLines int // > 0: line feeds left before the paper runs out
}

// SetPaperOutAfter arms the paper end to come after n more printed lines
// (line feeds), in the middle of whatever job is printing then: the lines
// printed so far stay on paper as a receipt without a cut, the paper-end
// sensor goes on and the rest of the job is lost, as on a real printer.
// n <= 0 disarms it. Loading paper again is SetPaperOut(false).
func (s *PrinterSim) SetPaperOutAfter(n int) {
	s.mu.Lock()
	s.fault.paperLines = max(n, 0)
	s.mu.Unlock()
}

// feed passes a client's bytes to the decoder, cutting the paper off at the
// armed line feed. A 0x0A inside a command's parameters counts too: close
// enough for a simulator, and tests arm it for plain text lines.
func (s *PrinterSim) feed(d *Decoder, p []byte) {
	for len(p) > 0 {
		s.mu.Lock()
		armed := s.fault.paperLines > 0 && s.state.Printing()
		s.mu.Unlock()
		i := bytes.IndexByte(p, 0x0A)
		if !armed || i < 0 {
			_, _ = d.Write(p)
			return
		}
		_, _ = d.Write(p[:i+1])
		p = p[i+1:]
		s.mu.Lock()
		s.fault.paperLines--
		out := s.fault.paperLines == 0
		s.mu.Unlock()
		if out {
			s.SetPaperOut(true)
			s.log().Warn("printer: paper ran out in the middle of a job")
			if d.hasContent() {
				d.finish("") // what is on paper so far, uncut
			}
		}
	}
}
