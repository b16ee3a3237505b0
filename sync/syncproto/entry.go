package syncproto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/tillpos/till/app/pos"
)

// TimeLayout is RFC 3339 with milliseconds; created_at is always sent in UTC.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// Entry is a journal entry on the wire.
//
// The payload is hashed byte for byte, but encoding/json compacts and
// HTML-escapes a json.RawMessage when it marshals it. So a payload travels as
// raw JSON (readable) only when that leaves its bytes unchanged; any other
// payload (indented, containing <, > or &, not JSON at all) travels as
// base64 in PayloadB64. Exactly one of the two is set; neither means empty.
type Entry struct {
	Seq        int64           `json:"seq"`
	ID         string          `json:"id"`
	RegisterID string          `json:"register_id"`
	Kind       string          `json:"kind"`
	CreatedAt  string          `json:"created_at"`
	Payload    json.RawMessage `json:"payload,omitempty"`
	PayloadB64 []byte          `json:"payload_b64,omitempty"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
	// Sig is the register's Ed25519 signature of SignedMessage(Hash), made
	// when the entry is pushed; a head office that enrolls registers
	// refuses an entry without a valid one.
	Sig []byte `json:"sig,omitempty"`
}

// FromPos converts a journal entry to its wire form.
func FromPos(e pos.Entry) Entry {
	w := Entry{
		Seq:        e.Seq,
		ID:         e.ID,
		RegisterID: e.RegisterID,
		Kind:       string(e.Kind),
		CreatedAt:  e.CreatedAt.UTC().Format(TimeLayout),
		PrevHash:   e.PrevHash,
		Hash:       e.Hash,
	}
	switch {
	case len(e.Payload) == 0:
	case RawSafe(e.Payload):
		w.Payload = json.RawMessage(bytes.Clone(e.Payload))
	default:
		w.PayloadB64 = bytes.Clone(e.Payload)
	}
	return w
}

// FromPosAll converts entries to their wire form.
func FromPosAll(es []pos.Entry) []Entry {
	out := make([]Entry, len(es))
	for i, e := range es {
		out[i] = FromPos(e)
	}
	return out
}

var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ToPos converts a wire entry back to a journal entry, checking that every
// field is well formed. It does not check the hash chain: that is the
// receiver's job (pos.ChainVerifier).
func (w Entry) ToPos() (pos.Entry, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if w.Seq < 1 {
		bad("seq %d: must be 1 or more", w.Seq)
	}
	if w.ID == "" || len(w.ID) > 64 {
		bad("id: must be 1 to 64 characters")
	}
	if w.RegisterID == "" {
		bad("register_id: missing")
	}
	if w.Kind == "" || len(w.Kind) > 32 {
		bad("kind: must be 1 to 32 characters")
	}
	t, err := time.Parse(time.RFC3339Nano, w.CreatedAt)
	if err != nil {
		bad("created_at %q: not RFC 3339", w.CreatedAt)
	}
	if !hexHash.MatchString(w.PrevHash) {
		bad("prev_hash: must be 64 lower-case hex digits")
	}
	if !hexHash.MatchString(w.Hash) {
		bad("hash: must be 64 lower-case hex digits")
	}
	if len(w.Payload) > 0 && len(w.PayloadB64) > 0 {
		bad("payload and payload_b64 are both set")
	}
	if len(errs) > 0 {
		return pos.Entry{}, fmt.Errorf("entry seq %d id %q: %w", w.Seq, w.ID, errors.Join(errs...))
	}
	p := []byte(w.PayloadB64)
	if len(w.Payload) > 0 {
		p = []byte(w.Payload)
	}
	return pos.Entry{
		Seq:        w.Seq,
		ID:         w.ID,
		RegisterID: w.RegisterID,
		Kind:       pos.EntryKind(w.Kind),
		CreatedAt:  t.UTC(),
		Payload:    bytes.Clone(p),
		PrevHash:   w.PrevHash,
		Hash:       w.Hash,
	}, nil
}

// RawSafe reports whether p survives a trip through encoding/json as a
// json.RawMessage byte for byte: valid, already compact JSON without the
// characters json.Marshal escapes (<, >, &, U+2028, U+2029).
func RawSafe(p []byte) bool {
	if !json.Valid(p) || !utf8.Valid(p) {
		return false
	}
	if bytes.ContainsAny(p, "<>&\u2028\u2029") {
		return false
	}
	var c bytes.Buffer
	if err := json.Compact(&c, p); err != nil {
		return false
	}
	return bytes.Equal(c.Bytes(), p)
}
