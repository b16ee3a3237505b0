package syncserver

import (
	"errors"
	"net/http"

	"github.com/tillpos/till/store"
	"github.com/tillpos/till/store/hqstore"
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
func (s *Server) adminWriteFailed(w http.ResponseWriter, r *http.Request, err error) {
	var ie *store.ImportError
	var ce *hqstore.CatalogError
	switch {
	case errors.As(err, &ie):
		writeError(w, http.StatusBadRequest, syncproto.CodeInvalid, ie.Error())
	case errors.As(err, &ce):
		writeError(w, http.StatusUnprocessableEntity, syncproto.CodeInvalid, ce.Error())
	default:
		s.log.ErrorContext(r.Context(), "admin write failed", "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "the head office could not store the change; retry later")
	}
}

// adminImportCatalog: POST /v1/admin/catalog with a catalog file in the
// register's format (settings, tax rates, categories, products, employees
// with plain PINs that are hashed here).
func (s *Server) adminImportCatalog(w http.ResponseWriter, r *http.Request) {
	cursor, err := hqstore.ImportCatalog(r.Context(), s.cfg.Store, http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		s.adminWriteFailed(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "catalog imported", "cursor", cursor)
	writeJSON(w, http.StatusOK, AdminCursorResponse{Cursor: cursor})
}

// adminSetPrice: PUT sets a store's own price of a product, DELETE drops it
// (the base price applies again).
func (s *Server) adminSetPrice(w http.ResponseWriter, r *http.Request) {
	p := hqstore.StorePrice{StoreID: r.PathValue("sid"), ProductID: r.PathValue("pid"), Clear: r.Method == http.MethodDelete}
	if !p.Clear {
		var req AdminPriceRequest
		if status, code, msg := decodeStrict(w, r, 1<<16, &req); status != 0 {
			writeError(w, status, code, msg)
			return
		}
		p.Price = req.Price
	}
	cursor, err := s.cfg.Store.ApplyCatalog(r.Context(), hqstore.CatalogBatch{Prices: []hqstore.StorePrice{p}})
	if err != nil {
		s.adminWriteFailed(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "store price set", "store", p.StoreID, "product", p.ProductID, "price", p.Price, "cleared", p.Clear, "cursor", cursor)
	writeJSON(w, http.StatusOK, AdminCursorResponse{Cursor: cursor})
}

// adminSetEmployee: PUT /v1/admin/employees/{eid} with a catalog-file
// employee (name, role, pin or pin_hash, active, sort).
func (s *Server) adminSetEmployee(w http.ResponseWriter, r *http.Request) {
	var e store.CatalogEmployee
	if status, code, msg := decodeStrict(w, r, 1<<16, &e); status != 0 {
		writeError(w, status, code, msg)
		return
	}
	e.ID = r.PathValue("eid")
	cursor, err := hqstore.SetEmployee(r.Context(), s.cfg.Store, e)
	if err != nil {
		s.adminWriteFailed(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "employee set", "employee", e.ID, "role", e.Role, "cursor", cursor)
	writeJSON(w, http.StatusOK, AdminCursorResponse{Cursor: cursor})
}

func (s *Server) adminHealth(w http.ResponseWriter, r *http.Request) {
	hs, err := s.cfg.Store.RegisterHealth(r.Context())
	if err != nil {
		s.log.ErrorContext(r.Context(), "register health failed", "err", err)
		writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "the head office could not read register health")
		return
	}
	if hs == nil {
		hs = []hqstore.RegisterHealth{}
	}
	writeJSON(w, http.StatusOK, hs)
}
