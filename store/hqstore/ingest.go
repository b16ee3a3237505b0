package hqstore

import (
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

// checkNext decides whether e may be stored after (lastSeq, lastHash) of
// registerID at time now, and for a sale returns its figures. It is the
// backend-neutral half of IngestBatch: a backend looks up duplicates and the
// chain end, calls checkNext, and writes.
//
// Every payload must be canonical JSON (pos.DecodeCanonical): the bytes are
// stored and hashed, the decoded value is counted, and canonical JSON is the
// only kind every reader decodes to the same value. Sales, voids and returns
// must also lie within pos's bounds, so no sum over them can overflow.
func checkNext(registerID string, lastSeq int64, lastHash string, e pos.Entry, now time.Time) (*saleFigures, string) {
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
	if err := pos.CheckTime(e.CreatedAt, now); err != nil {
		return nil, "created_at: " + err.Error()
	}
	if e.Kind == pos.EntryStock {
		// Stock records have one encoding (pos.DecodeStockRecord) and are
		// projected into on-hand: refuse any the projection could not read.
		r, err := pos.DecodeStockRecord(e.Payload)
		if err != nil {
			return nil, "stock payload: " + err.Error()
		}
		if r.RegisterID != "" && r.RegisterID != registerID {
			return nil, fmt.Sprintf("stock record names register %q, not %q", r.RegisterID, registerID)
		}
		return nil, ""
	}
	if !carriesSaleRecord(e.Kind) {
		if len(e.Payload) > 0 {
			if err := pos.CheckCanonicalJSON(e.Payload); err != nil {
				return nil, err.Error()
			}
		}
		return nil, ""
	}
	var r pos.SaleRecord
	if err := pos.DecodeCanonical(e.Payload, &r); err != nil {
		return nil, string(e.Kind) + " payload is not a sale record: " + err.Error()
	}
	if r.RegisterID != "" && r.RegisterID != registerID {
		return nil, fmt.Sprintf("sale record names register %q, not %q", r.RegisterID, registerID)
	}
	if r.Completed.IsZero() {
		r.Completed = e.CreatedAt
	}
	if err := r.Check(now); err != nil {
		return nil, string(e.Kind) + " record out of bounds: " + err.Error()
	}
	if e.Kind != pos.EntrySale {
		return nil, ""
	}
	return &saleFigures{SaleID: r.SaleID, StoreID: r.StoreID, ReceiptNo: r.ReceiptNo, Currency: r.Currency,
		TotalGross: r.Totals.Gross, CompletedAt: r.Completed.UTC()}, ""
}

// carriesSaleRecord says which entry kinds hold a pos.SaleRecord.
func carriesSaleRecord(k pos.EntryKind) bool {
	return k == pos.EntrySale || k == pos.EntryVoid || k == pos.EntryReturn
}

// judge decides what becomes of e, the next entry of a batch for registerID
// whose stored chain ends at (lastSeq, lastHash), received at now: rejected, a duplicate, or
// Stored, meaning the backend must now write it (and sale, for a sale).
// broken says an earlier entry of the batch was rejected; stored looks up
// the hash of an entry of this register already stored under an id (ids are
// unique per register, so no register can squat another's). This is the whole of
// IngestBatch's decision; the backends differ only in how they look up and
// write.
func judge(registerID string, e pos.Entry, lastSeq int64, lastHash string, broken bool, now time.Time,
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
	sale, reason := checkNext(registerID, lastSeq, lastHash, e, now)
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
