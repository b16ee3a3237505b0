package hqstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/tillpos/till/app/headoffice"
)

// The reports' value types are app/headoffice's.
type (
	FactQuery = headoffice.FactQuery
	FactTotal = headoffice.FactTotal
)

// factColumn is the line_facts column a dimension groups by.
var factColumn = map[headoffice.Dimension]string{
	headoffice.ByStore:    "store_id",
	headoffice.ByRegister: "register_id",
	headoffice.ByEmployee: "employee_id",
	headoffice.ByProduct:  "product_id",
	headoffice.ByTaxRate:  "CAST(tax_bp AS TEXT)",
	headoffice.ByKind:     "kind",
	// Local days and hours: quarter hours (which lie within one local
	// hour in every zone) are folded in Go, as MoneyByHour does.
	headoffice.ByDay:  "at_ms / 900000",
	headoffice.ByHour: "at_ms / 900000",
}

// factTotals is FactTotals inside a read transaction.
func factTotals(ctx context.Context, tx catalogTx, q FactQuery) ([]FactTotal, error) {
	where := ` WHERE at_ms >= ? AND at_ms < ?`
	args := []any{q.From.UnixMilli(), q.To.UnixMilli()}
	if q.StoreID != "" {
		where += ` AND store_id = ?`
		args = append(args, q.StoreID)
	}
	if q.Kind != "" {
		where += ` AND kind = ?`
		args = append(args, string(q.Kind))
	}
	var sql string
	bucketed := q.By == headoffice.ByDay || q.By == headoffice.ByHour
	switch col, ok := factColumn[q.By]; {
	case q.By == headoffice.ByTender:
		sql = `SELECT tender, currency, count(*), 0, 0, 0, sum(amount), 0 FROM money_facts` + where +
			` AND part > 0 AND kind IN ('sale', 'return', 'void') GROUP BY 1, 2`
	case ok:
		sql = `SELECT ` + col + `, currency, count(*), sum(qty), sum(net), sum(tax), sum(gross), sum(discount) FROM line_facts` +
			where + ` GROUP BY 1, 2`
	default:
		return nil, fmt.Errorf("hqstore: no fact column for %q", q.By)
	}
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("hqstore: fact totals by %s: %w", q.By, err)
	}
	defer rows.Close()
	loc := cmp.Or(q.Loc, time.UTC)
	type key struct{ key, currency string }
	sums := map[key]*FactTotal{}
	for rows.Next() {
		var t FactTotal
		var bucket int64
		dest := []any{&t.Key, &t.Currency, &t.Count, &t.Qty, &t.Net, &t.Tax, &t.Gross, &t.Discount}
		if bucketed {
			dest[0] = &bucket
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("hqstore: fact totals by %s: %w", q.By, err)
		}
		if bucketed {
			at := time.UnixMilli(bucket * salesBucketMS).In(loc)
			if q.By == headoffice.ByDay {
				t.Key = at.Format(time.DateOnly)
			} else {
				t.Key = fmt.Sprintf("%02d", at.Hour())
			}
		}
		k := key{t.Key, t.Currency}
		if s := sums[k]; s != nil {
			s.Count, s.Qty, s.Net, s.Tax, s.Gross, s.Discount = s.Count+t.Count, s.Qty+t.Qty, s.Net+t.Net, s.Tax+t.Tax,
				s.Gross+t.Gross, s.Discount+t.Discount
		} else {
			sums[k] = &t
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("hqstore: fact totals by %s: %w", q.By, err)
	}
	out := make([]FactTotal, 0, len(sums))
	for _, t := range sums {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b FactTotal) int {
		if q.By == headoffice.ByTaxRate { // numerically, not as text
			ai, _ := strconv.Atoi(a.Key)
			bi, _ := strconv.Atoi(b.Key)
			return cmp.Or(cmp.Compare(ai, bi), cmp.Compare(a.Currency, b.Currency))
		}
		return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Currency, b.Currency))
	})
	return out, nil
}

// events is Events inside a read transaction.
func events(ctx context.Context, tx catalogTx, q FactQuery, kind headoffice.EventKind) ([]EventFact, error) {
	sql := `SELECT ` + eventFactCols + ` FROM event_facts WHERE kind = ? AND at_ms >= ? AND at_ms < ?`
	args := []any{string(kind), q.From.UnixMilli(), q.To.UnixMilli()}
	if q.StoreID != "" {
		sql += ` AND store_id = ?`
		args = append(args, q.StoreID)
	}
	rows, err := tx.Query(ctx, sql+` ORDER BY at_ms, register_id, seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("hqstore: events: %w", err)
	}
	defer rows.Close()
	return scanEventFacts(rows)
}

// FactTotals implements headoffice.Facts.
func (s *SQLite) FactTotals(ctx context.Context, q FactQuery) ([]FactTotal, error) {
	return factTotals(ctx, sqliteReader{s.r}, q)
}

// Events implements headoffice.Facts.
func (s *SQLite) Events(ctx context.Context, q FactQuery, kind headoffice.EventKind) ([]EventFact, error) {
	return events(ctx, sqliteReader{s.r}, q, kind)
}

// FactTotals implements headoffice.Facts.
func (s *Postgres) FactTotals(ctx context.Context, q FactQuery) (out []FactTotal, err error) {
	err = s.inCatalogTx(ctx, "fact totals", false, func(tx catalogTx) error {
		out, err = factTotals(ctx, tx, q)
		return err
	})
	return out, err
}

// Events implements headoffice.Facts.
func (s *Postgres) Events(ctx context.Context, q FactQuery, kind headoffice.EventKind) (out []EventFact, err error) {
	err = s.inCatalogTx(ctx, "events", false, func(tx catalogTx) error {
		out, err = events(ctx, tx, q, kind)
		return err
	})
	return out, err
}
