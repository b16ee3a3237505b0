package hqstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tillpos/till/app/headoffice"
)

const (
	lineFactCols  = `register_id, seq, line, store_id, shift_id, kind, employee_id, product_id, name, tax_bp, qty, net, tax, gross, discount, refers_to, currency, at_ms`
	eventFactCols = `register_id, seq, store_id, shift_id, kind, employee_id, approver_id, action, currency, amount, expected, counted, gross, net, tax, at_ms`
	// factChunk rows go into one INSERT: a round trip (PostgreSQL) or a
	// statement compile (SQLite) per chunk, not per row, well under both
	// databases' limits on parameters.
	factChunk = 200
)

func lineFactArgs(f LineFact) []any {
	return []any{f.RegisterID, f.Seq, f.Line, f.StoreID, f.ShiftID, string(f.Kind), f.EmployeeID, f.ProductID, f.Name,
		f.TaxBP, f.Qty, f.Net, f.Tax, f.Gross, f.Discount, f.RefersTo, f.Currency, f.At.UnixMilli()}
}

func eventFactArgs(f EventFact) []any {
	return []any{f.RegisterID, f.Seq, f.StoreID, f.ShiftID, string(f.Kind), f.EmployeeID, f.ApproverID, f.Action, f.Currency,
		f.Amount, f.Expected, f.Counted, f.Gross, f.Net, f.Tax, f.At.UnixMilli()}
}

// insertRows writes rows into table in multi-row INSERTs of factChunk.
func insertRows(ctx context.Context, tx catalogTx, table, cols string, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), factChunk)
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
		args := make([]any, 0, n*len(rows[0]))
		one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(rows[0])), ", ") + ")"
		for i, r := range rows[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(one)
			args = append(args, r...)
		}
		if err := tx.Exec(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("hqstore: store %s: %w", table, err)
		}
		rows = rows[n:]
	}
	return nil
}

// insertLineEventFacts writes a batch's line and event facts in the
// ingest (or rebuild) transaction.
func insertLineEventFacts(ctx context.Context, tx catalogTx, p projected) error {
	rows := make([][]any, len(p.lines))
	for i, f := range p.lines {
		rows[i] = lineFactArgs(f)
	}
	if err := insertRows(ctx, tx, "line_facts", lineFactCols, rows); err != nil {
		return err
	}
	rows = make([][]any, len(p.events))
	for i, f := range p.events {
		rows[i] = eventFactArgs(f)
	}
	return insertRows(ctx, tx, "event_facts", eventFactCols, rows)
}

// readLineFacts is LineFacts inside a read transaction.
func readLineFacts(ctx context.Context, tx catalogTx, registerID string) ([]LineFact, error) {
	q, args := `SELECT `+lineFactCols+` FROM line_facts`, []any(nil)
	if registerID != "" {
		q, args = q+` WHERE register_id = ?`, []any{registerID}
	}
	rows, err := tx.Query(ctx, q+` ORDER BY register_id, seq, line`, args...)
	if err != nil {
		return nil, fmt.Errorf("hqstore: line facts: %w", err)
	}
	defer rows.Close()
	var out []LineFact
	for rows.Next() {
		var f LineFact
		var kind string
		var ms int64
		if err := rows.Scan(&f.RegisterID, &f.Seq, &f.Line, &f.StoreID, &f.ShiftID, &kind, &f.EmployeeID, &f.ProductID, &f.Name,
			&f.TaxBP, &f.Qty, &f.Net, &f.Tax, &f.Gross, &f.Discount, &f.RefersTo, &f.Currency, &ms); err != nil {
			return nil, fmt.Errorf("hqstore: line facts: %w", err)
		}
		f.Kind, f.At = headoffice.FactKind(kind), time.UnixMilli(ms).UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// readEventFacts is EventFacts inside a read transaction.
func readEventFacts(ctx context.Context, tx catalogTx, registerID string) ([]EventFact, error) {
	q, args := `SELECT `+eventFactCols+` FROM event_facts`, []any(nil)
	if registerID != "" {
		q, args = q+` WHERE register_id = ?`, []any{registerID}
	}
	rows, err := tx.Query(ctx, q+` ORDER BY register_id, seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("hqstore: event facts: %w", err)
	}
	defer rows.Close()
	return scanEventFacts(rows)
}

// scanEventFacts reads rows of eventFactCols.
func scanEventFacts(rows catalogRows) ([]EventFact, error) {
	var out []EventFact
	for rows.Next() {
		var f EventFact
		var kind string
		var ms int64
		if err := rows.Scan(&f.RegisterID, &f.Seq, &f.StoreID, &f.ShiftID, &kind, &f.EmployeeID, &f.ApproverID, &f.Action,
			&f.Currency, &f.Amount, &f.Expected, &f.Counted, &f.Gross, &f.Net, &f.Tax, &ms); err != nil {
			return nil, fmt.Errorf("hqstore: event facts: %w", err)
		}
		f.Kind, f.At = headoffice.EventKind(kind), time.UnixMilli(ms).UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}

// LineFacts implements Money.
func (s *SQLite) LineFacts(ctx context.Context, registerID string) ([]LineFact, error) {
	return readLineFacts(ctx, sqliteReader{s.r}, registerID)
}

// EventFacts implements Money.
func (s *SQLite) EventFacts(ctx context.Context, registerID string) ([]EventFact, error) {
	return readEventFacts(ctx, sqliteReader{s.r}, registerID)
}

// LineFacts implements Money.
func (s *Postgres) LineFacts(ctx context.Context, registerID string) (out []LineFact, err error) {
	err = s.inCatalogTx(ctx, "line facts", false, func(tx catalogTx) error {
		out, err = readLineFacts(ctx, tx, registerID)
		return err
	})
	return out, err
}

// EventFacts implements Money.
func (s *Postgres) EventFacts(ctx context.Context, registerID string) (out []EventFact, err error) {
	err = s.inCatalogTx(ctx, "event facts", false, func(tx catalogTx) error {
		out, err = readEventFacts(ctx, tx, registerID)
		return err
	})
	return out, err
}

// backfillQuery says whether the projection is complete: false when entries
// are stored but no money facts (a database from before migration 0004), or
// sales but no line facts (before 0007). Then open rebuilds it, once.
const backfillQuery = `SELECT NOT (EXISTS (SELECT 1 FROM entries) AND NOT EXISTS (SELECT 1 FROM money_facts))
	AND NOT (EXISTS (SELECT 1 FROM entries WHERE kind IN ('sale', 'return', 'void')) AND NOT EXISTS (SELECT 1 FROM line_facts)),
	true`
