package hqstore

import (
	"math"
	"time"
)

// resultRows is what *sql.Rows (SQLite) and pgx.Rows (PostgreSQL) have in
// common: enough for one scanner per result shape to serve both backends,
// while each keeps its own SQL.
type resultRows interface {
	rowScanner
	Next() bool
	Err() error
}

// scanAll reads every row with scan. The caller closes rows.
func scanAll[T any](rows resultRows, scan func(rowScanner) (T, error)) ([]T, error) {
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func scanStore(row rowScanner) (StoreInfo, error) {
	var st StoreInfo
	err := row.Scan(&st.ID, &st.Name, &st.Address, &st.VATID, &st.Currency, &st.TaxMode, &st.TimeZone, &st.ReceiptHeader, &st.ReceiptFooter, &st.CashRounding)
	return st, err
}

// accountQuery selects what scanAccount reads; both dialects accept it.
const accountQuery = `SELECT register_id, store_id, name, coalesce(code_hash, ''), code_hint, code_expires_ms,
	enrolled_at_ms, public_key, token_hash, revoked_at_ms FROM register_accounts`

func scanAccount(row rowScanner) (RegisterAccount, error) {
	var r RegisterAccount
	var exp, enrolled, revoked int64
	if err := row.Scan(&r.ID, &r.StoreID, &r.Name, &r.Code.Hash, &r.Code.Hint, &exp, &enrolled, &r.PublicKey, &r.TokenHash, &revoked); err != nil {
		return RegisterAccount{}, err
	}
	r.Code.ExpiresAt, r.EnrolledAt, r.RevokedAt = msOrZero(exp), msOrZero(enrolled), msOrZero(revoked)
	if len(r.PublicKey) == 0 {
		r.PublicKey = nil
	}
	return r, nil
}

func msOrZero(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// saleColumnList is the column order scanSale reads.
const saleColumnList = `entry_id, register_id, seq, sale_id, store_id, receipt_no, currency, total_gross, completed_at_ms`

func scanSale(row rowScanner) (Sale, error) {
	var sl Sale
	var ms int64
	if err := row.Scan(&sl.EntryID, &sl.RegisterID, &sl.Seq, &sl.SaleID, &sl.StoreID, &sl.ReceiptNo,
		&sl.Currency, &sl.TotalGross, &ms); err != nil {
		return Sale{}, err
	}
	sl.CompletedAt = time.UnixMilli(ms).UTC()
	return sl, nil
}

// scanRegisterSummary reads register_id, last_seq, last_hash,
// last_entry_at_ms and the register's sales count.
func scanRegisterSummary(row rowScanner) (RegisterSummary, error) {
	var r RegisterSummary
	var ms int64
	if err := row.Scan(&r.RegisterID, &r.LastSeq, &r.LastHash, &ms, &r.SalesCount); err != nil {
		return RegisterSummary{}, err
	}
	r.LastEntryAt = time.UnixMilli(ms).UTC()
	return r, nil
}

// addSalesSince adds to each summary its rows of totals: register_id,
// currency, count and gross sum (grossSumColumns), by register and currency. Registers not in
// out are skipped.
func addSalesSince(out []RegisterSummary, totals resultRows) error {
	index := make(map[string]int, len(out))
	for i, r := range out {
		index[r.RegisterID] = i
	}
	for totals.Next() {
		var rid, cur string
		var n, hi, lo int64
		if err := totals.Scan(&rid, &cur, &n, &hi, &lo); err != nil {
			return err
		}
		gross := joinGrossSum(hi, lo)
		if i, ok := index[rid]; ok {
			out[i].SalesSince += n
			out[i].GrossSince = append(out[i].GrossSince, Amount{Currency: cur, Minor: gross})
		}
	}
	return totals.Err()
}

// The gross of a sale is bounded (pos.MaxAmount, checked at ingest), but a
// plain SUM over enough rows still overflows int64, and SQLite then fails
// the whole query: one page down for good. So sums are taken in two halves,
// the billions and the rest, each far from overflowing over any number of
// rows a database can hold, and joined in Go.
const (
	grossSplit        = 1_000_000_000
	grossSumColumns   = `sum(total_gross / 1000000000), sum(total_gross % 1000000000)`
	grossSumColumnsPG = `sum(total_gross / 1000000000)::bigint, sum(total_gross % 1000000000)::bigint`
)

// splitSum is grossSumColumns for any integer column: its sum in halves,
// each cast so both backends scan it as an int64.
func splitSum(col string) string {
	return "CAST(sum(" + col + " / 1000000000) AS BIGINT), CAST(sum(" + col + " % 1000000000) AS BIGINT)"
}

// joinGrossSum joins the halves of grossSumColumns, saturating at the ends
// of int64: a figure no shop can reach is shown at its limit, not wrapped.
func joinGrossSum(hi, lo int64) int64 {
	if hi > math.MaxInt64/grossSplit || hi < math.MinInt64/grossSplit {
		if hi > 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return addSaturating(hi*grossSplit, lo)
}

// addSaturating adds without wrapping.
func addSaturating(a, b int64) int64 {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	}
	return s
}
