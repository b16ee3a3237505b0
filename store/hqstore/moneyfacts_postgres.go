package hqstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// MoneyByHour implements Money.
func (s *Postgres) MoneyByHour(ctx context.Context, from, to time.Time, loc *time.Location) (out []MoneyTotal, err error) {
	err = s.inCatalogTx(ctx, "money by hour", false, func(tx catalogTx) error {
		out, err = moneyByHour(ctx, tx, from, to, loc)
		return err
	})
	return out, err
}

// MoneyFacts implements Money.
func (s *Postgres) MoneyFacts(ctx context.Context, registerID string) (out []MoneyFact, err error) {
	err = s.inCatalogTx(ctx, "money facts", false, func(tx catalogTx) error {
		out, err = readFacts(ctx, tx, registerID)
		return err
	})
	return out, err
}

// RebuildMoneyFacts implements Money. The table lock makes a concurrent
// ingest wait with its facts until the rebuild has committed.
func (s *Postgres) RebuildMoneyFacts(ctx context.Context) (n int, err error) {
	err = s.inCatalogTx(ctx, "rebuild money facts", true, func(tx catalogTx) error {
		if err := tx.Exec(ctx, `LOCK TABLE money_facts, line_facts, event_facts IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		n, err = rebuildFacts(ctx, tx)
		return err
	})
	return n, err
}

// backfillMoneyFacts: see SQLite's.
func (s *Postgres) backfillMoneyFacts(ctx context.Context) error {
	var facts, entries bool
	if err := s.pool.QueryRow(ctx, backfillQuery).
		Scan(&facts, &entries); err != nil {
		return fmt.Errorf("hqstore: money facts: %w", err)
	}
	if facts || !entries {
		return nil
	}
	_, err := s.RebuildMoneyFacts(ctx)
	return err
}

// insertFactsPG writes a batch's facts in one statement.
func insertFactsPG(ctx context.Context, tx pgx.Tx, facts []MoneyFact) error {
	if len(facts) == 0 {
		return nil
	}
	n := len(facts)
	reg, entry, store, shift, kind, tender, cur := make([]string, n), make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n)
	seq, part, amount, net, tax, at := make([]int64, n), make([]int32, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for i, f := range facts {
		reg[i], seq[i], part[i], entry[i], store[i], shift[i] = f.RegisterID, f.Seq, int32(f.Part), f.EntryID, f.StoreID, f.ShiftID
		kind[i], tender[i], cur[i], amount[i], net[i], tax[i], at[i] = string(f.Kind), f.Tender, f.Currency, f.Amount, f.Net, f.Tax, f.At.UnixMilli()
	}
	_, err := tx.Exec(ctx, `INSERT INTO money_facts
		(register_id, seq, part, entry_id, store_id, shift_id, kind, tender, currency, amount, net, tax, at_ms)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
			$9::text[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[])`,
		reg, seq, part, entry, store, shift, kind, tender, cur, amount, net, tax, at)
	if err != nil {
		return fmt.Errorf("hqstore: store money facts: %w", err)
	}
	return nil
}
