package escpos

import (
	"errors"
	"testing"

	"github.com/tillpos/till/app/pos"
)

func TestStatusApply(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		kind StatusKind
		b    byte
		want Status
		err  error // of Status.Err
	}{
		{"printer ready", StatusPrinter, 0x12, Status{}, nil},
		{"drawer open", StatusPrinter, 0x16, Status{DrawerOpen: true}, nil},
		{"printer offline", StatusPrinter, 0x1A, Status{Offline: true}, ErrOffline},
		{"offline cause none", StatusOffline, 0x12, Status{}, nil},
		{"cover open", StatusOffline, 0x16, Status{CoverOpen: true}, ErrCoverOpen},
		{"feed button", StatusOffline, 0x1A, Status{FeedButton: true}, nil},
		{"paper end stop", StatusOffline, 0x32, Status{PaperStop: true}, ErrPaperOut},
		{"error", StatusOffline, 0x52, Status{Error: true}, ErrOffline},
		{"cutter error", StatusError, 0x1A, Status{CutterError: true}, nil},
		{"unrecoverable", StatusError, 0x32, Status{Unrecover: true}, ErrOffline},
		{"paper ok", StatusPaper, 0x12, Status{}, nil},
		{"near end bit 2", StatusPaper, 0x16, Status{PaperNearEnd: true}, nil},
		{"near end both", StatusPaper, 0x1E, Status{PaperNearEnd: true}, nil},
		{"paper end", StatusPaper, 0x72, Status{PaperOut: true}, ErrPaperOut},
		{"paper end and near end", StatusPaper, 0x7E, Status{PaperNearEnd: true, PaperOut: true}, ErrPaperOut},
		{"unknown kind checked only", StatusKind(5), 0x7E, Status{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s Status
			if err := s.Apply(tt.kind, tt.b); err != nil {
				t.Fatal(err)
			}
			if s != tt.want {
				t.Errorf("got %+v, want %+v", s, tt.want)
			}
			if err := s.Err(); err != tt.err {
				t.Errorf("Err() = %v, want %v", err, tt.err)
			}
		})
	}
}

func TestStatusNotAStatusByte(t *testing.T) {
	t.Parallel()
	for _, b := range []byte{0x00, 0xFF, 0x10, 0x02, 0x13, 0x92, 'A', 0x1B} {
		s := Status{DrawerOpen: true}
		if err := s.Apply(StatusPrinter, b); !errors.Is(err, ErrNotStatus) {
			t.Errorf("%#02x: err = %v, want ErrNotStatus", b, err)
		}
		if !s.DrawerOpen {
			t.Errorf("%#02x: status changed by a bad byte", b)
		}
	}
}

func TestStatusErrPriority(t *testing.T) {
	t.Parallel()
	s := Status{Offline: true, CoverOpen: true, PaperOut: true}
	if s.Err() != ErrCoverOpen {
		t.Errorf("cover open and paper out: %v", s.Err())
	}
	s.CoverOpen = false
	if s.Err() != ErrPaperOut {
		t.Errorf("paper out and offline: %v", s.Err())
	}
}

func TestTypedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{ErrPaperOut, "Printer: out of paper"},
		{ErrCoverOpen, "Printer: cover open"},
		{ErrOffline, "Printer: offline"},
		{ErrUnreachable, "Printer not answering"},
	}
	for _, tt := range tests {
		wrapped := errors.Join(errors.New("context"), tt.err)
		if pos.ErrorCode(wrapped) != pos.EUnavailable || pos.ErrorMessage(wrapped) != tt.want || !errors.Is(wrapped, tt.err) {
			t.Errorf("%v: code %q message %q", tt.err, pos.ErrorCode(wrapped), pos.ErrorMessage(wrapped))
		}
	}
}

func TestParseStatusLength(t *testing.T) {
	t.Parallel()
	if _, err := ParseStatus(statusKinds, []byte{0x12}); !errors.Is(err, ErrNotStatus) {
		t.Errorf("short reply: %v", err)
	}
	s, err := ParseStatus(statusKinds, []byte{0x1E, 0x16, 0x72})
	if err != nil || !s.DrawerOpen || !s.Offline || !s.CoverOpen || !s.PaperOut {
		t.Errorf("got %+v, %v", s, err)
	}
}

func FuzzParseStatus(f *testing.F) {
	f.Add([]byte{1, 2, 4}, []byte{0x12, 0x12, 0x12})
	f.Add([]byte{1, 2, 4}, []byte{0x1E, 0x76, 0x7E})
	f.Add([]byte{3}, []byte{0xFF})
	f.Add([]byte{}, []byte{})
	f.Fuzz(func(t *testing.T, kinds, replies []byte) {
		ks := make([]StatusKind, len(kinds))
		for i, k := range kinds {
			ks[i] = StatusKind(k)
		}
		s, err := ParseStatus(ks, replies)
		if err != nil {
			if !errors.Is(err, ErrNotStatus) {
				t.Fatalf("error %v is not ErrNotStatus", err)
			}
			if s != (Status{}) {
				t.Fatalf("status %+v returned with error", s)
			}
			return
		}
		if len(ks) != len(replies) {
			t.Fatal("accepted a reply of the wrong length")
		}
		for _, b := range replies {
			if b&0x93 != 0x12 {
				t.Fatalf("accepted %#02x", b)
			}
		}
		if e := s.Err(); e != nil && pos.ErrorCode(e) != pos.EUnavailable {
			t.Fatalf("Err() %v has code %q", e, pos.ErrorCode(e))
		}
		_ = s.String()
	})
}
