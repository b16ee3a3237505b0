package pos

import (
	"errors"
	"testing"
	"time"
)

func chain(n int) []Entry {
	var out []Entry
	prev := GenesisHash
	for i := 1; i <= n; i++ {
		e := Entry{Seq: int64(i), ID: string(rune('a' + i)), RegisterID: "r1", Kind: EntrySale,
			CreatedAt: epoch.Add(time.Duration(i) * time.Second), Payload: []byte(`{"n":1}`)}
		e.Seal(prev)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func TestChainVerifies(t *testing.T) {
	t.Parallel()
	v := NewChainVerifier(0, "")
	for _, e := range chain(5) {
		if err := v.Next(e); err != nil {
			t.Fatal(err)
		}
	}
	if seq, _ := v.Last(); seq != 5 {
		t.Fatalf("last %d", seq)
	}
}

func TestChainDetectsTampering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func([]Entry) []Entry
		badSeq int64
	}{
		{"edited payload", func(c []Entry) []Entry { c[2].Payload = []byte(`{"n":2}`); return c }, 3},
		{"edited time", func(c []Entry) []Entry { c[1].CreatedAt = c[1].CreatedAt.Add(time.Millisecond); return c }, 2},
		{"removed entry", func(c []Entry) []Entry { return append(c[:2], c[3:]...) }, 4},
		{"reordered", func(c []Entry) []Entry { c[1], c[2] = c[2], c[1]; return c }, 3},
		{"rehashed edit breaks next link", func(c []Entry) []Entry {
			c[1].Payload = []byte(`{"n":9}`)
			c[1].Hash = c[1].ComputeHash()
			return c
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NewChainVerifier(0, "")
			var err error
			for _, e := range tt.mutate(chain(5)) {
				if err = v.Next(e); err != nil {
					break
				}
			}
			var ce *ChainError
			if !errors.As(err, &ce) || ce.Seq != tt.badSeq {
				t.Fatalf("err = %v, want break at %d", err, tt.badSeq)
			}
		})
	}
}

func TestHashIsCanonical(t *testing.T) {
	t.Parallel()
	a := chain(1)[0]
	b := a
	b.CreatedAt = a.CreatedAt.In(time.FixedZone("X", 3600))
	if a.ComputeHash() != b.ComputeHash() {
		t.Fatal("hash depends on the time zone")
	}
	c := a
	c.ID, c.RegisterID = a.ID+a.RegisterID, ""
	if a.ComputeHash() == c.ComputeHash() {
		t.Fatal("moving bytes between fields keeps the hash")
	}
}
