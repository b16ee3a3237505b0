// Package scale drives checkout scales that speak the Mettler Toledo 8217
// protocol (serial 9600 7E1): the register sends W, the scale answers STX,
// the weight in kg with a decimal point, CR; or STX '?', a status byte, CR
// while the weight is in motion, under zero or over capacity. Only a
// stable weight is ever returned; the other states are typed errors whose
// message tells the cashier what to do.
package scale

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/hardware/serialport"
)

// Errors Weight returns; compare with errors.Is. Their messages are for the
// cashier (pos.ErrorMessage).
var (
	ErrMotion    = pos.Errorf(pos.EUnavailable, "Scale: weight not stable. Wait a moment and weigh again.")
	ErrUnderZero = pos.Errorf(pos.EUnavailable, "Scale: below zero. Empty the scale and zero it.")
	ErrOverload  = pos.Errorf(pos.EUnavailable, "Scale: over capacity. Take the goods off the scale.")
	ErrNoAnswer  = pos.Errorf(pos.EUnavailable, "Scale not answering: check its cable and power.")
	ErrBadAnswer = pos.Errorf(pos.EUnavailable, "Scale: unreadable answer. Weigh again.")
)

// Status byte bits of an 8217 '?' answer.
const (
	statusMotion    = 0x01
	statusOverload  = 0x02
	statusUnderZero = 0x04
)

const (
	stx = 0x02
	cr  = 0x0D
)

// ParseAnswer reads one answer (STX ... CR) as thousandths of a kg.
func ParseAnswer(b []byte) (pos.Qty, error) {
	if len(b) < 3 || b[0] != stx || b[len(b)-1] != cr {
		return 0, fmt.Errorf("%w (% x)", ErrBadAnswer, b)
	}
	body := b[1 : len(b)-1]
	if body[0] == '?' {
		if len(body) != 2 {
			return 0, fmt.Errorf("%w (% x)", ErrBadAnswer, b)
		}
		switch s := body[1]; {
		case s&statusOverload != 0:
			return 0, ErrOverload
		case s&statusUnderZero != 0:
			return 0, ErrUnderZero
		case s&statusMotion != 0:
			return 0, ErrMotion
		default:
			return 0, fmt.Errorf("%w (status %#02x)", ErrBadAnswer, s)
		}
	}
	// Digits with one decimal point, leading spaces allowed: "01.234".
	var v int64
	dec, digits := -1, 0
	for i, c := range body {
		switch {
		case c == ' ' && digits == 0 && dec < 0:
		case c == '.' && dec < 0:
			dec = 0
		case c >= '0' && c <= '9' && digits < 9:
			v = v*10 + int64(c-'0')
			digits++
			if dec >= 0 {
				dec++
			}
		default:
			return 0, fmt.Errorf("%w (byte %d of % x)", ErrBadAnswer, i+1, b)
		}
	}
	if digits == 0 || dec < 0 {
		return 0, fmt.Errorf("%w (% x)", ErrBadAnswer, b)
	}
	for ; dec < 3; dec++ {
		v *= 10
	}
	for ; dec > 3; dec-- {
		v = (v + 5) / 10
	}
	return pos.Qty(v), nil
}

// Toledo is an 8217-protocol scale on a serial port. Weight opens the port
// on first use and again after a failure, so a replugged scale comes back
// by itself. Safe for concurrent use; requests are serialised.
type Toledo struct {
	path string
	mode serialport.Mode
	// Timeout bounds the wait for an answer (default 1 s, a real scale
	// answers within about 100 ms). Set before use.
	Timeout time.Duration

	mu   sync.Mutex
	port *serialport.Port
}

// New returns a scale at path; mode zero is 9600 7E1. Nothing is opened
// until Weight.
func New(path string, mode serialport.Mode) *Toledo {
	if mode == (serialport.Mode{}) {
		mode = serialport.Mode7E1
	}
	return &Toledo{path: path, mode: mode, Timeout: time.Second}
}

// Weight asks for the weight and returns it when it is stable. It
// implements register.Scale.
func (s *Toledo) Weight(ctx context.Context) (pos.Qty, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.port == nil {
		p, err := serialport.Open(s.path, s.mode)
		if err != nil {
			return 0, fmt.Errorf("%w: %w", ErrNoAnswer, err)
		}
		s.port = p
	}
	w, err := s.ask(ctx)
	if err != nil && !errors.Is(err, ErrMotion) && !errors.Is(err, ErrUnderZero) && !errors.Is(err, ErrOverload) {
		// The line may be out of step or gone: start afresh next time.
		s.port.Close()
		s.port = nil
	}
	return w, err
}

func (s *Toledo) ask(ctx context.Context) (pos.Qty, error) {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = time.Second
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = s.port.ResetInput() // a late answer to an earlier request
	if _, err := s.port.Write([]byte{'W'}); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrNoAnswer, err)
	}
	var ans []byte
	buf := make([]byte, 16)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return 0, ErrNoAnswer
		}
		if err := s.port.SetReadTimeout(left); err != nil {
			return 0, fmt.Errorf("%w: %w", ErrNoAnswer, err)
		}
		n, err := s.port.Read(buf)
		for _, c := range buf[:n] {
			if len(ans) == 0 && c != stx {
				continue // noise before the answer
			}
			ans = append(ans, c)
			if c == cr {
				return ParseAnswer(ans)
			}
			if len(ans) > 16 {
				return 0, fmt.Errorf("%w (% x)", ErrBadAnswer, ans)
			}
		}
		if err != nil {
			if errors.Is(err, serialport.ErrTimeout) {
				return 0, ErrNoAnswer
			}
			return 0, fmt.Errorf("%w: %w", ErrNoAnswer, err)
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
	}
}

// Close closes the port.
func (s *Toledo) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.port == nil {
		return nil
	}
	err := s.port.Close()
	s.port = nil
	return err
}
