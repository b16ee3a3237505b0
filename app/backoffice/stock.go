package backoffice

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/sync/syncproto"
)

// AdminStockRecordRequest is the body of POST /v1/admin/stock/records: a
// stock record made at the head office (pos.StockRecord's fields; the head
// office stamps the time and its own ledger's register).
type AdminStockRecordRequest struct {
	Kind       pos.MovementKind `json:"kind"`
	StoreID    string           `json:"store_id"`
	EmployeeID string           `json:"employee_id,omitempty"`
	Ref        string           `json:"ref,omitempty"`
	OtherStore string           `json:"other_store,omitempty"`
	Reason     pos.AdjustReason `json:"reason,omitempty"`
	Note       string           `json:"note,omitempty"`
	Lines      []pos.StockLine  `json:"lines"`
}

// AdminStockRecordResponse names the ledger entry that holds the record.
type AdminStockRecordResponse struct {
	EntryID string `json:"entry_id"`
}

// wantsCSV says the caller asked for CSV (Accept: text/csv or ?format=csv).
func wantsCSV(r *http.Request) bool {
	return r.URL.Query().Get("format") == "csv" || strings.Contains(r.Header.Get("Accept"), "text/csv")
}

func writeCSV(w http.ResponseWriter, name string, rows [][]string) {
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.WriteAll(rows) // an error here is the client going away
}

// qtyText is thousandths as a decimal: 1500 is "1.500".
func qtyText(q pos.Qty) string {
	sign, v := "", int64(q)
	if v < 0 {
		sign, v = "-", -v
	}
	return sign + strconv.FormatInt(v/1000, 10) + "." + strconv.FormatInt(1000+v%1000, 10)[1:]
}

func (b *BackOffice) stockReadFailed(w http.ResponseWriter, r *http.Request, err error) {
	if pos.ErrorCode(err) == pos.EInvalid {
		writeError(w, http.StatusBadRequest, syncproto.CodeInvalid, pos.ErrorMessage(err))
		return
	}
	b.log.ErrorContext(r.Context(), "stock read failed", "path", r.URL.Path, "err", err)
	writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "the head office could not read its stock; retry later")
}

// adminStock: GET /v1/admin/stock?store=&product=&negative=1, on-hand per
// store and product (JSON, or CSV).
func (b *BackOffice) adminStock(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := headoffice.StockFilter{StoreID: q.Get("store"), ProductID: q.Get("product"), Negative: q.Get("negative") == "1"}
	ps, err := b.ho.StockPositions(r.Context(), f)
	if err != nil {
		b.stockReadFailed(w, r, err)
		return
	}
	if ps == nil {
		ps = []headoffice.StockPosition{}
	}
	if !wantsCSV(r) {
		writeJSON(w, http.StatusOK, ps)
		return
	}
	rows := [][]string{{"store_id", "product_id", "on_hand", "counted_at", "count_qty", "movements_since", "negative"}}
	for _, p := range ps {
		counted, countQty := "", ""
		if p.Counted {
			counted, countQty = p.CountedAt.Format(time.RFC3339), qtyText(p.CountQty)
		}
		rows = append(rows, []string{p.StoreID, p.ProductID, qtyText(p.Qty), counted, countQty, strconv.Itoa(p.Since),
			strconv.FormatBool(p.Negative)})
	}
	writeCSV(w, "stock.csv", rows)
}

// adminStockMovements: GET /v1/admin/stock/movements?store=&product=, one
// product's history in the one order (JSON, or CSV).
func (b *BackOffice) adminStockMovements(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ms, err := b.ho.StockMovements(r.Context(), q.Get("store"), q.Get("product"))
	if err != nil {
		b.stockReadFailed(w, r, err)
		return
	}
	if ms == nil {
		ms = []pos.Movement{}
	}
	if !wantsCSV(r) {
		writeJSON(w, http.StatusOK, ms)
		return
	}
	rows := [][]string{{"id", "kind", "store", "product", "qty", "lot", "expiry", "ref", "reason", "at", "clock_offset_ms", "register", "seq", "line"}}
	for _, m := range ms {
		rows = append(rows, []string{m.ID, string(m.Kind), m.Store, m.Product, qtyText(m.Qty), m.Lot, m.Expiry, m.Ref,
			string(m.Reason), m.At.Format(time.RFC3339Nano), strconv.FormatInt(m.ClockOffset.Milliseconds(), 10), m.Register,
			strconv.FormatInt(m.Seq, 10), strconv.Itoa(m.Line)})
	}
	writeCSV(w, "movements.csv", rows)
}

// adminStockRecord: POST /v1/admin/stock/records, an adjustment, receipt,
// count or transfer made at the head office, into its own ledger.
func (b *BackOffice) adminStockRecord(w http.ResponseWriter, r *http.Request) {
	var req AdminStockRecordRequest
	if status, code, msg := decodeStrict(w, r, int64(pos.MaxStockRecordSz), &req); status != 0 {
		writeError(w, status, code, msg)
		return
	}
	id, err := b.ho.RecordStock(r.Context(), pos.StockRecord{Kind: req.Kind, StoreID: req.StoreID, EmployeeID: req.EmployeeID,
		Ref: req.Ref, OtherStore: req.OtherStore, Reason: req.Reason, Note: req.Note, Lines: req.Lines})
	if err != nil {
		b.adminWriteFailed(w, r, err)
		return
	}
	b.log.InfoContext(r.Context(), "stock recorded", "kind", req.Kind, "store", req.StoreID, "entry", id)
	writeJSON(w, http.StatusCreated, AdminStockRecordResponse{EntryID: id})
}

// AdminStockSettingRequest is the body of PUT /v1/admin/stock/settings/{sid}/{pid}.
type AdminStockSettingRequest struct {
	ReorderPoint pos.Qty `json:"reorder_point"`
	MaxQty       pos.Qty `json:"max_qty"`
	Cost         int64   `json:"cost"`
}

// adminStockSetting sets a product's reorder point, maximum and cost price.
func (b *BackOffice) adminStockSetting(w http.ResponseWriter, r *http.Request) {
	var req AdminStockSettingRequest
	if status, code, msg := decodeStrict(w, r, 1<<12, &req); status != 0 {
		writeError(w, status, code, msg)
		return
	}
	s := headoffice.StockSetting{StoreID: r.PathValue("sid"), ProductID: r.PathValue("pid"), ReorderPoint: req.ReorderPoint,
		MaxQty: req.MaxQty, Cost: req.Cost}
	if err := b.ho.SetStockSetting(r.Context(), s); err != nil {
		b.adminWriteFailed(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s)
}

// adminLowStock: GET /v1/admin/stock/low?store=, products at or below their
// reorder point with the suggested order (JSON, or CSV: the order to send).
func (b *BackOffice) adminLowStock(w http.ResponseWriter, r *http.Request) {
	ls, err := b.ho.LowStock(r.Context(), r.URL.Query().Get("store"))
	if err != nil {
		b.stockReadFailed(w, r, err)
		return
	}
	if !wantsCSV(r) {
		writeJSON(w, http.StatusOK, ls)
		return
	}
	rows := [][]string{{"store_id", "product_id", "on_hand", "reorder_point", "max_qty", "suggested"}}
	for _, l := range ls {
		rows = append(rows, []string{l.StoreID, l.ProductID, qtyText(l.OnHand), qtyText(l.ReorderPoint), qtyText(l.MaxQty), qtyText(l.Suggested)})
	}
	writeCSV(w, "low-stock.csv", rows)
}

// adminValuation: GET /v1/admin/stock/valuation?store=, stock at cost.
func (b *BackOffice) adminValuation(w http.ResponseWriter, r *http.Request) {
	v, err := b.ho.Valuation(r.Context(), r.URL.Query().Get("store"))
	if err != nil {
		b.stockReadFailed(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}
