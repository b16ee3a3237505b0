package devices

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/tillpos/till/hardware/scanner"
	"github.com/tillpos/till/hardware/usbdev"
)

// USBScanner is a barcode scanner in HID boot-keyboard mode read directly
// over USB: its interface is claimed (usbhid detached), so codes reach
// OnCode and never type into another window. gousb has no hot-plug API,
// so the manager's poll reopens it: Check opens the device when it is not
// open and starts a reader; the reader reports an unplug at once and
// leaves the reopen to the next Check.
type USBScanner struct {
	name     string
	vid, pid uint16
	iface    int // negative: the boot keyboard interface
	bus      usbdev.Bus
	log      *slog.Logger

	mu     sync.Mutex
	onCode func(string)
	open   *usbdev.HIDScanner
	stop   context.CancelFunc
	wg     sync.WaitGroup

	report func(error) // the manager's hook
}

// Name is the configured name.
func (s *USBScanner) Name() string { return s.name }

// Kind is KindScanner.
func (s *USBScanner) Kind() Kind { return KindScanner }

// OnCode sets where codes go (on the reader's goroutine; must not block long).
func (s *USBScanner) OnCode(f func(string)) {
	s.mu.Lock()
	s.onCode = f
	s.mu.Unlock()
}

// Check opens the scanner if it is not open; nil while it is read.
func (s *USBScanner) Check(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open != nil {
		return nil
	}
	if s.bus == nil {
		return fmt.Errorf("%w: usb %04x:%04x: %w", ErrScannerUnplugged, s.vid, s.pid, usbdev.ErrNoUSB)
	}
	p, err := s.bus.OpenHID(ctx, s.vid, s.pid, s.iface)
	if err != nil {
		return fmt.Errorf("%w: usb %04x:%04x: %w", ErrScannerUnplugged, s.vid, s.pid, err)
	}
	h := usbdev.NewHIDScanner(p)
	rctx, stop := context.WithCancel(context.Background())
	s.open, s.stop = h, stop
	s.wg.Add(1)
	go s.read(rctx, h)
	s.log.Info("usb scanner: connected", "device", s.name, "usb", fmt.Sprintf("%04x:%04x", s.vid, s.pid))
	return nil
}

// read hands codes to OnCode until the device fails or Close stops it.
func (s *USBScanner) read(ctx context.Context, h *usbdev.HIDScanner) {
	defer s.wg.Done()
	for {
		code, err := h.Next(ctx)
		switch {
		case err == nil:
			s.mu.Lock()
			f := s.onCode
			s.mu.Unlock()
			if f != nil {
				f(code)
			}
			continue
		case ctx.Err() != nil:
			return
		case errors.Is(err, scanner.ErrTooLong), errors.Is(err, scanner.ErrHIDReport):
			s.log.Warn("usb scanner: input dropped", "device", s.name, "err", err)
			continue
		}
		// Unplugged or failed: release it; the next poll reopens.
		s.mu.Lock()
		if s.open == h {
			s.open = nil
			s.stop()
		}
		report := s.report
		s.mu.Unlock()
		_ = h.Close()
		s.log.Warn("usb scanner: disconnected", "device", s.name, "err", err)
		if report != nil {
			report(fmt.Errorf("%w: %w", ErrScannerUnplugged, err))
		}
		return
	}
}

// Close releases the interface (usbhid reattaches) and waits for the
// reader; the next Check opens it again.
func (s *USBScanner) Close() error {
	s.mu.Lock()
	h := s.open
	s.open = nil
	if s.stop != nil {
		s.stop()
	}
	s.mu.Unlock()
	var err error
	if h != nil {
		err = h.Close()
	}
	s.wg.Wait()
	return err
}
