package synce2e_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/store/hqstore/pgtest"
	"github.com/tillpos/till/sync/syncclient"
	"github.com/tillpos/till/sync/syncserver"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// backend opens the head office's store; each call after the first reopens
// the same database, as a restarted head office does.
type backend struct {
	name string
	open func(tb testing.TB) func() (hqstore.Store, error)
}

var backends = []backend{
	{"sqlite", func(tb testing.TB) func() (hqstore.Store, error) {
		path := filepath.Join(tb.TempDir(), "hq.db")
		return func() (hqstore.Store, error) { return hqstore.OpenSQLite(context.Background(), path) }
	}},
	{"postgres", func(tb testing.TB) func() (hqstore.Store, error) {
		dsn := pgtest.DSN(tb)
		return func() (hqstore.Store, error) { return hqstore.OpenPostgres(context.Background(), dsn) }
	}},
}

// headOffice is a syncserver over an hqstore on a loopback port that can be
// restarted: in-flight connections cut, store closed and reopened, new port.
type headOffice struct {
	tb       testing.TB
	open     func() (hqstore.Store, error)
	cfg      syncserver.Config
	mu       sync.Mutex
	store    hqstore.Store
	ts       *httptest.Server
	restarts int
	onURL    func(string) // told the new URL after a restart
}

func startHeadOffice(tb testing.TB, open func() (hqstore.Store, error)) *headOffice {
	tb.Helper()
	h := &headOffice{tb: tb, open: open, cfg: syncserver.Config{AllowUnenrolled: true}}
	if err := h.start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(h.stop)
	return h
}

func (h *headOffice) start() error {
	st, err := h.open()
	if err != nil {
		return err
	}
	cfg := h.cfg
	cfg.Store = st
	srv, err := syncserver.New(cfg)
	if err != nil {
		st.Close()
		return err
	}
	h.store, h.ts = st, httptest.NewServer(srv)
	return nil
}

func (h *headOffice) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ts != nil {
		h.ts.CloseClientConnections()
		h.store.Close()
		h.ts.Close()
		h.ts = nil
	}
}

// restart cuts every connection (a request being ingested loses its
// client), closes the store while that request may still be using it, and
// starts again on a new port.
func (h *headOffice) restart() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ts.CloseClientConnections()
	h.store.Close()
	h.ts.Close()
	if err := h.start(); err != nil {
		h.tb.Errorf("restart: %v", err)
		return
	}
	h.restarts++
	if h.onURL != nil {
		h.onURL(h.ts.URL)
	}
}

func (h *headOffice) URL() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ts.URL
}

func (h *headOffice) Store() hqstore.Store {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.store
}

// fakeClock is the register's and the syncer's clock, moved by the test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// register is a register's own database: journal plus outbox.
type register struct {
	id, storeID string
	db          *store.DB
	clock       *fakeClock
	sales       int
}

func openRegister(tb testing.TB, id, storeID string, clock *fakeClock) *register {
	tb.Helper()
	db, err := store.Open(context.Background(), filepath.Join(tb.TempDir(), id+".db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	db.SetRegisterID(id)
	return &register{id: id, storeID: storeID, db: db, clock: clock}
}

// sell journals one completed sale at the clock's time, as the sale flow
// does (one transaction: journal entry + outbox row).
func (r *register) sell(tb testing.TB) pos.Entry {
	tb.Helper()
	at := r.clock.Now()
	e, err := r.db.Append(context.Background(), pos.EntrySale, uuid.Must(uuid.NewV7()).String(), at,
		func(seq int64) ([]byte, error) {
			return hqstoretest.SalePayload(r.id, r.storeID, "EUR", seq, at), nil
		})
	if err != nil {
		tb.Fatal(err)
	}
	r.sales++
	return e
}

// cashMove journals an entry that is not a sale.
func (r *register) cashMove(tb testing.TB) {
	tb.Helper()
	_, err := r.db.Append(context.Background(), pos.EntryCashMove, uuid.Must(uuid.NewV7()).String(), r.clock.Now(),
		func(int64) ([]byte, error) { return []byte(`{"kind":"drop","amount":5000}`), nil })
	if err != nil {
		tb.Fatal(err)
	}
}

func (r *register) syncer(url string, client *http.Client, batch int) *syncclient.Syncer {
	return syncclient.New(syncclient.Config{BaseURL: url, RegisterID: r.id, BatchSize: batch, HTTPClient: client,
		Clock: r.clock}, r.db)
}

// drain runs passes without faults until the outbox is empty.
func drain(tb testing.TB, s *syncclient.Syncer) {
	tb.Helper()
	var err error
	for range 20 {
		if _, err = s.Sync(context.Background()); err == nil {
			return
		}
	}
	tb.Fatalf("outbox does not drain: %v", err)
}

// assertHolds checks that the head office holds exactly the register's
// journal: same chain end (the head office verified every link on the way,
// so equal last hashes mean equal chains), every sale once and in order,
// nothing left in the outbox.
func assertHolds(tb testing.TB, hq hqstore.Store, r *register) {
	tb.Helper()
	ctx := context.Background()
	n, err := r.db.VerifyJournal(ctx)
	if err != nil {
		tb.Fatalf("%s: register journal: %v", r.id, err)
	}
	journal, err := r.db.Entries(ctx, 0, int(n)+1)
	if err != nil {
		tb.Fatal(err)
	}
	last := journal[len(journal)-1]
	st, err := hq.SyncState(ctx, r.id)
	if err != nil {
		tb.Fatal(err)
	}
	if st.LastSeq != last.Seq || st.LastHash != last.Hash {
		tb.Errorf("%s: head office ends at seq %d %.12s, register at %d %.12s", r.id, st.LastSeq, st.LastHash, last.Seq, last.Hash)
	}
	var want []string
	for _, e := range journal {
		if e.Kind == pos.EntrySale {
			want = append(want, e.ID)
		}
	}
	got, err := hq.Sales(ctx, hqstore.SalesFilter{RegisterID: r.id, Limit: len(want) + 10})
	if err != nil {
		tb.Fatal(err)
	}
	ids := make([]string, len(got))
	for i, s := range got {
		ids[i] = s.EntryID
	}
	if !slices.Equal(ids, want) {
		tb.Errorf("%s: head office holds %d sales, register journaled %d (%s)", r.id, len(ids), len(want), firstDiff(ids, want))
	}
	if c, err := hq.SalesCount(ctx, r.id); err != nil || c != int64(len(want)) {
		tb.Errorf("%s: sales count %d (%v), want %d", r.id, c, err, len(want))
	}
	if depth, _, err := r.db.OutboxStats(ctx); err != nil || depth != 0 {
		tb.Errorf("%s: outbox depth %d (%v), want 0", r.id, depth, err)
	}
}

func firstDiff(got, want []string) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("first difference at sale %d: %s vs %s", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("lengths %d vs %d", len(got), len(want))
}

func isRejection(err error) bool {
	var rej *syncclient.RejectedError
	return errors.As(err, &rej)
}
