package pos

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// EntryStock is the journal kind of a StockRecord: goods received, an
// adjustment, a count or a transfer, made at a register (or in the head
// office's own ledger). Sales, returns and voids stay EntrySale,
// EntryReturn and EntryVoid; their stock movements are derived from their
// lines (SaleMovements).
const EntryStock EntryKind = "stock"

// StockRecordVersion is the payload format of a StockRecord.
const StockRecordVersion = 1

// StockRecord is the payload of an EntryStock entry: one act of a manager
// (one delivery received, one adjustment, the counted lines of a count, one
// transfer sent or received), each line a movement of one product.
type StockRecord struct {
	V          int          `json:"v"`
	Kind       MovementKind `json:"kind"` // receipt, adjustment, count, transfer_out, transfer_in
	StoreID    string       `json:"store_id"`
	RegisterID string       `json:"register_id,omitempty"`
	// EmployeeID says who did it: an id, never a name (personal data stays
	// out of the hash chain).
	EmployeeID string `json:"employee_id,omitempty"`
	// Ref is the purchase order (receipt), the transfer id (transfer) or
	// the count session (count).
	Ref string `json:"ref,omitempty"`
	// OtherStore is where a transfer goes to (out) or came from (in).
	OtherStore string       `json:"other_store,omitempty"`
	Reason     AdjustReason `json:"reason,omitempty"`
	Note       string       `json:"note,omitempty"`
	At         time.Time    `json:"at"` // register clock, UTC, whole ms
	// ClockOffsetMS is the register's clock minus the head office's, as its
	// last heartbeat measured it; nil when it has not been measured since
	// start (the head office then takes it from its heartbeat log).
	ClockOffsetMS *int64      `json:"clock_offset_ms,omitempty"`
	Lines         []StockLine `json:"lines"`
}

// StockLine is one product of a StockRecord. Qty is signed as in Movement.
type StockLine struct {
	ProductID string `json:"product_id"`
	SKU       string `json:"sku,omitempty"`
	Qty       Qty    `json:"qty"`
	// Expected is what the purchase order or transfer said would arrive
	// (receipt, transfer in); Qty - Expected is short (<0) or over (>0).
	Expected Qty    `json:"expected,omitempty"`
	Lot      string `json:"lot,omitempty"`
	Expiry   string `json:"expiry,omitempty"` // ISO date
	// At is when this product was counted (count lines), if not the
	// record's time: a count observes the shelf when it is scanned.
	At time.Time `json:"at,omitzero"`
}

// Validate checks the record as a whole and every line as a movement.
func (r StockRecord) Validate() error {
	if r.V != StockRecordVersion {
		return Errorf(EInvalid, "Unknown stock record version %d.", r.V)
	}
	switch r.Kind {
	case MoveReceipt, MoveAdjustment, MoveCount, MoveTransferOut, MoveTransferIn:
	default:
		return Errorf(EInvalid, "A stock record is a receipt, adjustment, count or transfer, not %q.", stockTruncate(string(r.Kind), 20))
	}
	if len(r.Lines) == 0 || len(r.Lines) > MaxStockLines {
		return Errorf(EInvalid, "A stock record has 1 to %d lines.", MaxStockLines)
	}
	if len(r.EmployeeID) > MaxStockIDLen || len(r.OtherStore) > MaxStockIDLen || len(r.RegisterID) > MaxStockIDLen {
		return Errorf(EInvalid, "An id is longer than %d characters.", MaxStockIDLen)
	}
	if len(r.Note) > MaxStockNoteLen {
		return Errorf(EInvalid, "The note is longer than %d characters.", MaxStockNoteLen)
	}
	if (r.Kind == MoveTransferOut || r.Kind == MoveTransferIn) && (r.OtherStore == "" || r.OtherStore == r.StoreID) {
		return Errorf(EInvalid, "A transfer needs the other store, and it is not this one.")
	}
	if !r.At.Equal(r.At.Truncate(time.Millisecond)) || r.At.Location() != time.UTC {
		return Errorf(EInvalid, "A stock record's time is UTC in whole milliseconds.")
	}
	if r.ClockOffsetMS != nil && (*r.ClockOffsetMS > MaxClockOffset.Milliseconds() || *r.ClockOffsetMS < -MaxClockOffset.Milliseconds()) {
		return Errorf(EInvalid, "The register's clock is off by more than a week; fix the clock first.")
	}
	seen := make(map[string]bool, len(r.Lines))
	for i, l := range r.Lines {
		if !l.At.IsZero() && (r.Kind != MoveCount || !l.At.Equal(l.At.Truncate(time.Millisecond)) || l.At.Location() != time.UTC) {
			return errStockLine(i, Errorf(EInvalid, "Only a count line has its own time, in UTC whole milliseconds."))
		}
		if l.Expected < 0 || l.Expected > MaxQty || (l.Expected != 0 && r.Kind != MoveReceipt && r.Kind != MoveTransferIn) {
			return errStockLine(i, Errorf(EInvalid, "An expected quantity belongs to a receipt or transfer in, and is not negative."))
		}
		// A count observes each product (and lot) once; two lines would
		// make the observation ambiguous.
		if k := l.ProductID + "\x00" + l.Lot; r.Kind == MoveCount {
			if seen[k] {
				return errStockLine(i, Errorf(EInvalid, "Product %s is counted twice in one count.", stockTruncate(l.ProductID, 20)))
			}
			seen[k] = true
		}
		if err := r.movement(Entry{ID: "x", RegisterID: r.RegisterID}, i, 0).Validate(); err != nil {
			return errStockLine(i, err)
		}
	}
	return nil
}

// movement is line i of the record as a movement of entry e.
func (r StockRecord) movement(e Entry, i int, fallbackOffset time.Duration) Movement {
	l := r.Lines[i]
	at := r.At
	if !l.At.IsZero() {
		at = l.At
	}
	off := fallbackOffset
	if r.ClockOffsetMS != nil {
		off = time.Duration(*r.ClockOffsetMS) * time.Millisecond
	}
	return Movement{ID: e.ID + "/" + strconv.Itoa(i), Kind: r.Kind, Store: r.StoreID, Product: l.ProductID,
		Qty: l.Qty, Lot: l.Lot, Expiry: l.Expiry, Ref: r.Ref, Reason: r.Reason, At: at,
		Register: e.RegisterID, Seq: e.Seq, Line: i, ClockOffset: off}
}

// Movements returns the record's lines as movements of entry e. The
// record's own clock offset wins; fallbackOffset (the head office's
// heartbeat log for e's register) is used when the register had none.
func (r StockRecord) Movements(e Entry, fallbackOffset time.Duration) []Movement {
	out := make([]Movement, len(r.Lines))
	for i := range r.Lines {
		out[i] = r.movement(e, i, fallbackOffset)
	}
	return out
}

// EncodeStockRecord validates r and returns its canonical bytes: the JSON
// of the struct in field order, UTC times, no extra space. The journal
// stores and hashes exactly these bytes.
func EncodeStockRecord(r StockRecord) ([]byte, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, Errorf(EInternal, "encoding a stock record: %v", err)
	}
	if len(b) > MaxStockRecordSz {
		return nil, Errorf(EInvalid, "The stock record is larger than %d KiB; split it.", MaxStockRecordSz>>10)
	}
	return b, nil
}

// DecodeStockRecord reads a payload strictly: bounded in size, one JSON
// object with no unknown or repeated fields, valid, and in canonical form
// (re-encoding gives the same bytes), so one record has one encoding and a
// hash over it means one thing.
func DecodeStockRecord(b []byte) (StockRecord, error) {
	var r StockRecord
	if len(b) > MaxStockRecordSz {
		return r, Errorf(EInvalid, "The stock record is larger than %d KiB.", MaxStockRecordSz>>10)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return StockRecord{}, Errorf(EInvalid, "The stock record is not readable: %v", err)
	}
	if dec.More() {
		return StockRecord{}, Errorf(EInvalid, "The stock record has data after its end.")
	}
	canon, err := EncodeStockRecord(r)
	if err != nil {
		return StockRecord{}, err
	}
	if !bytes.Equal(canon, b) {
		return StockRecord{}, Errorf(EInvalid, "The stock record is not in canonical form.")
	}
	return r, nil
}

// SaleMovements derives the stock movements of a sale, return or void
// entry from its record's lines: a sold line takes stock (-Qty), a return
// line puts it back only when marked restock, a void reverses the sale it
// cancels. Lines without a product (an open-price item) move no stock.
// offset is the register's clock offset from the head office's heartbeat
// log; store is the record's store when it names none.
func SaleMovements(e Entry, rec SaleRecord, store string, offset time.Duration) []Movement {
	if rec.StoreID != "" {
		store = rec.StoreID
	}
	var out []Movement
	for i, l := range rec.Lines {
		if l.ProductID == "" || l.Qty == 0 {
			continue
		}
		kind := MoveSale
		switch {
		case e.Kind == EntryVoid:
			// The void's lines are the sale's, negated: undo what the sale
			// did to stock, which for a non-restock return line was nothing.
			if l.Qty > 0 && !l.Restock {
				continue
			}
		case e.Kind != EntrySale && e.Kind != EntryReturn:
			return nil
		case l.Qty < 0 && !l.Restock:
			continue // returned but not back on the shelf (damaged, disposed)
		case l.Qty < 0:
			kind = MoveReturn
		}
		out = append(out, Movement{ID: e.ID + "/" + strconv.Itoa(i), Kind: kind, Store: store, Product: l.ProductID,
			Qty: -l.Qty, Lot: l.Lot, Expiry: l.Expiry, Ref: rec.SaleID, At: rec.Completed, Register: e.RegisterID,
			Seq: e.Seq, Line: i, ClockOffset: offset})
	}
	return out
}
