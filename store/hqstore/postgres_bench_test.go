package hqstore_test

import (
	"context"
	"testing"

	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
)

// BenchmarkIngestPostgres is BenchmarkIngest on PostgreSQL (a throwaway
// cluster from pgtest, fsync on): batches of 500 sealed sales of one
// register, one transaction each.
func BenchmarkIngestPostgres(b *testing.B) { benchmarkIngest(b, openPostgres(b), false) }

// BenchmarkIngestPostgresNoStock is its baseline without stock movements.
func BenchmarkIngestPostgresNoStock(b *testing.B) { benchmarkIngest(b, openPostgres(b), true) }

// BenchmarkIngestPostgresParallel pushes batches of 500 for several
// registers at once: the per-register row lock lets them proceed in
// parallel, unlike SQLite's single writer.
func BenchmarkIngestPostgresParallel(b *testing.B) {
	const batch, registers = 500, 8
	ctx := context.Background()
	s := openPostgres(b)
	chains := make(chan *hqstoretest.Chain, registers)
	for i := range registers {
		chains <- hqstoretest.NewChain("R" + string(rune('A'+i)))
	}
	b.SetParallelism(registers) // goroutines = registers × GOMAXPROCS; the channel caps active ones
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c := <-chains
			entries := c.Sales(batch)
			res, _, err := s.IngestBatch(ctx, c.RegisterID, entries)
			chains <- c
			if err != nil {
				b.Error(err)
				return
			}
			if res[batch-1].Status != hqstore.Stored {
				b.Errorf("last entry %+v", res[batch-1])
				return
			}
		}
	})
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "sales/s")
}
