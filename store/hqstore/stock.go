package hqstore

import (
	"cmp"
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
)

// StockPosition is app/headoffice's.
type (
	StockPosition = headoffice.StockPosition
	StockFilter   = headoffice.StockFilter
)

// Stock is the projection of every entry that moves goods (docs/INVENTORY.md):
// the movements and the on-hand per store and product, written by ingest in
// the same transaction as the entries. Store embeds it.
type Stock interface {
	// StockPositions lists on-hand positions by store and product.
	StockPositions(ctx context.Context, f StockFilter) ([]StockPosition, error)
	// StockMovements lists the movements of a product in a store in the
	// one order (pos.MovementBefore); both empty lists every movement.
	StockMovements(ctx context.Context, storeID, productID string) ([]pos.Movement, error)
	// RebuildStock drops the projection and makes it again from the stored
	// entries, in one transaction: the movements, then every position as
	// pos.OnHandAll computes it. It returns the movements written.
	RebuildStock(ctx context.Context) (int, error)
	// SetStockSetting sets a product's reorder point, maximum and cost in a store.
	SetStockSetting(ctx context.Context, s StockSetting) error
	// LowStock lists a store's products at or below their reorder point,
	// with the min/max suggested order.
	LowStock(ctx context.Context, storeID string, limit int) ([]LowStock, error)
	// Valuation is a store's stock at cost.
	Valuation(ctx context.Context, storeID string) (Valuation, error)
	// LedgerEnd and AppendLedger are the head office's own journal
	// (headoffice.StockLedger): entries of headoffice.LedgerRegister.
	LedgerEnd(ctx context.Context) (seq int64, hash string, err error)
	AppendLedger(ctx context.Context, e pos.Entry) (stored bool, reason string, err error)
}

// stockMovementsOf derives the movements of a stored entry. store is the
// register's store for a sale record that names none. A payload that
// cannot be read moves nothing: checkNext has already refused every
// malformed sale or stock record, so this only skips kinds that move no
// goods. Times are kept to the millisecond, as the table stores them.
//
// Sale, return and void entries carry no clock offset of their own; until
// the heartbeat history (register_clock) exists they are ordered by the
// register's clock (offset 0), which keeps a rebuild identical to ingest.
func stockMovementsOf(e pos.Entry, store string) []pos.Movement {
	var out []pos.Movement
	switch e.Kind {
	case pos.EntrySale, pos.EntryReturn, pos.EntryVoid:
		var r pos.SaleRecord
		if pos.DecodeCanonical(e.Payload, &r) != nil {
			return nil
		}
		if r.Completed.IsZero() {
			r.Completed = e.CreatedAt
		}
		out = pos.SaleMovements(e, r, store, 0)
	case pos.EntryStock:
		r, err := pos.DecodeStockRecord(e.Payload)
		if err != nil {
			return nil
		}
		out = r.Movements(e, 0)
	}
	for i := range out {
		out[i].At = out[i].At.UTC().Truncate(time.Millisecond)
		out[i].ClockOffset = out[i].ClockOffset.Truncate(time.Millisecond)
	}
	return out
}

const insertMovementSQL = `INSERT INTO stock_movements
	(register_id, id, seq, line, entry_id, store_id, product_id, kind, qty, lot, expiry, ref, reason, at_ms, offset_ms, corrected_ms)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// movementArgs are insertMovementSQL's arguments for m.
func movementArgs(m pos.Movement) []any {
	entry, _, _ := strings.Cut(m.ID, "/")
	return []any{m.Register, m.ID, m.Seq, m.Line, entry, m.Store, m.Product, string(m.Kind), int64(m.Qty), m.Lot, m.Expiry,
		m.Ref, string(m.Reason), m.At.UnixMilli(), m.ClockOffset.Milliseconds(), m.Corrected().UnixMilli()}
}

// movementKey is a movement's place in the one order, as the table keeps it.
type movementKey struct {
	ms       int64
	register string
	seq      int64
	line     int
	id       string
}

func keyOf(m pos.Movement) movementKey {
	return movementKey{m.Corrected().UnixMilli(), m.Register, m.Seq, m.Line, m.ID}
}

func (a movementKey) compare(b movementKey) int {
	return cmp.Or(cmp.Compare(a.ms, b.ms), strings.Compare(a.register, b.register), cmp.Compare(a.seq, b.seq),
		cmp.Compare(a.line, b.line), strings.Compare(a.id, b.id))
}

// storedPosition is a row of stock_positions.
type storedPosition struct {
	qty, countQty, since int64
	counted              bool
	count                movementKey
}

// applyStock brings the positions up to date with moves, which are already
// inserted into stock_movements in this transaction. It is pos.OnHand done
// incrementally, so the arrival order of batches does not matter: per store
// and product, if the latest count among moves is ordered after the
// position's count (or there is none), the position becomes that count's
// level plus every change ordered after it (one indexed range sum, which
// includes moves); otherwise each change ordered after the position's count
// is added and the others are history only. Keys are visited in order and
// each position row is locked (lockSuffix, "FOR UPDATE" on PostgreSQL)
// before it is read, so concurrent ingests neither lose updates nor
// deadlock.
func applyStock(ctx context.Context, tx catalogTx, moves []pos.Movement, lockSuffix string) error {
	if len(moves) == 0 {
		return nil
	}
	ms := slices.Clone(moves)
	slices.SortFunc(ms, func(a, b pos.Movement) int {
		return cmp.Or(strings.Compare(a.Store, b.Store), strings.Compare(a.Product, b.Product), keyOf(a).compare(keyOf(b)))
	})
	for i := 0; i < len(ms); {
		j := i + 1
		for j < len(ms) && ms[j].Store == ms[i].Store && ms[j].Product == ms[i].Product {
			j++
		}
		if err := applyStockKey(ctx, tx, ms[i:j], lockSuffix); err != nil {
			return fmt.Errorf("hqstore: stock of %s in %s: %w", ms[i].Product, ms[i].Store, err)
		}
		i = j
	}
	return nil
}

// applyStockKey applies moves of one store and product, sorted in the one order.
func applyStockKey(ctx context.Context, tx catalogTx, moves []pos.Movement, lockSuffix string) error {
	store, product := moves[0].Store, moves[0].Product
	if err := tx.Exec(ctx, `INSERT INTO stock_positions
		(store_id, product_id, qty, counted, count_qty, count_ms, count_register, count_seq, count_line, count_id, since)
		VALUES (?, ?, 0, 0, 0, 0, '', 0, 0, '', 0) ON CONFLICT DO NOTHING`, store, product); err != nil {
		return err
	}
	var p storedPosition
	var counted int64
	if err := tx.QueryRow(ctx, `SELECT qty, counted, count_qty, count_ms, count_register, count_seq, count_line, count_id, since
		FROM stock_positions WHERE store_id = ? AND product_id = ? `+lockSuffix, store, product).
		Scan(&p.qty, &counted, &p.countQty, &p.count.ms, &p.count.register, &p.count.seq, &p.count.line, &p.count.id, &p.since); err != nil {
		return err
	}
	p.counted = counted != 0
	last := -1 // the latest count among moves
	for i, m := range moves {
		if m.Kind == pos.MoveCount {
			last = i
		}
	}
	if last >= 0 && (!p.counted || keyOf(moves[last]).compare(p.count) > 0) {
		c := moves[last]
		k := keyOf(c)
		var sum, n int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(qty), 0), COUNT(*) FROM stock_movements
			WHERE store_id = ? AND product_id = ? AND kind <> 'count'
			AND (corrected_ms, register_id, seq, line, id) > (?, ?, ?, ?, ?)`,
			store, product, k.ms, k.register, k.seq, k.line, k.id).Scan(&sum, &n); err != nil {
			return err
		}
		p = storedPosition{qty: int64(c.Qty) + sum, countQty: int64(c.Qty), since: n, counted: true, count: k}
	} else {
		for _, m := range moves {
			if m.Kind == pos.MoveCount || (p.counted && keyOf(m).compare(p.count) < 0) {
				continue // an older count, or history the position's count absorbed
			}
			p.qty += int64(m.Qty)
			p.since++
		}
	}
	return writePosition(ctx, tx, store, product, p)
}

func writePosition(ctx context.Context, tx catalogTx, store, product string, p storedPosition) error {
	counted := 0
	if p.counted {
		counted = 1
	}
	return tx.Exec(ctx, `UPDATE stock_positions SET qty = ?, counted = ?, count_qty = ?, count_ms = ?, count_register = ?,
		count_seq = ?, count_line = ?, count_id = ?, since = ? WHERE store_id = ? AND product_id = ?`,
		p.qty, counted, p.countQty, p.count.ms, p.count.register, p.count.seq, p.count.line, p.count.id, p.since, store, product)
}

// projectStock returns the movements of entries just stored for registerID;
// the backend inserts them and then calls applyStock, in the ingest
// transaction.
func projectStock(ctx context.Context, tx catalogTx, registerID string, entries []pos.Entry) ([]pos.Movement, error) {
	var store string
	var out []pos.Movement
	looked := false
	for _, e := range entries {
		switch e.Kind {
		case pos.EntrySale, pos.EntryReturn, pos.EntryVoid, pos.EntryStock:
		default:
			continue
		}
		if !looked { // only a sale record that names no store needs it
			looked = true
			err := tx.QueryRow(ctx, `SELECT store_id FROM register_accounts WHERE register_id = ?`, registerID).Scan(&store)
			if err != nil && err != errNoRow {
				return nil, fmt.Errorf("hqstore: stock of %s: %w", registerID, err)
			}
		}
		out = append(out, stockMovementsOf(e, store)...)
	}
	return out, nil
}

// insertMovements writes moves one statement each (the rebuild's path and
// SQLite's, with a prepared statement underneath).
func insertMovements(ctx context.Context, tx catalogTx, moves []pos.Movement) error {
	for _, m := range moves {
		if err := tx.Exec(ctx, insertMovementSQL, movementArgs(m)...); err != nil {
			return fmt.Errorf("hqstore: store movement %s/%s: %w", m.Register, m.ID, err)
		}
	}
	return nil
}

// rebuildStock is RebuildStock inside the backend's write transaction.
func rebuildStock(ctx context.Context, tx catalogTx) (int, error) {
	for _, q := range []string{`DELETE FROM stock_movements`, `DELETE FROM stock_positions`} {
		if err := tx.Exec(ctx, q); err != nil {
			return 0, fmt.Errorf("hqstore: rebuild stock: %w", err)
		}
	}
	registers, err := registerIDs(ctx, tx)
	if err != nil {
		return 0, err
	}
	written := 0
	for _, rid := range registers {
		for after := int64(0); ; {
			page, err := entryPage(ctx, tx, rid, after, 500)
			if err != nil {
				return 0, err
			}
			moves, err := projectStock(ctx, tx, rid, page)
			if err != nil {
				return 0, err
			}
			if err := insertMovements(ctx, tx, moves); err != nil {
				return 0, err
			}
			written += len(moves)
			if len(page) < 500 {
				break
			}
			after = page[len(page)-1].Seq
		}
	}
	// Positions from the whole history at once, by the domain's own
	// function: a rebuild is the reference the incremental path must match.
	all, err := readMovements(ctx, tx, "", "")
	if err != nil {
		return 0, err
	}
	for k, p := range pos.OnHandAll(all) {
		sp := storedPosition{qty: int64(p.Qty), since: int64(p.Since), counted: p.Counted, countQty: int64(p.CountQty)}
		if p.Counted {
			sp.count = latestCountKey(all, k)
		}
		if err := tx.Exec(ctx, `INSERT INTO stock_positions
			(store_id, product_id, qty, counted, count_qty, count_ms, count_register, count_seq, count_line, count_id, since)
			VALUES (?, ?, 0, 0, 0, 0, '', 0, 0, '', 0)`, k.Store, k.Product); err != nil {
			return 0, fmt.Errorf("hqstore: rebuild stock: %w", err)
		}
		if err := writePosition(ctx, tx, k.Store, k.Product, sp); err != nil {
			return 0, fmt.Errorf("hqstore: rebuild stock: %w", err)
		}
	}
	// The owner's settings live in stock_settings; positions carry a copy.
	if err := tx.Exec(ctx, `INSERT INTO stock_positions
		(store_id, product_id, qty, counted, count_qty, count_ms, count_register, count_seq, count_line, count_id, since,
		reorder_point, max_qty) SELECT store_id, product_id, 0, 0, 0, 0, '', 0, 0, '', 0, reorder_point, max_qty FROM stock_settings
		WHERE true ON CONFLICT (store_id, product_id) DO UPDATE SET reorder_point = excluded.reorder_point, max_qty = excluded.max_qty`); err != nil {
		return 0, fmt.Errorf("hqstore: rebuild stock: %w", err)
	}
	return written, nil
}

// latestCountKey is the key of the latest count of k among moves.
func latestCountKey(moves []pos.Movement, k pos.StockKey) movementKey {
	var best movementKey
	found := false
	for _, m := range moves {
		if m.Store == k.Store && m.Product == k.Product && m.Kind == pos.MoveCount {
			if mk := keyOf(m); !found || mk.compare(best) > 0 {
				best, found = mk, true
			}
		}
	}
	return best
}

// registerIDs lists every register with stored entries.
func registerIDs(ctx context.Context, tx catalogTx) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT register_id FROM registers ORDER BY register_id`)
	if err != nil {
		return nil, fmt.Errorf("hqstore: list registers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("hqstore: list registers: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// readMovements is StockMovements inside a read transaction.
func readMovements(ctx context.Context, tx catalogTx, storeID, productID string) ([]pos.Movement, error) {
	q := `SELECT register_id, id, seq, line, store_id, product_id, kind, qty, lot, expiry, ref, reason, at_ms, offset_ms
		FROM stock_movements`
	var args []any
	if storeID != "" || productID != "" {
		q, args = q+` WHERE store_id = ? AND product_id = ?`, []any{storeID, productID}
	}
	rows, err := tx.Query(ctx, q+` ORDER BY store_id, product_id, corrected_ms, register_id, seq, line, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("hqstore: stock movements: %w", err)
	}
	defer rows.Close()
	var out []pos.Movement
	for rows.Next() {
		var m pos.Movement
		var kind, reason string
		var qty, at, off int64
		if err := rows.Scan(&m.Register, &m.ID, &m.Seq, &m.Line, &m.Store, &m.Product, &kind, &qty, &m.Lot, &m.Expiry,
			&m.Ref, &reason, &at, &off); err != nil {
			return nil, fmt.Errorf("hqstore: stock movements: %w", err)
		}
		m.Kind, m.Reason, m.Qty = pos.MovementKind(kind), pos.AdjustReason(reason), pos.Qty(qty)
		m.At, m.ClockOffset = time.UnixMilli(at).UTC(), time.Duration(off)*time.Millisecond
		out = append(out, m)
	}
	return out, rows.Err()
}

// readPositions is StockPositions inside a read transaction.
func readPositions(ctx context.Context, tx catalogTx, f StockFilter) ([]StockPosition, error) {
	var where []string
	var args []any
	if f.StoreID != "" {
		where, args = append(where, "store_id = ?"), append(args, f.StoreID)
	}
	if f.ProductID != "" {
		where, args = append(where, "product_id = ?"), append(args, f.ProductID)
	}
	if f.Negative {
		where = append(where, "qty < 0")
	}
	q := `SELECT store_id, product_id, qty, counted, count_qty, count_ms, since FROM stock_positions`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = headoffice.DefaultStockLimit
	}
	rows, err := tx.Query(ctx, q+` ORDER BY store_id, product_id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("hqstore: stock positions: %w", err)
	}
	defer rows.Close()
	var out []StockPosition
	for rows.Next() {
		var p StockPosition
		var qty, counted, countQty, countMS, since int64
		if err := rows.Scan(&p.StoreID, &p.ProductID, &qty, &counted, &countQty, &countMS, &since); err != nil {
			return nil, fmt.Errorf("hqstore: stock positions: %w", err)
		}
		p.Qty, p.Counted, p.Since, p.Negative = pos.Qty(qty), counted != 0, int(since), qty < 0
		if p.Counted {
			p.CountQty, p.CountedAt = pos.Qty(countQty), time.UnixMilli(countMS).UTC()
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// LedgerEnd implements headoffice.StockLedger for any Store: the end of the head
// office's own chain.
func ledgerEnd(ctx context.Context, s Store) (int64, string, error) {
	st, err := s.SyncState(ctx, headoffice.LedgerRegister)
	return st.LastSeq, st.LastHash, err
}

// appendLedger stores the head office's next entry through IngestBatch, so
// it is checked, stored and projected exactly as a register's.
func appendLedger(ctx context.Context, s Store, e pos.Entry) (bool, string, error) {
	res, _, err := s.IngestBatch(ctx, headoffice.LedgerRegister, []pos.Entry{e})
	if err != nil {
		return false, "", err
	}
	return res[0].Status != Rejected, res[0].Reason, nil
}

// LedgerEnd implements headoffice.StockLedger.
func (s *SQLite) LedgerEnd(ctx context.Context) (int64, string, error) { return ledgerEnd(ctx, s) }

// AppendLedger implements headoffice.StockLedger.
func (s *SQLite) AppendLedger(ctx context.Context, e pos.Entry) (bool, string, error) {
	return appendLedger(ctx, s, e)
}

// LedgerEnd implements headoffice.StockLedger.
func (s *Postgres) LedgerEnd(ctx context.Context) (int64, string, error) { return ledgerEnd(ctx, s) }

// AppendLedger implements headoffice.StockLedger.
func (s *Postgres) AppendLedger(ctx context.Context, e pos.Entry) (bool, string, error) {
	return appendLedger(ctx, s, e)
}

// The owner's settings, the low-stock list and the valuation.
type (
	StockSetting = headoffice.StockSetting
	LowStock     = headoffice.LowStock
	Valuation    = headoffice.Valuation
)

// setStockSetting is SetStockSetting inside a write transaction.
func setStockSetting(ctx context.Context, tx catalogTx, s StockSetting) error {
	err := tx.Exec(ctx, `INSERT INTO stock_settings (store_id, product_id, reorder_point, max_qty, cost) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (store_id, product_id) DO UPDATE SET reorder_point = excluded.reorder_point, max_qty = excluded.max_qty,
		cost = excluded.cost`, s.StoreID, s.ProductID, int64(s.ReorderPoint), int64(s.MaxQty), s.Cost)
	if err == nil {
		err = tx.Exec(ctx, `INSERT INTO stock_positions
			(store_id, product_id, qty, counted, count_qty, count_ms, count_register, count_seq, count_line, count_id, since,
			reorder_point, max_qty) VALUES (?, ?, 0, 0, 0, 0, '', 0, 0, '', 0, ?, ?)
			ON CONFLICT (store_id, product_id) DO UPDATE SET reorder_point = excluded.reorder_point, max_qty = excluded.max_qty`,
			s.StoreID, s.ProductID, int64(s.ReorderPoint), int64(s.MaxQty))
	}
	if err != nil {
		return fmt.Errorf("hqstore: stock setting %s/%s: %w", s.StoreID, s.ProductID, err)
	}
	return nil
}

// lowStock is LowStock inside a read transaction: every product of the
// store with a setting (a setting makes a position) whose on-hand is at or below its
// reorder point, by product; a maximum of 0 means not kept in stock.
func lowStock(ctx context.Context, tx catalogTx, storeID string, limit int) ([]LowStock, error) {
	if limit <= 0 {
		limit = headoffice.DefaultStockLimit
	}
	// The condition is the partial expression index stock_positions_low's.
	rows, err := tx.Query(ctx, `SELECT product_id, qty, reorder_point, max_qty FROM stock_positions
		WHERE store_id = ? AND max_qty > 0 AND qty - reorder_point <= 0 ORDER BY product_id LIMIT ?`, storeID, limit)
	if err != nil {
		return nil, fmt.Errorf("hqstore: low stock: %w", err)
	}
	defer rows.Close()
	out := []LowStock{}
	for rows.Next() {
		l := LowStock{StoreID: storeID}
		var q, rp, mx int64
		if err := rows.Scan(&l.ProductID, &q, &rp, &mx); err != nil {
			return nil, fmt.Errorf("hqstore: low stock: %w", err)
		}
		l.OnHand, l.ReorderPoint, l.MaxQty = pos.Qty(q), pos.Qty(rp), pos.Qty(mx)
		l.Suggested = max(l.MaxQty-l.OnHand, 0)
		out = append(out, l)
	}
	return out, rows.Err()
}

// valuation is Valuation inside a read transaction: the store's positive
// on-hand times cost, per position rounded half up to the minor unit,
// summed exactly and capped at pos.MaxAmount.
func valuation(ctx context.Context, tx catalogTx, storeID string) (Valuation, error) {
	v := Valuation{StoreID: storeID}
	rows, err := tx.Query(ctx, `SELECT p.qty, COALESCE(s.cost, -1) FROM stock_positions p
		LEFT JOIN stock_settings s ON s.store_id = p.store_id AND s.product_id = p.product_id
		WHERE p.store_id = ? AND p.qty > 0`, storeID)
	if err != nil {
		return v, fmt.Errorf("hqstore: valuation: %w", err)
	}
	defer rows.Close()
	sum := new(big.Int)
	line := new(big.Int)
	for rows.Next() {
		var q, cost int64
		if err := rows.Scan(&q, &cost); err != nil {
			return v, fmt.Errorf("hqstore: valuation: %w", err)
		}
		if cost < 0 {
			v.Unvalued++
			continue
		}
		line.Mul(big.NewInt(q), big.NewInt(cost))
		line.Add(line, big.NewInt(500)) // thousandths of a unit: half up
		line.Quo(line, big.NewInt(1000))
		sum.Add(sum, line)
	}
	if err := rows.Err(); err != nil {
		return v, fmt.Errorf("hqstore: valuation: %w", err)
	}
	v.Value = pos.MaxAmount
	if sum.IsInt64() && sum.Int64() < pos.MaxAmount {
		v.Value = sum.Int64()
	}
	return v, nil
}

// SetStockSetting implements Stock.
func (s *SQLite) SetStockSetting(ctx context.Context, st StockSetting) error {
	return s.inCatalogTx(ctx, "stock setting", func(tx catalogTx) error { return setStockSetting(ctx, tx, st) })
}

// LowStock implements Stock.
func (s *SQLite) LowStock(ctx context.Context, storeID string, limit int) ([]LowStock, error) {
	return lowStock(ctx, sqliteReader{s.r}, storeID, limit)
}

// Valuation implements Stock.
func (s *SQLite) Valuation(ctx context.Context, storeID string) (Valuation, error) {
	return valuation(ctx, sqliteReader{s.r}, storeID)
}

// SetStockSetting implements Stock.
func (s *Postgres) SetStockSetting(ctx context.Context, st StockSetting) error {
	return s.inCatalogTx(ctx, "stock setting", true, func(tx catalogTx) error { return setStockSetting(ctx, tx, st) })
}

// LowStock implements Stock.
func (s *Postgres) LowStock(ctx context.Context, storeID string, limit int) (out []LowStock, err error) {
	err = s.inCatalogTx(ctx, "low stock", false, func(tx catalogTx) error {
		out, err = lowStock(ctx, tx, storeID, limit)
		return err
	})
	return out, err
}

// Valuation implements Stock.
func (s *Postgres) Valuation(ctx context.Context, storeID string) (v Valuation, err error) {
	err = s.inCatalogTx(ctx, "valuation", false, func(tx catalogTx) error {
		v, err = valuation(ctx, tx, storeID)
		return err
	})
	return v, err
}
