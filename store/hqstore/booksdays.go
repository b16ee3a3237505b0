package hqstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tillpos/till/app/headoffice/books"
)

// bookedDays is BookedDays inside a transaction.
func bookedDays(ctx context.Context, tx catalogTx, storeID string) (map[string][]books.Posting, error) {
	rows, err := tx.Query(ctx, `SELECT day, postings FROM books_days WHERE store_id = ?`, storeID)
	if err != nil {
		return nil, fmt.Errorf("hqstore: booked days: %w", err)
	}
	defer rows.Close()
	out := map[string][]books.Posting{}
	for rows.Next() {
		var day, data string
		if err := rows.Scan(&day, &data); err != nil {
			return nil, fmt.Errorf("hqstore: booked days: %w", err)
		}
		var ps []books.Posting
		if err := json.Unmarshal([]byte(data), &ps); err != nil {
			return nil, fmt.Errorf("hqstore: booked day %s/%s: %w", storeID, day, err)
		}
		out[day] = ps
	}
	return out, rows.Err()
}

// saveBookedDays is SaveBookedDays inside a write transaction.
func saveBookedDays(ctx context.Context, tx catalogTx, storeID string, days map[string][]books.Posting) error {
	for day, ps := range days {
		data, err := json.Marshal(ps)
		if err != nil {
			return err
		}
		if err := tx.Exec(ctx, `DELETE FROM books_days WHERE store_id = ? AND day = ?`, storeID, day); err != nil {
			return fmt.Errorf("hqstore: close day %s/%s: %w", storeID, day, err)
		}
		if err := tx.Exec(ctx, `INSERT INTO books_days (store_id, day, postings) VALUES (?, ?, ?)`, storeID, day, string(data)); err != nil {
			return fmt.Errorf("hqstore: close day %s/%s: %w", storeID, day, err)
		}
	}
	return nil
}

// BookedDays implements headoffice.Ledger.
func (s *SQLite) BookedDays(ctx context.Context, storeID string) (map[string][]books.Posting, error) {
	return bookedDays(ctx, sqliteReader{s.r}, storeID)
}

// SaveBookedDays implements headoffice.Ledger.
func (s *SQLite) SaveBookedDays(ctx context.Context, storeID string, days map[string][]books.Posting) error {
	return s.inCatalogTx(ctx, "close days", func(tx catalogTx) error { return saveBookedDays(ctx, tx, storeID, days) })
}

// BookedDays implements headoffice.Ledger.
func (s *Postgres) BookedDays(ctx context.Context, storeID string) (out map[string][]books.Posting, err error) {
	err = s.inCatalogTx(ctx, "booked days", false, func(tx catalogTx) error {
		out, err = bookedDays(ctx, tx, storeID)
		return err
	})
	return out, err
}

// SaveBookedDays implements headoffice.Ledger.
func (s *Postgres) SaveBookedDays(ctx context.Context, storeID string, days map[string][]books.Posting) error {
	return s.inCatalogTx(ctx, "close days", true, func(tx catalogTx) error { return saveBookedDays(ctx, tx, storeID, days) })
}
