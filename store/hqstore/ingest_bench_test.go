package hqstore_test

import (
	"context"
	"testing"

	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
)

// BenchmarkIngest stores batches of 500 sealed sales of one register, as a
// register catching up after an outage pushes them: verify, insert entry and
// sale row, one durable (synchronous=FULL) commit per batch.
// Each sale has three product lines, so the stock projection writes three
// movements and updates three positions per sale.
func BenchmarkIngest(b *testing.B) { benchmarkIngest(b, openSQLite(b), false) }

// BenchmarkIngestNoStock is BenchmarkIngest with sales whose lines name no
// product: the baseline the stock projection's cost is measured against
// (docs/PERFORMANCE.md, at most 1.3x).
func BenchmarkIngestNoStock(b *testing.B) { benchmarkIngest(b, openSQLite(b), true) }

// benchmarkIngest is BenchmarkIngest on s, for every backend.
func benchmarkIngest(b *testing.B, s hqstore.Store, noStock bool) {
	const batch = 500
	ctx := context.Background()
	c := hqstoretest.NewChain("R1")
	c.NoStock = noStock
	for b.Loop() {
		b.StopTimer()
		entries := c.Sales(batch) // building and sealing is the register's cost, not ours
		b.StartTimer()
		res, _, err := s.IngestBatch(ctx, "R1", entries)
		if err != nil {
			b.Fatal(err)
		}
		if res[batch-1].Status != hqstore.Stored {
			b.Fatalf("last entry %+v", res[batch-1])
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "sales/s")
	b.ReportMetric(b.Elapsed().Seconds()*1e3/float64(b.N), "ms/batch")
}
