package scanner

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/tillpos/till/hardware/serialport"
)

// State is what the UI shows about a scanner.
type State string

const (
	StateConnected    State = "connected"
	StateDisconnected State = "disconnected"
)

// Serial is a barcode scanner on a serial port (or a USB scanner in CDC-ACM
// mode). Run owns the port: it opens Path, hands each code to OnCode,
// and when the port fails or vanishes it reopens Path every Poll until it
// is back. Set the fields before Run.
type Serial struct {
	Path   string
	Mode   serialport.Mode // zero: 9600 8N1
	Suffix Suffix          // zero: CR
	MaxLen int             // zero: DefaultMaxLen
	Poll   time.Duration   // zero: one second
	Log    *slog.Logger

	// OnCode receives each code, on Run's goroutine; it must not block long.
	OnCode func(code string)
	// OnError receives dropped lines (ErrGarbage, ErrTooLong); may be nil.
	OnError func(error)
	// OnState reports connection changes with the cause of a disconnect;
	// may be nil.
	OnState func(State, error)
}

// Run reads codes until ctx ends; it returns nil then.
func (s *Serial) Run(ctx context.Context) error {
	mode := s.Mode
	if mode == (serialport.Mode{}) {
		mode = serialport.Mode8N1
	}
	poll := s.Poll
	if poll <= 0 {
		poll = time.Second
	}
	log := s.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	lines := Lines{Suffix: s.Suffix, MaxLen: s.MaxLen}
	var lastErr error
	for ctx.Err() == nil {
		p, err := serialport.Open(s.Path, mode)
		if err != nil {
			if lastErr == nil || lastErr.Error() != err.Error() {
				log.Warn("scanner: cannot open", "path", s.Path, "err", err)
				s.state(StateDisconnected, err)
			}
			lastErr = err
			select {
			case <-ctx.Done():
			case <-time.After(poll):
			}
			continue
		}
		lastErr = nil
		log.Info("scanner: connected", "path", s.Path)
		s.state(StateConnected, nil)
		err = s.read(ctx, p, &lines)
		p.Close()
		lines.Reset()
		if ctx.Err() != nil {
			break
		}
		log.Warn("scanner: disconnected", "path", s.Path, "err", err)
		s.state(StateDisconnected, err)
		lastErr = err
	}
	return nil
}

func (s *Serial) read(ctx context.Context, p *serialport.Port, lines *Lines) error {
	stop := context.AfterFunc(ctx, func() { p.Close() })
	defer stop()
	buf := make([]byte, 256)
	for {
		n, err := p.Read(buf)
		if n > 0 {
			codes, errs := lines.Feed(buf[:n])
			for _, e := range errs {
				if s.Log != nil {
					s.Log.Warn("scanner: input dropped", "err", e)
				}
				if s.OnError != nil {
					s.OnError(e)
				}
			}
			for _, c := range codes {
				if s.OnCode != nil {
					s.OnCode(c)
				}
			}
		}
		if err != nil && !errors.Is(err, serialport.ErrTimeout) {
			return err
		}
	}
}

func (s *Serial) state(st State, err error) {
	if s.OnState != nil {
		s.OnState(st, err)
	}
}
