package syncproto_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/sync/syncproto"
)

func sealed(payload []byte) pos.Entry {
	e := pos.Entry{
		Seq:        7,
		ID:         "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
		RegisterID: "R1",
		Kind:       pos.EntrySale,
		CreatedAt:  time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.FixedZone("CET", 3600)),
		Payload:    payload,
	}
	e.Seal(pos.GenesisHash)
	return e
}

// roundTrip sends e through the same path as a real push: FromPos, json.Marshal
// of a whole request, a strict decode, ToPos.
func roundTrip(t *testing.T, e pos.Entry) (pos.Entry, []byte) {
	t.Helper()
	body, err := json.Marshal(syncproto.PushBatchRequest{Entries: []syncproto.Entry{syncproto.FromPos(e)}})
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var req syncproto.PushBatchRequest
	if err := dec.Decode(&req); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	if len(req.Entries) != 1 {
		t.Fatalf("got %d entries", len(req.Entries))
	}
	got, err := req.Entries[0].ToPos()
	if err != nil {
		t.Fatalf("ToPos: %v", err)
	}
	return got, body
}

func TestEntryRoundTripKeepsHash(t *testing.T) {
	t.Parallel()
	sale, _ := json.Marshal(pos.SaleRecord{SaleID: "s1", ReceiptNo: "R1-000001", RegisterID: "R1",
		Currency: "EUR", Lines: []pos.RecordLine{{Line: pos.Line{Name: "Fish & Chips <large>"}, Gross: 1250}}})
	tests := []struct {
		name    string
		payload []byte
		raw     bool // expected to travel as readable JSON
	}{
		{"sale record from json.Marshal", sale, true},
		{"compact object", []byte(`{"a":1,"b":[true,null,"x"]}`), true},
		{"unicode escapes kept", []byte(`{"name":"Caf\u00e9 \"quoted\""}`), true},
		{"literal utf-8", []byte(`{"name":"Café – Größe"}`), true},
		{"json null", []byte(`null`), true},
		{"number", []byte(`12.50`), true},
		{"indented", []byte("{\n  \"a\": 1\n}"), false},
		{"leading space", []byte(` {"a":1}`), false},
		{"trailing newline", []byte("{\"a\":1}\n"), false},
		{"ampersand literal", []byte(`{"name":"Fish & Chips"}`), false},
		{"angle brackets", []byte(`{"html":"<b>"}`), false},
		{"line separator", []byte("{\"s\":\"a\u2028b\"}"), false},
		{"not json", []byte("plain text"), false},
		{"invalid utf-8", []byte("{\"s\":\"\xff\"}"), false},
		{"binary", []byte{0, 1, 2, 255}, false},
		{"empty", []byte{}, false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := sealed(tt.payload)
			w := syncproto.FromPos(e)
			if gotRaw := len(w.Payload) > 0; gotRaw != tt.raw {
				t.Errorf("raw JSON = %v, want %v (wire %+v)", gotRaw, tt.raw, w)
			}
			got, body := roundTrip(t, e)
			if !bytes.Equal(got.Payload, e.Payload) {
				t.Errorf("payload changed:\n got %q\nwant %q\nbody %s", got.Payload, e.Payload, body)
			}
			if h := got.ComputeHash(); h != e.Hash {
				t.Errorf("hash after round trip %s, want %s", h, e.Hash)
			}
			if err := pos.NewChainVerifier(6, pos.GenesisHash).Next(got); err != nil {
				t.Errorf("verifier: %v", err)
			}
			if !got.CreatedAt.Equal(e.CreatedAt) || got.CreatedAt.Location() != time.UTC {
				t.Errorf("created_at %v, want %v in UTC", got.CreatedAt, e.CreatedAt)
			}
		})
	}
}

func TestCreatedAtFormat(t *testing.T) {
	t.Parallel()
	w := syncproto.FromPos(sealed([]byte(`{}`)))
	if want := "2026-03-14T14:09:26.535Z"; w.CreatedAt != want {
		t.Errorf("created_at %q, want %q", w.CreatedAt, want)
	}
}

func TestToPosRejectsMalformed(t *testing.T) {
	t.Parallel()
	good := syncproto.FromPos(sealed([]byte(`{"a":1}`)))
	tests := []struct {
		name   string
		mutate func(*syncproto.Entry)
		want   string
	}{
		{"zero seq", func(w *syncproto.Entry) { w.Seq = 0 }, "seq 0"},
		{"no id", func(w *syncproto.Entry) { w.ID = "" }, "id:"},
		{"no register", func(w *syncproto.Entry) { w.RegisterID = "" }, "register_id"},
		{"no kind", func(w *syncproto.Entry) { w.Kind = "" }, "kind"},
		{"bad time", func(w *syncproto.Entry) { w.CreatedAt = "14/03/2026" }, "created_at"},
		{"short hash", func(w *syncproto.Entry) { w.Hash = "abc" }, "hash"},
		{"upper-case prev hash", func(w *syncproto.Entry) { w.PrevHash = strings.ToUpper(good.Hash) }, "prev_hash"},
		{"both payloads", func(w *syncproto.Entry) { w.PayloadB64 = []byte("x") }, "both set"},
	}
	if _, err := good.ToPos(); err != nil {
		t.Fatalf("good entry: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := good
			tt.mutate(&w)
			_, err := w.ToPos()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestUnknownFieldsAreVisibleToStrictDecoder(t *testing.T) {
	t.Parallel()
	dec := json.NewDecoder(strings.NewReader(`{"entries":[],"extra":1}`))
	dec.DisallowUnknownFields()
	var req syncproto.PushBatchRequest
	if err := dec.Decode(&req); err == nil {
		t.Fatal("unknown field accepted")
	}
}

func FuzzEntryRoundTrip(f *testing.F) {
	for _, s := range []string{`{"a":1}`, "{\n}", `"<&>"`, "\xff", "", `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		e := sealed(payload)
		got, _ := roundTrip(t, e)
		if !bytes.Equal(got.Payload, e.Payload) || got.ComputeHash() != e.Hash {
			t.Fatalf("payload %q came back as %q", e.Payload, got.Payload)
		}
	})
}
