package hqstore

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/tillpos/till/app/pos"
)

// Reasons shared by every backend so clients see the same words.
const (
	ReasonOutOfSequence = "out of sequence: an earlier entry of this batch was rejected"
)

// saleFigures are the columns drawn from a "sale" payload.
type saleFigures struct {
	SaleID, StoreID, ReceiptNo, Currency string
	TotalGross                           int64
	CompletedAt                          time.Time
}

// saleRecordFigures is the part of pos.SaleRecord the head office keeps in
// columns. Decoding only these fields instead of the whole record (lines,
// tenders, taxes) halves the CPU cost of ingest; the JSON names must match
// pos.SaleRecord's, which the conformance suite checks value by value.
type saleRecordFigures struct {
	SaleID     string    `json:"sale_id"`
	ReceiptNo  string    `json:"receipt_no"`
	RegisterID string    `json:"register_id"`
	StoreID    string    `json:"store_id"`
	Currency   string    `json:"currency"`
	Completed  time.Time `json:"completed_at"`
	Totals     struct {
		Gross int64 `json:"gross"`
	} `json:"totals"`
}

// checkNext decides whether e may be stored after (lastSeq, lastHash) of
// registerID, and for a sale returns its figures. It is the backend-neutral
// half of IngestBatch: a backend looks up duplicates and the chain end, calls
// checkNext, and writes.
func checkNext(registerID string, lastSeq int64, lastHash string, e pos.Entry) (*saleFigures, string) {
	if r := registerMismatch(registerID, e); r != "" {
		return nil, r
	}
	if e.Seq <= lastSeq {
		return nil, "seq " + strconv.FormatInt(e.Seq, 10) + " is already stored with a different id"
	}
	if e.Seq > lastSeq+1 {
		return nil, fmt.Sprintf("gap: expected seq %d, got %d; send the missing entries first", lastSeq+1, e.Seq)
	}
	if err := pos.NewChainVerifier(lastSeq, lastHash).Next(e); err != nil {
		return nil, err.Error()
	}
	if e.Kind != pos.EntrySale {
		return nil, ""
	}
	var r saleRecordFigures
	if err := json.Unmarshal(e.Payload, &r); err != nil {
		return nil, "sale payload is not a sale record: " + err.Error()
	}
	if r.RegisterID != "" && r.RegisterID != registerID {
		return nil, fmt.Sprintf("sale record names register %q, not %q", r.RegisterID, registerID)
	}
	completed := r.Completed
	if completed.IsZero() {
		completed = e.CreatedAt
	}
	return &saleFigures{SaleID: r.SaleID, StoreID: r.StoreID, ReceiptNo: r.ReceiptNo, Currency: r.Currency,
		TotalGross: r.Totals.Gross, CompletedAt: completed.UTC()}, ""
}

// judge decides what becomes of e, the next entry of a batch for registerID
// whose stored chain ends at (lastSeq, lastHash): rejected, a duplicate, or
// Stored, meaning the backend must now write it (and sale, for a sale).
// broken says an earlier entry of the batch was rejected; stored looks up
// the hash of an entry already stored under an id. This is the whole of
// IngestBatch's decision; the backends differ only in how they look up and
// write.
func judge(registerID string, e pos.Entry, lastSeq int64, lastHash string, broken bool,
	stored func(id string) (hash string, ok bool, err error)) (Outcome, *saleFigures, error) {
	out := Outcome{ID: e.ID, Seq: e.Seq}
	reject := func(reason string) (Outcome, *saleFigures, error) {
		out.Status, out.Reason = Rejected, reason
		return out, nil, nil
	}
	if r := registerMismatch(registerID, e); r != "" {
		return reject(r)
	}
	hash, ok, err := stored(e.ID)
	if err != nil {
		return Outcome{}, nil, err
	}
	if ok {
		if hash != e.Hash {
			return reject(reasonIDReused)
		}
		out.Status = Duplicate
		return out, nil, nil
	}
	if broken {
		return reject(ReasonOutOfSequence)
	}
	sale, reason := checkNext(registerID, lastSeq, lastHash, e)
	if reason != "" {
		return reject(reason)
	}
	out.Status = Stored
	return out, sale, nil
}

// registerMismatch explains why e may not be stored for registerID (the one in
// the URL, later the authenticated one), or returns "".
func registerMismatch(registerID string, e pos.Entry) string {
	if e.RegisterID != registerID {
		return fmt.Sprintf("entry belongs to register %q, not %q", e.RegisterID, registerID)
	}
	return ""
}

const reasonIDReused = "id is already stored with different content"
