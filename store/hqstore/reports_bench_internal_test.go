package hqstore

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/tillpos/till/app/headoffice"
)

// BenchmarkReportQueries measures the report queries over a year of 20
// stores' line facts, generated straight into line_facts by one INSERT …
// SELECT (not through ingest). TILL_BENCH_LINES sets how many (default
// 1,000,000). Each iteration runs a year's sales by day, by product and by
// store for all stores, and by category's underlying product query for
// one store; it reports the p99 of single queries.
//
//	TILL_BENCH_LINES=1000000 go test -run '^$' -bench BenchmarkReportQueries -benchtime 5x ./store/hqstore/
func BenchmarkReportQueries(b *testing.B) {
	lines := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("TILL_BENCH_LINES")); err == nil && v > 0 {
		lines = v
	}
	ctx := context.Background()
	s, err := OpenSQLite(ctx, filepath.Join(b.TempDir(), "hq.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	year := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	start := time.Now()
	// 20 stores × 5 registers, 500 products, lines spread evenly over the year.
	_, err = s.w.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
		INSERT INTO line_facts (register_id, seq, line, store_id, shift_id, kind, employee_id, product_id, name, tax_bp,
			qty, net, tax, gross, discount, refers_to, currency, at_ms)
		SELECT 'S' || (i % 20) || '-R' || (i / 20 % 5), i, 1, 'S' || (i % 20), '', CASE WHEN i % 50 = 0 THEN 'return' ELSE 'sale' END,
			'E' || (i % 97), 'P' || (i % 500), 'Product', CASE WHEN i % 3 = 0 THEN 1900 ELSE 700 END,
			1000, 100 + i % 900, 7 + i % 60, 107 + i % 900 + i % 60, 0, '', 'EUR', ? + (i * ?) / ?
		FROM n`, lines, year.UnixMilli(), int64(365*24*3600*1000), lines)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d line facts in %v", lines, time.Since(start).Round(time.Millisecond))
	loc, _ := time.LoadLocation("Europe/Berlin")
	queries := []FactQuery{
		{From: year, To: year.AddDate(1, 0, 0), By: headoffice.ByDay, Loc: loc},
		{From: year, To: year.AddDate(1, 0, 0), By: headoffice.ByProduct, Loc: loc},
		{From: year, To: year.AddDate(1, 0, 0), By: headoffice.ByStore, Loc: loc},
		{From: year, To: year.AddDate(1, 0, 0), By: headoffice.ByTaxRate, StoreID: "S7", Loc: loc},
		{From: year.AddDate(0, 6, 0), To: year.AddDate(0, 6, 7), By: headoffice.ByHour, Loc: loc},
	}
	var took []time.Duration
	b.ResetTimer()
	for b.Loop() {
		for _, q := range queries {
			t0 := time.Now()
			ts, err := s.FactTotals(ctx, q)
			if err != nil || len(ts) == 0 {
				b.Fatalf("%+v: %d rows, %v", q, len(ts), err)
			}
			took = append(took, time.Since(t0))
		}
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100].Milliseconds()), "p99-ms")
	b.ReportMetric(float64(took[len(took)/2].Milliseconds()), "p50-ms")
}
