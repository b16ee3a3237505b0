package pos

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// StockKey is one product in one store.
type StockKey struct {
	Store   string
	Product string
}

// MovementBefore is the one order of movements every projection uses:
// corrected time (At on the head office's clock), then register, then the
// register's journal seq, then the line, then the id. It depends only on
// the movements, never on when or in which batch they arrived, so every
// rebuild and every replica agrees.
func MovementBefore(a, b Movement) bool {
	if ta, tb := a.Corrected(), b.Corrected(); !ta.Equal(tb) {
		return ta.Before(tb)
	}
	return compareTies(a, b) < 0
}

// compareTies orders movements of the same corrected time.
func compareTies(a, b Movement) int {
	switch {
	case a.Register != b.Register:
		return strings.Compare(a.Register, b.Register)
	case a.Seq != b.Seq:
		return cmp.Compare(a.Seq, b.Seq)
	case a.Line != b.Line:
		return cmp.Compare(a.Line, b.Line)
	}
	return strings.Compare(a.ID, b.ID)
}

// Position is the stock of one product in one store.
type Position struct {
	Qty Qty // on hand, thousandths; may be negative (flagged, never blocking)
	// Counted says a count anchors Qty: CountQty were on the shelf at
	// CountedAt (head-office time) and Qty is that plus every movement
	// ordered after it.
	Counted   bool
	CountedAt time.Time
	CountQty  Qty
	// Since is how many movements after the count (or all of them, with no
	// count) make up Qty.
	Since    int
	Negative bool // Qty < 0: the owner is told, the sale went through
}

// OnHand is the stock of the movements' product in their store: the level
// of the latest count (by MovementBefore) plus the changes ordered after
// it, or the sum of all changes when nothing was counted. Movements with
// the same ID count once (a batch delivered twice); the result does not
// depend on the order of moves. The caller passes one store and product
// (OnHandAll groups); moves is not modified.
func OnHand(moves []Movement) Position {
	ms := dedupSorted(moves)
	var p Position
	start := 0
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Kind == MoveCount {
			p.Counted, p.CountedAt, p.CountQty, p.Qty = true, ms[i].Corrected(), ms[i].Qty, ms[i].Qty
			start = i + 1
			break
		}
	}
	for _, m := range ms[start:] {
		p.Qty += m.Qty
		p.Since++
	}
	p.Negative = p.Qty < 0
	return p
}

// OnHandAll groups movements by store and product and returns each one's
// Position.
func OnHandAll(moves []Movement) map[StockKey]Position {
	by := map[StockKey][]Movement{}
	for _, m := range moves {
		k := StockKey{m.Store, m.Product}
		by[k] = append(by[k], m)
	}
	out := make(map[StockKey]Position, len(by))
	for k, ms := range by {
		out[k] = OnHand(ms)
	}
	return out
}

// TransferKey is one product of one transfer.
type TransferKey struct {
	Ref     string // transfer id
	Product string
}

// InTransit is what each transfer sent and has not (yet) been received:
// sent minus received per transfer and product. A positive figure is in
// transit or short on arrival; a negative one arrived over. Duplicates
// count once. With no counts, stock in all stores plus in transit changes
// only by sales, returns, receipts and adjustments: transfers conserve it.
func InTransit(moves []Movement) map[TransferKey]Qty {
	out := map[TransferKey]Qty{}
	for _, m := range dedupSorted(moves) {
		if m.Kind == MoveTransferOut || m.Kind == MoveTransferIn {
			out[TransferKey{m.Ref, m.Product}] -= m.Qty
		}
	}
	for k, q := range out {
		if q == 0 {
			delete(out, k)
		}
	}
	return out
}

// dedupSorted returns the movements with duplicate IDs removed, in
// MovementBefore order. Corrected times are computed once: the comparison
// is the hot part of every rebuild.
func dedupSorted(moves []Movement) []Movement {
	type keyed struct {
		t int64 // corrected time, Unix ns
		m *Movement
	}
	ks := make([]keyed, len(moves))
	for i := range moves {
		ks[i] = keyed{moves[i].Corrected().UnixNano(), &moves[i]}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if a.t != b.t {
			return cmp.Compare(a.t, b.t)
		}
		return compareTies(*a.m, *b.m)
	})
	seen := make(map[string]bool, len(ks))
	out := make([]Movement, 0, len(ks))
	for _, k := range ks {
		if !seen[k.m.ID] {
			seen[k.m.ID] = true
			out = append(out, *k.m)
		}
	}
	return out
}

// StockFigure is the on-hand the head office last sent a register for one
// product: its Position when it had ingested this register's journal up to
// Through (seq).
type StockFigure struct {
	StockKey
	Qty     Qty
	AsOf    time.Time // head-office time of the figure
	Through int64     // this register's last seq the figure includes
}

// LocalStock is what a register shows for a product: the synced figure
// plus its own movements since, marked as an estimate while any are
// pending.
type LocalStock struct {
	Qty      Qty
	Synced   Qty       // the head office's figure it starts from
	SyncedAt time.Time // when the head office computed it
	Pending  int       // own movements since the figure, not yet in it
	// Estimated is set when Pending > 0: the screen says "synced figure +
	// this register's movements since", not a head-office number.
	Estimated bool
	Negative  bool
}

// LocalOnHand is the register's view: fig plus this register's own
// movements of that product with seq after fig.Through. An own count
// among them replaces everything before it, as at the head office. Other
// registers' movements since the figure are unknown here until the next
// sync; that is why the figure is marked.
func LocalOnHand(fig StockFigure, own []Movement) LocalStock {
	var since []Movement
	for _, m := range own {
		if m.Store == fig.Store && m.Product == fig.Product && m.Seq > fig.Through {
			since = append(since, m)
		}
	}
	p := OnHand(since)
	ls := LocalStock{Synced: fig.Qty, SyncedAt: fig.AsOf, Pending: p.Since}
	if p.Counted {
		ls.Pending++ // the count itself is pending too
		ls.Qty = p.Qty
	} else {
		ls.Qty = fig.Qty + p.Qty
	}
	ls.Estimated = ls.Pending > 0
	ls.Negative = ls.Qty < 0
	return ls
}
