package usbdev

import (
	"errors"
	"strings"
	"testing"
)

// The Windows build returns ErrUSBWindows from NewBus: callers that check
// ErrNoUSB must treat it alike, and the owner must read what to do instead.
func TestErrUSBWindows(t *testing.T) {
	t.Parallel()
	if !errors.Is(ErrUSBWindows, ErrNoUSB) {
		t.Fatal("errors.Is(ErrUSBWindows, ErrNoUSB) is false")
	}
	if errors.Is(ErrNoUSB, ErrUSBWindows) || errors.Is(ErrNotFound, ErrUSBWindows) {
		t.Fatal("ErrUSBWindows matches other errors")
	}
	msg := ErrUSBWindows.Error()
	for _, want := range []string{"not supported on Windows", "serial", "network"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}
