package escpos

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tillpos/till/app/pos"
)

// Errors a print can end with, as *pos.Error values so the UI shows the
// message and errors.Is(err, ErrPaperOut) works through any wrapping.
var (
	ErrPaperOut    = &pos.Error{Code: pos.EUnavailable, Message: "Printer: out of paper"}
	ErrCoverOpen   = &pos.Error{Code: pos.EUnavailable, Message: "Printer: cover open"}
	ErrOffline     = &pos.Error{Code: pos.EUnavailable, Message: "Printer: offline"}
	ErrUnreachable = &pos.Error{Code: pos.EUnavailable, Message: "Printer not answering"}
)

// ErrNotStatus means a reply byte does not have the DLE EOT pattern (bits 1
// and 4 set, 0 and 7 clear): the peer is not an ESC/POS printer, or the
// stream is out of step.
var ErrNotStatus = errors.New("escpos: not a status byte")

// StatusKind is the n of DLE EOT n.
type StatusKind uint8

// Status kinds.
const (
	StatusPrinter StatusKind = 1 // drawer sensor, offline
	StatusOffline StatusKind = 2 // why offline: cover, feed button, paper end, error
	StatusError   StatusKind = 3 // error cause: cutter, unrecoverable, auto-recoverable
	StatusPaper   StatusKind = 4 // paper roll sensors
)

// Status is what the printer reported in its DLE EOT replies.
type Status struct {
	DrawerOpen   bool // n=1 bit 2 (drawer connector pin 3)
	Offline      bool // n=1 bit 3
	CoverOpen    bool // n=2 bit 2
	FeedButton   bool // n=2 bit 3
	PaperStop    bool // n=2 bit 5: printing stopped at paper end
	Error        bool // n=2 bit 6
	CutterError  bool // n=3 bit 3
	Unrecover    bool // n=3 bit 5
	AutoRecover  bool // n=3 bit 6
	PaperNearEnd bool // n=4 bits 2-3
	PaperOut     bool // n=4 bits 5-6
}

// statusKinds are the queries sent before and after a job.
var statusKinds = []StatusKind{StatusPrinter, StatusOffline, StatusPaper}

// ValidStatusByte reports whether b has the fixed bits of every DLE EOT reply.
func ValidStatusByte(b byte) bool { return b&0x93 == 0x12 }

// Apply merges the reply b to DLE EOT kind into s. It returns ErrNotStatus
// (wrapped) for a byte without the reply pattern and leaves s unchanged.
// Replies to kinds it does not know are checked but otherwise ignored.
func (s *Status) Apply(kind StatusKind, b byte) error {
	if !ValidStatusByte(b) {
		return fmt.Errorf("%w: %#02x for DLE EOT %d", ErrNotStatus, b, kind)
	}
	bit := func(n uint) bool { return b&(1<<n) != 0 }
	switch kind {
	case StatusPrinter:
		s.DrawerOpen, s.Offline = bit(2), bit(3)
	case StatusOffline:
		s.CoverOpen, s.FeedButton, s.PaperStop, s.Error = bit(2), bit(3), bit(5), bit(6)
	case StatusError:
		s.CutterError, s.Unrecover, s.AutoRecover = bit(3), bit(5), bit(6)
	case StatusPaper:
		s.PaperNearEnd, s.PaperOut = b&0x0C != 0, b&0x60 != 0
	}
	return nil
}

// ParseStatus decodes the replies to the DLE EOT queries kinds, one byte each.
func ParseStatus(kinds []StatusKind, replies []byte) (Status, error) {
	var s Status
	if len(replies) != len(kinds) {
		return s, fmt.Errorf("%w: %d reply bytes for %d queries", ErrNotStatus, len(replies), len(kinds))
	}
	for i, k := range kinds {
		if err := s.Apply(k, replies[i]); err != nil {
			return Status{}, err
		}
	}
	return s, nil
}

// Err returns the typed error that stops printing, or nil when the printer
// can print. A cover open is named first: with the cover up the paper
// sensor cannot be trusted, and closing it is the cashier's next step.
func (s Status) Err() error {
	switch {
	case s.CoverOpen:
		return ErrCoverOpen
	case s.PaperOut || s.PaperStop:
		return ErrPaperOut
	case s.Offline || s.Error || s.Unrecover:
		return ErrOffline
	}
	return nil
}

func (s Status) String() string {
	var out []byte
	add := func(on bool, name string) {
		if on {
			if len(out) > 0 {
				out = append(out, ',')
			}
			out = append(out, name...)
		}
	}
	add(s.Offline, "offline")
	add(s.CoverOpen, "cover-open")
	add(s.PaperOut, "paper-out")
	add(s.PaperStop, "paper-stop")
	add(s.PaperNearEnd, "paper-near-end")
	add(s.DrawerOpen, "drawer-open")
	add(s.FeedButton, "feed-button")
	add(s.Error, "error")
	add(s.CutterError, "cutter-error")
	add(s.Unrecover, "unrecoverable")
	add(s.AutoRecover, "auto-recoverable")
	if len(out) == 0 {
		return "ready"
	}
	return string(out)
}

// DefaultTimeout bounds the dial and the exchange with a printer.
const DefaultTimeout = 5 * time.Second

// ReadStatus sends DLE EOT 1, 2 and 4 on rw and reads the one-byte replies.
// It is the transport-independent core shared by TCP, serial and USB
// printers; the caller sets deadlines on rw.
func ReadStatus(rw io.ReadWriter) (Status, error) {
	var e Encoder
	for _, k := range statusKinds {
		e.StatusRequest(k)
	}
	if _, err := rw.Write(e.Bytes()); err != nil {
		return Status{}, fmt.Errorf("send status request: %w", err)
	}
	replies := make([]byte, len(statusKinds))
	if _, err := io.ReadFull(rw, replies); err != nil {
		return Status{}, fmt.Errorf("read status reply: %w", err)
	}
	return ParseStatus(statusKinds, replies)
}
