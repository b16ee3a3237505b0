package pos

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"
)

// EntryKind names what a journal entry records.
type EntryKind string

const (
	EntrySale       EntryKind = "sale"
	EntryVoid       EntryKind = "void"   // compensates a completed sale
	EntryReturn     EntryKind = "return" // goods back, money out
	EntryShiftOpen  EntryKind = "shift_open"
	EntryCashMove   EntryKind = "cash_move" // drop, payout, no-sale
	EntryZReport    EntryKind = "z_report"
	EntryOverride   EntryKind = "override"
	EntryClockInOut EntryKind = "clock"
	EntryCancel     EntryKind = "cancel" // an open sale thrown away: audit only, no money
)

// GenesisHash is the previous hash of a register's first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one record of a register's append-only journal. Entries form a
// chain: each carries the hash of the one before, so an edited, removed or
// reordered entry breaks every hash after it.
type Entry struct {
	Seq        int64     `json:"seq"` // gapless per register, from 1
	ID         string    `json:"id"`  // UUIDv7, the idempotency key at the head office
	RegisterID string    `json:"register_id"`
	Kind       EntryKind `json:"kind"`
	CreatedAt  time.Time `json:"created_at"`
	Payload    []byte    `json:"payload"` // the record (JSON), hashed byte for byte as stored
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// ComputeHash returns the hex SHA-256 over the entry's canonical encoding:
// a version tag, then each field length-prefixed (uvarint) in a fixed order:
// seq, id, register, kind, created_at (Unix ms), payload, previous hash.
// Length prefixes make the encoding unambiguous; Unix ms avoids any time zone
// or formatting variation between machines.
func (e Entry) ComputeHash() string {
	h := sha256.New()
	var buf [binary.MaxVarintLen64]byte
	field := func(b []byte) {
		n := binary.PutUvarint(buf[:], uint64(len(b)))
		h.Write(buf[:n])
		h.Write(b)
	}
	field([]byte("till-journal-v1"))
	field(strconv.AppendInt(nil, e.Seq, 10))
	field([]byte(e.ID))
	field([]byte(e.RegisterID))
	field([]byte(e.Kind))
	field(strconv.AppendInt(nil, e.CreatedAt.UnixMilli(), 10))
	field(e.Payload)
	field([]byte(e.PrevHash))
	return hex.EncodeToString(h.Sum(nil))
}

// Seal sets the entry's PrevHash and Hash; CreatedAt is truncated to the
// millisecond so the stored and hashed times agree.
func (e *Entry) Seal(prevHash string) {
	e.CreatedAt = e.CreatedAt.UTC().Truncate(time.Millisecond)
	e.PrevHash = prevHash
	e.Hash = e.ComputeHash()
}

// ChainError describes the first broken link found in a journal.
type ChainError struct {
	Seq    int64
	Reason string
}

func (e *ChainError) Error() string {
	return "journal broken at seq " + strconv.FormatInt(e.Seq, 10) + ": " + e.Reason
}

// ChainVerifier checks entries one by one in sequence order.
type ChainVerifier struct {
	lastSeq  int64
	lastHash string
}

// NewChainVerifier starts at the genesis, or after a known entry (seq, hash).
func NewChainVerifier(afterSeq int64, afterHash string) *ChainVerifier {
	if afterHash == "" {
		afterHash = GenesisHash
	}
	return &ChainVerifier{lastSeq: afterSeq, lastHash: afterHash}
}

// Next verifies the next entry and returns a *ChainError on the first fault.
func (v *ChainVerifier) Next(e Entry) error {
	switch {
	case e.Seq != v.lastSeq+1:
		return &ChainError{Seq: e.Seq, Reason: "sequence gap after " + strconv.FormatInt(v.lastSeq, 10)}
	case e.PrevHash != v.lastHash:
		return &ChainError{Seq: e.Seq, Reason: "previous-hash link does not match the entry before"}
	case e.ComputeHash() != e.Hash:
		return &ChainError{Seq: e.Seq, Reason: "content does not match its hash (edited)"}
	}
	v.lastSeq, v.lastHash = e.Seq, e.Hash
	return nil
}

// Last returns the last verified seq and hash.
func (v *ChainVerifier) Last() (int64, string) { return v.lastSeq, v.lastHash }
