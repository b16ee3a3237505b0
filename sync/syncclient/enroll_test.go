package syncclient_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncclient"
	"github.com/tillpos/till/sync/syncproto"
	"github.com/tillpos/till/sync/syncserver"
)

// tlsHeadOffice is a head office requiring enrollment behind TLS with a
// self-signed certificate, with store S1 and a pending register R1.
func tlsHeadOffice(t *testing.T) (ts *httptest.Server, st *hqstore.SQLite, code string) {
	t.Helper()
	ctx := context.Background()
	st, err := hqstore.OpenSQLite(ctx, filepath.Join(t.TempDir(), "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ts = httptest.NewUnstartedServer(nil)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	srv, err := syncserver.New(syncserver.Config{Store: st,
		CertFingerprint: syncproto.Fingerprint(ts.Certificate().Raw)})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	if err := st.AddStore(ctx, hqstore.StoreInfo{ID: "S1", Name: "One"}); err != nil {
		t.Fatal(err)
	}
	code = hqstoretest.AddRegister(t, hqstoretest.HeadOffice(t, st, nil, nil), "R1", "S1", 0)
	return ts, st, code
}

func TestEnrollThenSyncSignedOverPinnedTLS(t *testing.T) {
	t.Parallel()
	ts, st, code := tlsHeadOffice(t)
	pub, key, _ := ed25519.GenerateKey(nil)
	resp, err := syncclient.Enroll(context.Background(), syncclient.EnrollOptions{BaseURL: ts.URL, Code: code}, pub)
	if err != nil {
		t.Fatal(err)
	}
	if resp.RegisterID != "R1" || resp.StoreID != "S1" || resp.CertFingerprint != syncproto.Fingerprint(ts.Certificate().Raw) {
		t.Fatalf("enrolled %+v", resp)
	}
	ob := &fakeOutbox{}
	ob.add(hqstoretest.NewChain("R1").Sales(7)...)
	s := newSyncer(ts.URL, ob, func(c *syncclient.Config) {
		c.HTTPClient, c.Token, c.Key = syncclient.PinnedClient(resp.CertFingerprint, 5*time.Second), resp.Token, key
	})
	if n, err := s.Sync(context.Background()); err != nil || n != 7 {
		t.Fatalf("sync: %d, %v", n, err)
	}
	if n, _ := st.SalesCount(context.Background(), "R1"); n != 7 {
		t.Errorf("head office holds %d sales, want 7", n)
	}
	// Without the key the same register's entries are refused.
	ob.add(hqstoretest.NewChain("R1").Sales(8)[7])
	unsigned := newSyncer(ts.URL, ob, func(c *syncclient.Config) {
		c.HTTPClient, c.Token = syncclient.PinnedClient(resp.CertFingerprint, 5*time.Second), resp.Token
	})
	var rej *syncclient.RejectedError
	if _, err := unsigned.Sync(context.Background()); !errors.As(err, &rej) || rej.Reason != syncserver.ReasonBadSignature {
		t.Errorf("unsigned push: %v", err)
	}
}

func TestPinnedClientRefusesAnotherCertificate(t *testing.T) {
	t.Parallel()
	ts, _, code := tlsHeadOffice(t)
	pub, _, _ := ed25519.GenerateKey(nil)
	_, err := syncclient.Enroll(context.Background(), syncclient.EnrollOptions{BaseURL: ts.URL, Code: code,
		Fingerprint: strings.Repeat("00", 32)}, pub)
	if err == nil || !strings.Contains(err.Error(), "not the pinned") {
		t.Fatalf("enroll against an unpinned certificate: %v", err)
	}
	ob := &fakeOutbox{}
	ob.add(hqstoretest.NewChain("R1").Sales(1)...)
	s := newSyncer(ts.URL, ob, func(c *syncclient.Config) {
		c.HTTPClient = syncclient.PinnedClient(strings.Repeat("00", 32), 5*time.Second)
	})
	if _, err := s.Sync(context.Background()); err == nil || s.Status().State != syncclient.StateOffline {
		t.Errorf("sync to an unpinned certificate: %v, status %+v", err, s.Status())
	}
	// The code was not consumed by the refused attempt.
	if _, err := syncclient.Enroll(context.Background(), syncclient.EnrollOptions{BaseURL: ts.URL, Code: code}, pub); err != nil {
		t.Errorf("enroll after a refused attempt: %v", err)
	}
}

// journalOutbox is a fake outbox that is also the register's journal.
type journalOutbox struct {
	fakeOutbox
	journal []pos.Entry
}

func (j *journalOutbox) Entries(_ context.Context, after int64, limit int) ([]pos.Entry, error) {
	var out []pos.Entry
	for _, e := range j.journal {
		if e.Seq > after && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

func TestJournalBehindHeadOfficeIsDetectedAndNotPushed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	chain := hqstoretest.NewChain("R1").Sales(5)
	forkChain := hqstoretest.NewChain("R1")
	forkChain.Currency = "CHF" // same seqs, other content: a database copied from elsewhere
	tests := []struct {
		name      string
		journal   []pos.Entry
		diverged  bool
		localHash bool
	}{
		{"restored backup: journal shorter", chain[:3], true, false},
		{"copied database: same seq, other hash", forkChain.Sales(6), true, true},
		{"same journal", chain, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHeadOffice(t)
			if _, _, err := h.store.IngestBatch(ctx, "R1", chain); err != nil {
				t.Fatal(err)
			}
			ts := h.start(t, nil)
			ob := &journalOutbox{journal: tt.journal}
			ob.add(tt.journal...)
			var reported []syncclient.Status
			s := newSyncer(ts.URL, ob, func(c *syncclient.Config) {
				c.OnChange = func(st syncclient.Status) { reported = append(reported, st) }
			})
			_, err := s.Sync(ctx)
			var div *syncclient.DivergedError
			if got := errors.As(err, &div); got != tt.diverged {
				t.Fatalf("diverged = %v (%v), want %v", got, err, tt.diverged)
			}
			st := s.Status()
			if !tt.diverged {
				if err != nil || st.State != syncclient.StateOnline {
					t.Errorf("sync: %v, status %+v", err, st)
				}
				return
			}
			if st.State != syncclient.StateDiverged || st.Diverged == nil || st.Diverged.RemoteSeq != 5 ||
				(st.Diverged.LocalHash != "") != tt.localHash || !strings.Contains(st.LastError, "does not match the head office") {
				t.Errorf("status %+v", st)
			}
			if len(reported) == 0 || reported[len(reported)-1].State != syncclient.StateDiverged {
				t.Errorf("OnChange not told: %+v", reported)
			}
			if acked, calls := ob.state(); acked != 0 || calls != 0 {
				t.Errorf("outbox acked %d (%d calls) after a divergence", acked, calls)
			}
			if _, err := s.Sync(ctx); !errors.As(err, &div) {
				t.Errorf("second pass pushed: %v", err)
			}
			if state, _ := h.store.SyncState(ctx, "R1"); state.LastSeq != 5 || state.LastHash != chain[4].Hash {
				t.Errorf("head office chain changed: %+v", state)
			}
		})
	}
}
