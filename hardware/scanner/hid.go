package scanner

import (
	"errors"
	"fmt"
)

// HID boot keyboard report: modifier byte, reserved byte, six key codes.
const hidReportLen = 8

// ErrHIDReport is a report too short to be a boot keyboard report.
var ErrHIDReport = errors.New("scanner: HID report shorter than 8 bytes")

const (
	hidLeftShift  = 0x02
	hidRightShift = 0x20
	hidRollOver   = 0x01 // every key slot says ErrorRollOver: too many keys down
	hidEnter      = 0x28
	hidKeypadEnt  = 0x58
)

// usLayout maps key codes 0x04-0x38 to their unshifted and shifted
// characters on a US keyboard, the layout scanners emulate by default.
var usLayout = func() (m [0x39][2]byte) {
	for k := byte(0x04); k <= 0x1D; k++ { // a-z
		m[k] = [2]byte{'a' + k - 0x04, 'A' + k - 0x04}
	}
	digits, shifted := "1234567890", "!@#$%^&*()"
	for i := range 10 {
		m[0x1E+i] = [2]byte{digits[i], shifted[i]}
	}
	for k, p := range map[byte]string{0x2C: "  ", 0x2D: "-_", 0x2E: "=+", 0x2F: "[{", 0x30: "]}", 0x31: `\|`,
		0x33: ";:", 0x34: `'"`, 0x35: "`~", 0x36: ",<", 0x37: ".>", 0x38: "/?"} {
		m[k] = [2]byte{p[0], p[1]}
	}
	return m
}()

// HIDKeyboard turns a scanner's HID boot keyboard reports into codes. A
// key counts when it appears in a report and was not down in the one
// before (so a repeated report of a held key types it once, and releasing
// then pressing again types it twice); Enter ends the code. Roll-over
// error reports are ignored. Keys outside the US layout's printable set
// are dropped.
type HIDKeyboard struct {
	MaxLen int // zero: DefaultMaxLen

	prev    [6]byte
	buf     []byte
	tooLong bool
}

// Report feeds one report (8 bytes; longer reports use the first 8). It
// returns a code and true when Enter completed one; a completed line that
// was too long returns ErrTooLong instead.
func (h *HIDKeyboard) Report(r []byte) (string, bool, error) {
	if len(r) < hidReportLen {
		return "", false, fmt.Errorf("%w (got %d)", ErrHIDReport, len(r))
	}
	keys := r[2:8]
	if keys[0] == hidRollOver {
		return "", false, nil
	}
	shift := r[0]&(hidLeftShift|hidRightShift) != 0
	var code string
	var done bool
	var err error
	for _, k := range keys {
		if k == 0 || h.wasDown(k) {
			continue
		}
		switch {
		case k == hidEnter || k == hidKeypadEnt:
			if h.tooLong {
				err = fmt.Errorf("%w: dropped", ErrTooLong)
			} else if len(h.buf) > 0 {
				code, done = string(h.buf), true
			}
			h.buf, h.tooLong = h.buf[:0], false
		case int(k) < len(usLayout) && usLayout[k][0] != 0:
			c := usLayout[k][0]
			if shift {
				c = usLayout[k][1]
			}
			max := h.MaxLen
			if max <= 0 {
				max = DefaultMaxLen
			}
			if len(h.buf) >= max {
				h.tooLong = true
			} else {
				h.buf = append(h.buf, c)
			}
		}
	}
	copy(h.prev[:], keys)
	return code, done, err
}

func (h *HIDKeyboard) wasDown(k byte) bool {
	for _, p := range h.prev {
		if p == k {
			return true
		}
	}
	return false
}

// Reset drops a partial code and the held keys (after a reconnect).
func (h *HIDKeyboard) Reset() { h.prev, h.buf, h.tooLong = [6]byte{}, h.buf[:0], false }
