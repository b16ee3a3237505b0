package synce2e_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/sync/faultproxy"
	"github.com/tillpos/till/sync/syncclient"
)

// TestOfflineWeekTwoStores is acceptance 1 of issue 6: two registers in two
// stores sell with no network for a simulated week (thousands of sales on
// an injected clock), come online, and the head office ends with exactly
// their journals.
func TestOfflineWeekTwoStores(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		t.Run(be.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			hq := startHeadOffice(t, be.open(t))
			link := faultproxy.New(hq.URL(), 1)
			link.SetFaults(1, faultproxy.DropRequest) // the shops' line is down
			front := httptest.NewServer(link)
			defer front.Close()

			monday := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
			clock := &fakeClock{t: monday}
			regs := []*register{openRegister(t, "berlin-1", "S-BER", clock), openRegister(t, "munich-1", "S-MUC", clock)}
			syncers := make([]*syncclient.Syncer, len(regs))
			for i, r := range regs {
				syncers[i] = r.syncer(front.URL, &http.Client{Timeout: 5 * time.Second}, 0)
			}
			rng := rand.New(rand.NewPCG(6, 6))
			for day := range 7 {
				open := monday.AddDate(0, 0, day).Add(8 * time.Hour)
				for _, r := range regs {
					clock.t = open
					r.cashMove(t) // opening float
					for range 280 + rng.IntN(80) {
						clock.Advance(time.Duration(60+rng.IntN(120)) * time.Second)
						r.sell(t)
					}
				}
				// Each evening the syncers try and fail; nothing is lost.
				for i, s := range syncers {
					if _, err := s.Sync(ctx); err == nil {
						t.Fatalf("day %d: sync succeeded while offline", day)
					}
					if st := s.Status(); st.State != syncclient.StateOffline {
						t.Errorf("day %d %s: status %+v, want offline", day, regs[i].id, st)
					}
					if depth, _, err := regs[i].db.OutboxStats(ctx); err != nil || depth < regs[i].sales {
						t.Errorf("day %d %s: outbox depth %d (%v) for %d sales", day, regs[i].id, depth, err, regs[i].sales)
					}
				}
			}
			for _, r := range regs {
				if r.sales < 2000 {
					t.Fatalf("%s sold only %d in the week", r.id, r.sales)
				}
				if n, _ := hq.Store().SalesCount(ctx, r.id); n != 0 {
					t.Fatalf("%s: head office has %d sales before the line is up", r.id, n)
				}
			}

			link.SetFaults(0) // back online: the background syncers catch up
			runCtx, cancel := context.WithCancel(ctx)
			done := make(chan error, len(syncers))
			for _, s := range syncers {
				go func() { done <- s.Run(runCtx) }()
			}
			deadline := time.Now().Add(60 * time.Second)
			for _, r := range regs {
				for {
					depth, _, err := r.db.OutboxStats(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if depth == 0 {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("%s: %d entries still waiting after 60 s", r.id, depth)
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
			cancel()
			for range syncers {
				<-done
			}
			for _, r := range regs {
				assertHolds(t, hq.Store(), r)
			}
			// Each store's report has its own register's sales only.
			for _, r := range regs {
				sales, err := hq.Store().Sales(ctx, hqstore.SalesFilter{StoreID: r.storeID, Limit: 100000})
				if err != nil {
					t.Fatal(err)
				}
				if len(sales) != r.sales {
					t.Errorf("store %s: %d sales, want %d", r.storeID, len(sales), r.sales)
				}
				for _, s := range sales {
					if s.RegisterID != r.id {
						t.Fatalf("store %s lists a sale of %s", r.storeID, s.RegisterID)
					}
				}
			}
			sum, err := hq.Store().Registers(ctx, monday)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range regs {
				if sum[i].RegisterID != r.id || sum[i].SalesSince != int64(r.sales) {
					t.Errorf("summary %+v, want %s with %d sales", sum[i], r.id, r.sales)
				}
			}
			t.Logf("%s: %d + %d sales over a week delivered", be.name, regs[0].sales, regs[1].sales)
		})
	}
}
