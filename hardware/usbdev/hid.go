package usbdev

import (
	"context"
	"fmt"

	"github.com/tillpos/till/hardware/scanner"
)

// HIDScanner reads barcodes from a scanner's HID boot keyboard reports
// (interrupt IN, 8 bytes: modifier, reserved, six key codes), decoded by
// scanner.HIDKeyboard. The interface is claimed, so the codes do not also
// type into whichever window has the focus.
type HIDScanner struct {
	pipe Pipe
	kb   scanner.HIDKeyboard
	buf  []byte
}

// NewHIDScanner wraps a claimed HID pipe.
func NewHIDScanner(p Pipe) *HIDScanner { return &HIDScanner{pipe: p} }

// Next blocks until a whole code (ended by Enter) has arrived, ctx ends or
// the device fails. A code that is too long is returned as an error and
// reading can go on.
func (h *HIDScanner) Next(ctx context.Context) (string, error) {
	mp := max(h.pipe.MaxPacket(), 8)
	if len(h.buf) < mp {
		h.buf = make([]byte, mp)
	}
	for {
		n, err := h.pipe.In(ctx, h.buf[:mp])
		if err != nil {
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			return "", fmt.Errorf("usb scanner read: %w", err)
		}
		if n == 0 {
			continue
		}
		code, done, err := h.kb.Report(h.buf[:n])
		if err != nil {
			return "", err
		}
		if done {
			return code, nil
		}
	}
}

// Close releases the interface (the scanner types into the desktop again
// once usbhid reattaches).
func (h *HIDScanner) Close() error { return h.pipe.Close() }
