package register

import "time"

// WedgeDetector tells a keyboard-wedge scanner from a person typing: a scan is
// at least MinLen characters, each within MaxGap of the one before, ended by
// Enter. Keys are fed with their arrival time; a slow key restarts the buffer.
type WedgeDetector struct {
	MinLen int
	MaxGap time.Duration

	buf  []rune
	last time.Time
}

// NewWedgeDetector: a scan is at least 3 characters, each within 50 ms of the
// one before (scanners send a character every few ms; typing is far slower);
// docs/DEVICES.md describes the keyboard wedge.
func NewWedgeDetector() *WedgeDetector {
	return &WedgeDetector{MinLen: 3, MaxGap: 50 * time.Millisecond}
}

// Rune feeds a printable character.
func (w *WedgeDetector) Rune(r rune, at time.Time) {
	if len(w.buf) > 0 && at.Sub(w.last) > w.MaxGap {
		w.buf = w.buf[:0]
	}
	if len(w.buf) < 64 {
		w.buf = append(w.buf, r)
	}
	w.last = at
}

// Enter ends the input; it returns the code and true when it was a scan.
func (w *WedgeDetector) Enter(at time.Time) (string, bool) {
	defer func() { w.buf = w.buf[:0] }()
	if len(w.buf) < w.MinLen || at.Sub(w.last) > w.MaxGap {
		return "", false
	}
	return string(w.buf), true
}

// Reset drops buffered keys.
func (w *WedgeDetector) Reset() { w.buf = w.buf[:0] }
