package hqstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tillpos/till/app/headoffice"
)

// HourlySales is app/headoffice's.
type HourlySales = headoffice.HourlySales

// salesBucketMS is the width of the buckets the database groups sales into:
// a quarter hour. Every time zone's offset from UTC is a whole number of
// quarter hours, so each bucket lies within one local clock hour.
const salesBucketMS = 15 * 60 * 1000

// Each backend groups by store, currency and bucket in SQL; foldHours turns
// the buckets into local hours.
const (
	hourlySalesSQLite = `SELECT store_id, currency, completed_at_ms / 900000, count(*), ` + grossSumColumns + `
		FROM sales WHERE completed_at_ms >= ? AND completed_at_ms < ? GROUP BY 1, 2, 3`
	hourlySalesPostgres = `SELECT store_id, currency, completed_at_ms / 900000, count(*), ` + grossSumColumnsPG + `
		FROM sales WHERE completed_at_ms >= $1 AND completed_at_ms < $2 GROUP BY 1, 2, 3`
)

// bucketRows is what *sql.Rows and pgx.Rows share.
type bucketRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// foldHours sums the buckets of rows into local hours of loc, ordered by
// store, hour and currency.
func foldHours(rows bucketRows, loc *time.Location) ([]HourlySales, error) {
	type key struct {
		store, currency string
		hour            int
	}
	sums := map[key]*HourlySales{}
	for rows.Next() {
		var store, currency string
		var bucket, n, hi, lo int64
		if err := rows.Scan(&store, &currency, &bucket, &n, &hi, &lo); err != nil {
			return nil, err
		}
		gross := joinGrossSum(hi, lo)
		h := time.UnixMilli(bucket * salesBucketMS).In(loc).Hour()
		k := key{store, currency, h}
		if sums[k] == nil {
			sums[k] = &HourlySales{StoreID: store, Hour: h, Currency: currency}
		}
		sums[k].Sales += n
		sums[k].Gross = addSaturating(sums[k].Gross, gross)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]HourlySales, 0, len(sums))
	for _, s := range sums {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b HourlySales) int {
		return cmp.Or(cmp.Compare(a.StoreID, b.StoreID), cmp.Compare(a.Hour, b.Hour), cmp.Compare(a.Currency, b.Currency))
	})
	return out, nil
}

// SalesByHour implements Store.
func (s *SQLite) SalesByHour(ctx context.Context, from, to time.Time, loc *time.Location) ([]HourlySales, error) {
	rows, err := s.r.QueryContext(ctx, hourlySalesSQLite, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("hqstore: sales by hour: %w", err)
	}
	defer rows.Close()
	out, err := foldHours(rows, loc)
	if err != nil {
		return nil, fmt.Errorf("hqstore: sales by hour: %w", err)
	}
	return out, nil
}

// SalesByHour implements Store.
func (s *Postgres) SalesByHour(ctx context.Context, from, to time.Time, loc *time.Location) ([]HourlySales, error) {
	rows, err := s.pool.Query(ctx, hourlySalesPostgres, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("hqstore: sales by hour: %w", err)
	}
	defer rows.Close()
	out, err := foldHours(rows, loc)
	if err != nil {
		return nil, fmt.Errorf("hqstore: sales by hour: %w", err)
	}
	return out, nil
}
