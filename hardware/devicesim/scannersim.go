package devicesim

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// ScannerSim is a serial barcode scanner (or a USB one in CDC-ACM mode) on
// a pseudo-terminal: each Scan sends the code followed by Suffix, as a real
// scanner does at 9600 8N1.
type ScannerSim struct {
	*serialPty
	// Suffix ends each code: "\r" (the usual default), "\n" or "\r\n".
	Suffix string
}

// NewScannerSim plugs in a scanner on a new pty, reachable at link when
// link is not "" (see Path).
func NewScannerSim(link string) (*ScannerSim, error) {
	p, err := newSerialPty("scanner", link)
	if err != nil {
		return nil, err
	}
	return &ScannerSim{serialPty: p, Suffix: "\r"}, nil
}

// Scan sends one code with the suffix, in one write.
func (s *ScannerSim) Scan(code string) error { return s.write([]byte(code + s.Suffix)) }

// SendRaw sends bytes as they are: a code split over writes, line noise.
func (s *ScannerSim) SendRaw(b []byte) error { return s.write(b) }

// Run drains what the register sends (scanners ignore it) until ctx ends
// or Close.
func (s *ScannerSim) Run(ctx context.Context) error {
	return s.serve(ctx, func([]byte) {})
}

// RunScript scans from a script, one command per line: a code, "scan
// CODE", "sleep 500ms"; blank lines and lines starting with # are skipped.
// say receives a line per command (may be nil).
func (s *ScannerSim) RunScript(ctx context.Context, r io.Reader, say func(string)) error {
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cmd, arg, _ := strings.Cut(line, " ")
		switch cmd {
		case "sleep":
			d, err := time.ParseDuration(strings.TrimSpace(arg))
			if err != nil {
				return fmt.Errorf("scanner script line %d: %w", n, err)
			}
			select {
			case <-time.After(d):
			case <-ctx.Done():
				return ctx.Err()
			}
			continue
		case "scan":
			line = strings.TrimSpace(arg)
		}
		if err := s.Scan(line); err != nil {
			return fmt.Errorf("scanner script line %d: %w", n, err)
		}
		if say != nil {
			say("scanner: scanned " + line)
		}
	}
	return sc.Err()
}
