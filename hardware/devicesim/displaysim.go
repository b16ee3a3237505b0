package devicesim

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// DisplayColumns is the width of a CD5220-style pole display.
const DisplayColumns = 20

// DisplayDecoder turns CD5220 command bytes into the display's two lines:
// ESC @ initialise (blank), FF clear, ESC Q A text CR the upper line, ESC Q
// B text CR the lower line (text beyond 20 columns is cut, a shorter text
// blanks the rest). Other bytes are counted as Unknown. Written
// independently of hardware/display so it catches that driver's mistakes.
type DisplayDecoder struct {
	Upper, Lower string
	Unknown      int // bytes outside a known command
	Inits        int // ESC @ seen

	state   int // 0 idle, 1 after ESC, 2 after ESC Q, 3 in line text
	line    byte
	text    []byte
	onShown func(upper, lower string)
}

// Write decodes b; it never fails.
func (d *DisplayDecoder) Write(b []byte) (int, error) {
	for _, c := range b {
		switch d.state {
		case 0:
			switch c {
			case 0x1B:
				d.state = 1
			case 0x0C:
				d.Upper, d.Lower = "", ""
				d.shown()
			default:
				d.Unknown++
			}
		case 1:
			switch c {
			case '@':
				d.Upper, d.Lower = "", ""
				d.Inits++
				d.state = 0
				d.shown()
			case 'Q':
				d.state = 2
			default:
				d.Unknown += 2
				d.state = 0
			}
		case 2:
			if c == 'A' || c == 'B' {
				d.line, d.text, d.state = c, d.text[:0], 3
			} else {
				d.Unknown += 3
				d.state = 0
			}
		case 3:
			if c == 0x0D {
				s := string(d.text)
				if d.line == 'A' {
					d.Upper = s
				} else {
					d.Lower = s
				}
				d.state = 0
				d.shown()
			} else if len(d.text) < DisplayColumns {
				d.text = append(d.text, c)
			}
		}
	}
	return len(b), nil
}

func (d *DisplayDecoder) shown() {
	if d.onShown != nil {
		d.onShown(d.Upper, d.Lower)
	}
}

// DisplaySim is a 2 x 20 pole display on a pseudo-terminal.
type DisplaySim struct {
	*serialPty
	// OnShow is called after each change of the lines (set before Run).
	OnShow func(upper, lower string)

	mu      sync.Mutex
	dec     DisplayDecoder
	raw     []byte
	changed chan struct{}
}

// NewDisplaySim plugs in a display on a new pty (at link if not "").
func NewDisplaySim(link string) (*DisplaySim, error) {
	p, err := newSerialPty("display", link)
	if err != nil {
		return nil, err
	}
	return &DisplaySim{serialPty: p, changed: make(chan struct{})}, nil
}

// Run decodes what the register sends until ctx ends or Close.
func (s *DisplaySim) Run(ctx context.Context) error {
	var shows [][2]string
	s.dec.onShown = func(u, l string) { shows = append(shows, [2]string{u, l}) }
	return s.serve(ctx, func(b []byte) {
		s.mu.Lock()
		shows = shows[:0]
		s.raw = append(s.raw, b...)
		_, _ = s.dec.Write(b)
		close(s.changed)
		s.changed = make(chan struct{})
		on := s.OnShow
		got := append([][2]string(nil), shows...)
		s.mu.Unlock()
		if on != nil {
			for _, l := range got {
				on(l[0], l[1])
			}
		}
	})
}

// Lines returns what the display shows.
func (s *DisplaySim) Lines() (upper, lower string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dec.Upper, s.dec.Lower
}

// Bytes returns every byte received so far.
func (s *DisplaySim) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.raw...)
}

// Unknown counts received bytes that were no display command.
func (s *DisplaySim) Unknown() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dec.Unknown
}

// String is the display as two lines padded to its width.
func (s *DisplaySim) String() string {
	u, l := s.Lines()
	return fmt.Sprintf("|%-20s|\n|%-20s|", u, l)
}

// WaitLines waits until the display shows upper and lower (trailing spaces
// ignored), or fails after timeout with what it shows.
func (s *DisplaySim) WaitLines(upper, lower string, timeout time.Duration) error {
	t := time.NewTimer(timeout)
	defer t.Stop()
	for {
		s.mu.Lock()
		u, l, ch := s.dec.Upper, s.dec.Lower, s.changed
		s.mu.Unlock()
		if strings.TrimRight(u, " ") == strings.TrimRight(upper, " ") && strings.TrimRight(l, " ") == strings.TrimRight(lower, " ") {
			return nil
		}
		select {
		case <-ch:
		case <-t.C:
			return fmt.Errorf("devicesim: display shows %q / %q, want %q / %q", u, l, upper, lower)
		}
	}
}
