package hqstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tillpos/till/store/hqstore"
)

// Issue 13's read budget: on-hand of one product and a store's low-stock
// list over 100,000 products × 20 stores answer in < 50 ms at p99.
const benchStores, benchProducts = 20, 100_000

func BenchmarkStockReads(b *testing.B) { benchmarkStockReads(b, openSQLite(b)) }

func BenchmarkStockReadsPostgres(b *testing.B) { benchmarkStockReads(b, openPostgres(b)) }

func benchmarkStockReads(b *testing.B, s hqstore.Store) {
	ctx := context.Background()
	start := time.Now()
	if err := hqstore.SeedStock(ctx, s, benchStores, benchProducts); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d positions in %v", benchStores*benchProducts, time.Since(start).Round(time.Millisecond))
	reads := []struct {
		name string
		read func(i int) (int, error)
	}{
		{"OneProductOneStore", func(i int) (int, error) {
			ps, err := s.StockPositions(ctx, hqstore.StockFilter{StoreID: fmt.Sprintf("S%02d", i%benchStores),
				ProductID: fmt.Sprintf("P%06d", i*7919%benchProducts)})
			return len(ps), err
		}},
		{"OneProductAllStores", func(i int) (int, error) {
			ps, err := s.StockPositions(ctx, hqstore.StockFilter{ProductID: fmt.Sprintf("P%06d", i*7919%benchProducts)})
			return len(ps), err
		}},
		{"LowStockOneStore", func(i int) (int, error) {
			ls, err := s.LowStock(ctx, fmt.Sprintf("S%02d", i%benchStores), 0)
			return len(ls), err
		}},
	}
	for _, r := range reads {
		b.Run(r.name, func(b *testing.B) {
			var took []time.Duration
			i := 0
			for b.Loop() {
				t0 := time.Now()
				n, err := r.read(i)
				took = append(took, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				if n == 0 {
					b.Fatal("no rows")
				}
				i++
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
