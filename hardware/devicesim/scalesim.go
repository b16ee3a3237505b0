package devicesim

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// Toledo 8217 status byte bits, sent after STX '?' when there is no stable
// weight. Bits 5 and 6 are always set so the byte is printable ASCII.
const (
	ScaleStatusMotion    = 0x01
	ScaleStatusOverload  = 0x02
	ScaleStatusUnderZero = 0x04
	scaleStatusAlways    = 0x60
)

// ScaleState is the simulated scale's platter.
type ScaleState struct {
	Grams     int64 // the weight on the platter, thousandths of a kg
	Motion    bool  // the weight is still settling
	UnderZero bool  // below zero (platter lifted, not tared)
	Overload  bool  // above capacity
}

// Status is the 8217 status byte for s, and false when s has a stable weight.
func (s ScaleState) Status() (byte, bool) {
	b := byte(scaleStatusAlways)
	if s.Motion {
		b |= ScaleStatusMotion
	}
	if s.Overload {
		b |= ScaleStatusOverload
	}
	if s.UnderZero {
		b |= ScaleStatusUnderZero
	}
	return b, b != scaleStatusAlways
}

func (s ScaleState) String() string {
	w := fmt.Sprintf("%d.%03d kg", s.Grams/1000, s.Grams%1000)
	switch {
	case s.Overload:
		return w + ", overload"
	case s.UnderZero:
		return w + ", under zero"
	case s.Motion:
		return w + ", in motion"
	}
	return w + ", stable"
}

// ScaleSim is a Mettler Toledo 8217-protocol scale on a pseudo-terminal
// (9600 7E1 on the real wire; a pty has no line settings to check). To
// each W it answers STX, the weight in kg as "00.000", CR; or STX '?', the
// status byte, CR when the weight is not stable. Other bytes are ignored.
type ScaleSim struct {
	*serialPty

	mu       sync.Mutex
	state    ScaleState
	requests int
	// Silent makes the scale ignore requests (switched off, wrong baud).
	silent bool
}

// NewScaleSim plugs in a scale on a new pty (at link if not "").
func NewScaleSim(link string) (*ScaleSim, error) {
	p, err := newSerialPty("scale", link)
	if err != nil {
		return nil, err
	}
	return &ScaleSim{serialPty: p}, nil
}

// Answer is the scale's reply to W in state s.
func (s ScaleState) Answer() []byte {
	if b, bad := s.Status(); bad {
		return []byte{0x02, '?', b, 0x0D}
	}
	return []byte(fmt.Sprintf("\x02%02d.%03d\r", s.Grams/1000, s.Grams%1000))
}

// Run answers requests until ctx ends or Close.
func (s *ScaleSim) Run(ctx context.Context) error {
	return s.serve(ctx, func(b []byte) {
		for _, c := range b {
			if c != 'W' {
				continue
			}
			s.mu.Lock()
			s.requests++
			st, silent := s.state, s.silent
			s.mu.Unlock()
			if !silent {
				_ = s.write(st.Answer())
			}
		}
	})
}

// State returns the platter state.
func (s *ScaleSim) State() ScaleState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Requests counts the W requests received.
func (s *ScaleSim) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func (s *ScaleSim) update(f func(*ScaleState)) {
	s.mu.Lock()
	f(&s.state)
	s.mu.Unlock()
}

// SetWeight puts grams (thousandths of a kg) on the platter, stable.
func (s *ScaleSim) SetWeight(grams int64) {
	s.update(func(st *ScaleState) { *st = ScaleState{Grams: grams} })
}

// SetMotion makes the weight settle (true) or stable (false).
func (s *ScaleSim) SetMotion(on bool) { s.update(func(st *ScaleState) { st.Motion = on }) }

// SetUnderZero sets the under-zero state.
func (s *ScaleSim) SetUnderZero(on bool) { s.update(func(st *ScaleState) { st.UnderZero = on }) }

// SetOverload sets the over-capacity state.
func (s *ScaleSim) SetOverload(on bool) { s.update(func(st *ScaleState) { st.Overload = on }) }

// SetSilent makes the scale stop (true) or resume (false) answering.
func (s *ScaleSim) SetSilent(on bool) {
	s.mu.Lock()
	s.silent = on
	s.mu.Unlock()
}

// ParseKg reads a weight like "1.234" or "0,5" (kg) as grams.
func ParseKg(s string) (int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return 0, fmt.Errorf("weight %q: want kg like 1.234", s)
	}
	if whole == "" {
		whole = "0"
	}
	if len(frac) > 3 {
		return 0, fmt.Errorf("weight %q: at most 3 decimals (grams)", s)
	}
	w, err := strconv.ParseUint(whole, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("weight %q: want kg like 1.234", s)
	}
	f := int64(0)
	if frac != "" {
		v, err := strconv.ParseUint(frac, 10, 16)
		if err != nil {
			return 0, fmt.Errorf("weight %q: want kg like 1.234", s)
		}
		f = int64(v)
		for i := len(frac); i < 3; i++ {
			f *= 10
		}
	}
	if w > 99 {
		return 0, fmt.Errorf("weight %q: the scale shows at most 99.999 kg", s)
	}
	return int64(w)*1000 + f, nil
}
