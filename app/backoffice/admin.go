package backoffice

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/sync/syncproto"
)

// AdminCursorResponse answers an admin write: the feed cursor of its last
// change, which registers reach on their next pull.
type AdminCursorResponse struct {
	Cursor int64 `json:"cursor"`
}

// AdminPriceRequest is the body of PUT /v1/admin/stores/{sid}/prices/{pid}.
type AdminPriceRequest struct {
	Price int64 `json:"price"` // minor units: 1,29 € is 129
}

// adminWriteFailed answers a refused or failed admin write.
func (b *BackOffice) adminWriteFailed(w http.ResponseWriter, r *http.Request, err error) {
	var ce *headoffice.CatalogError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, syncproto.CodeBodyTooLarge,
			fmt.Sprintf("the body is larger than %d bytes", tooBig.Limit))
	case pos.ErrorCode(err) == pos.EInvalid:
		writeError(w, http.StatusBadRequest, syncproto.CodeInvalid, pos.ErrorMessage(err))
	case errors.As(err, &ce):
		writeError(w, http.StatusUnprocessableEntity, syncproto.CodeInvalid, ce.Error())
	default:
		b.log.ErrorContext(r.Context(), "admin write failed", "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "the head office could not store the change; retry later")
	}
}

// adminImportCatalog: POST /v1/admin/catalog with a catalog file in the
// register's format (settings, tax rates, categories, products, employees
// with plain PINs that are hashed on the way).
func (b *BackOffice) adminImportCatalog(w http.ResponseWriter, r *http.Request) {
	cursor, err := b.ho.ImportCatalog(r.Context(), http.MaxBytesReader(w, r.Body, b.cfg.MaxBodyBytes))
	if err != nil {
		b.adminWriteFailed(w, r, err)
		return
	}
	b.log.InfoContext(r.Context(), "catalog imported", "cursor", cursor)
	writeJSON(w, http.StatusOK, AdminCursorResponse{Cursor: cursor})
}

// adminSetPrice: PUT sets a store's own price of a product, DELETE drops it
// (the base price applies again).
func (b *BackOffice) adminSetPrice(w http.ResponseWriter, r *http.Request) {
	p := headoffice.StorePrice{StoreID: r.PathValue("sid"), ProductID: r.PathValue("pid"), Clear: r.Method == http.MethodDelete}
	if !p.Clear {
		var req AdminPriceRequest
		if status, code, msg := decodeStrict(w, r, 1<<16, &req); status != 0 {
			writeError(w, status, code, msg)
			return
		}
		p.Price = req.Price
	}
	cursor, err := b.ho.SetStorePrice(r.Context(), p)
	if err != nil {
		b.adminWriteFailed(w, r, err)
		return
	}
	b.log.InfoContext(r.Context(), "store price set", "store", p.StoreID, "product", p.ProductID, "price", p.Price, "cleared", p.Clear, "cursor", cursor)
	writeJSON(w, http.StatusOK, AdminCursorResponse{Cursor: cursor})
}

// adminSetEmployee: PUT /v1/admin/employees/{eid} with a catalog-file
// employee (name, role, pin or pin_hash, active, sort).
func (b *BackOffice) adminSetEmployee(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<16))
	if err != nil {
		b.adminWriteFailed(w, r, err)
		return
	}
	id := r.PathValue("eid")
	cursor, err := b.ho.SetEmployee(r.Context(), id, body)
	if err != nil {
		b.adminWriteFailed(w, r, err)
		return
	}
	b.log.InfoContext(r.Context(), "employee set", "employee", id, "cursor", cursor)
	writeJSON(w, http.StatusOK, AdminCursorResponse{Cursor: cursor})
}

// adminStoreCatalog: a store's whole catalog as its registers get it.
func (b *BackOffice) adminStoreCatalog(w http.ResponseWriter, r *http.Request) {
	sid := r.PathValue("sid")
	snap, err := b.ho.StoreCatalog(r.Context(), sid)
	if err != nil {
		b.log.ErrorContext(r.Context(), "catalog snapshot failed", "store", sid, "err", err)
		writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "the head office could not read its catalog; retry later")
		return
	}
	recs := make([]syncproto.CatalogChange, len(snap.Records))
	for i, c := range snap.Records {
		recs[i] = syncproto.CatalogChange{Cursor: c.Cursor, Kind: c.Kind, ID: c.ID, Data: c.Data}
	}
	writeJSON(w, http.StatusOK, syncproto.SnapshotResponse{StoreID: sid, Cursor: snap.Cursor, Records: recs})
}

func (b *BackOffice) adminHealth(w http.ResponseWriter, r *http.Request) {
	hs, err := b.ho.RegisterHealth(r.Context())
	if err != nil {
		b.log.ErrorContext(r.Context(), "register health failed", "err", err)
		writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "the head office could not read register health")
		return
	}
	if hs == nil {
		hs = []headoffice.RegisterHealth{}
	}
	writeJSON(w, http.StatusOK, hs)
}

// adminTakings: GET /v1/admin/takings?day=YYYY-MM-DD (default today) is
// each store's day per currency with the Z report's figures.
func (b *BackOffice) adminTakings(w http.ResponseWriter, r *http.Request) {
	day := time.Now().In(b.ho.Location())
	if q := r.URL.Query().Get("day"); q != "" {
		d, err := time.ParseInLocation(time.DateOnly, q, b.ho.Location())
		if err != nil {
			writeError(w, http.StatusBadRequest, syncproto.CodeBadRequest, "day must be a date like 2026-03-12")
			return
		}
		day = d
	}
	ts, err := b.ho.Takings(r.Context(), day)
	if err != nil {
		b.log.ErrorContext(r.Context(), "takings failed", "err", err)
		writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "the head office could not read its takings; retry later")
		return
	}
	writeJSON(w, http.StatusOK, ts)
}

// decodeStrict reads exactly one JSON value with no unknown fields into v.
// It returns a zero status on success, else the error response to send.
func decodeStrict(w http.ResponseWriter, r *http.Request, limit int64, v any) (status int, code, msg string) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); !errors.Is(extra, io.EOF) {
			err = errors.New("unexpected data after the JSON body")
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return 0, "", ""
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, syncproto.CodeBodyTooLarge,
			fmt.Sprintf("the body is larger than %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return http.StatusBadRequest, syncproto.CodeBadRequest, "the body is empty"
	default:
		return http.StatusBadRequest, syncproto.CodeBadRequest, "malformed JSON: " + err.Error()
	}
}
