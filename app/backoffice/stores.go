package backoffice

import (
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/sync/syncproto"
)

var storesTemplate = pageTemplate("stores.html")

type storesData struct {
	Stores    []storeSection
	StoreForm headoffice.StoreInfo
	TimeZones []string
	// NewRegister is shown once, right after a register was added.
	NewRegister *newRegister
}

type storeSection struct {
	headoffice.StoreInfo
	Registers []registerRow
	MayManage bool
}

type registerRow struct {
	headoffice.RegisterAccount
	State    string // pending, enrolled, revoked
	LastSeen string
	Version  string
	Backlog  int64
}

// newRegister is the enrollment code as shown once, with its QR code.
type newRegister struct {
	ID, StoreID, Code, Command, Link string
	Until                            string
	QR                               template.URL // data: URL of a PNG
}

var timeZones = []string{"Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Europe/Paris", "Europe/Amsterdam", "Europe/London", "Europe/Madrid", "Europe/Rome", "UTC"}

func (b *BackOffice) storesPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	b.renderStores(w, r, v, http.StatusOK, storesData{}, "")
}

func (b *BackOffice) renderStores(w http.ResponseWriter, r *http.Request, v *viewer, status int, d storesData, errMsg string) {
	ctx := r.Context()
	stores, err := b.ho.Stores(ctx)
	var regs []headoffice.RegisterAccount
	var health []headoffice.RegisterHealth
	if err == nil {
		regs, err = b.ho.RegisterAccounts(ctx)
	}
	if err == nil {
		health, err = b.ho.RegisterHealth(ctx)
	}
	if err != nil {
		b.log.ErrorContext(ctx, "stores page", "err", err)
		http.Error(w, "The head office database is not reachable. Try again in a minute.", http.StatusServiceUnavailable)
		return
	}
	hs := map[string]headoffice.RegisterHealth{}
	for _, h := range health {
		hs[h.RegisterID] = h
	}
	now := b.ho.Now()
	for _, s := range stores {
		row := storeSection{StoreInfo: s, MayManage: v.Account.MayManageStore(s.ID)}
		for _, a := range regs {
			if a.StoreID != s.ID {
				continue
			}
			rr := registerRow{RegisterAccount: a, State: "pending", LastSeen: "never"}
			switch {
			case a.Revoked():
				rr.State = "revoked"
			case a.Enrolled():
				rr.State = "enrolled"
			}
			seen := b.ho.RegisterLastSeen(a.ID)
			if h, ok := hs[a.ID]; ok {
				rr.Version, rr.Backlog = h.AppVersion, h.OutboxDepth
				if h.ReceivedAt.After(seen) {
					seen = h.ReceivedAt
				}
			}
			if !seen.IsZero() {
				rr.LastSeen = ago(now.Sub(seen)) + " ago"
			}
			row.Registers = append(row.Registers, rr)
		}
		d.Stores = append(d.Stores, row)
	}
	d.TimeZones = timeZones
	if d.StoreForm == (headoffice.StoreInfo{}) {
		d.StoreForm = headoffice.StoreInfo{Currency: "EUR", TaxMode: headoffice.TaxInclusive, TimeZone: "Europe/Berlin"}
	}
	b.render(w, r, status, storesTemplate, pageData{Title: "Stores and registers", Section: "/admin/stores", Viewer: v, Data: d, Error: errMsg})
}

func storeFromForm(r *http.Request) headoffice.StoreInfo {
	rounding, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("cash_rounding")), 10, 64)
	return headoffice.StoreInfo{ID: strings.TrimSpace(r.PostFormValue("id")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Address: strings.TrimSpace(r.PostFormValue("address")), VATID: strings.TrimSpace(r.PostFormValue("vat_id")),
		Currency: strings.ToUpper(strings.TrimSpace(r.PostFormValue("currency"))), TaxMode: r.PostFormValue("tax_mode"),
		TimeZone: r.PostFormValue("time_zone"), ReceiptHeader: r.PostFormValue("receipt_header"),
		ReceiptFooter: r.PostFormValue("receipt_footer"), CashRounding: rounding}
}

func (b *BackOffice) storesAdd(w http.ResponseWriter, r *http.Request, v *viewer) {
	s := storeFromForm(r)
	err := b.ho.AddStore(r.Context(), s)
	if msg, ok := userError(err); ok {
		b.renderStores(w, r, v, http.StatusUnprocessableEntity, storesData{StoreForm: s}, msg)
		return
	} else if err != nil {
		b.log.ErrorContext(r.Context(), "add store", "err", err)
		http.Error(w, "The head office could not store the store; retry later.", http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, "/admin/stores?done="+url.QueryEscape("Store "+s.ID+" added"), http.StatusSeeOther)
}

func (b *BackOffice) registersAdd(w http.ResponseWriter, r *http.Request, v *viewer) {
	sid := r.PostFormValue("store")
	if !v.Account.MayManageStore(sid) {
		http.Error(w, "You do not manage that store.", http.StatusForbidden)
		return
	}
	acct, code, err := b.ho.AddRegister(r.Context(), headoffice.RegisterAccount{ID: strings.TrimSpace(r.PostFormValue("id")), StoreID: sid,
		Name: strings.TrimSpace(r.PostFormValue("name"))}, 0)
	if msg, ok := userError(err); ok {
		b.renderStores(w, r, v, http.StatusUnprocessableEntity, storesData{}, msg)
		return
	} else if errors.Is(err, headoffice.ErrNotFound) {
		b.renderStores(w, r, v, http.StatusUnprocessableEntity, storesData{}, "There is no such store.")
		return
	} else if err != nil {
		b.log.ErrorContext(r.Context(), "add register", "err", err)
		http.Error(w, "The head office could not add the register; retry later.", http.StatusInternalServerError)
		return
	}
	nr, err := b.enrollmentView(r, acct, code)
	if err != nil {
		b.log.ErrorContext(r.Context(), "enrollment QR", "err", err)
	}
	b.renderStores(w, r, v, http.StatusOK, storesData{NewRegister: nr}, "")
}

// enrollmentView is what the register's installer needs: the code, the
// command and a QR code of the enrollment link (scanned by the register's
// setup screen or a phone).
func (b *BackOffice) enrollmentView(r *http.Request, acct headoffice.RegisterAccount, code string) (*newRegister, error) {
	base := b.cfg.PublicURL
	if base == "" {
		base = "https://" + r.Host
	}
	link := EnrollLink(base, code, b.cfg.CertFingerprint)
	nr := &newRegister{ID: acct.ID, StoreID: acct.StoreID, Code: code, Link: link, Until: acct.Code.ExpiresAt.Format("2006-01-02 15:04"),
		Command: "register enroll -headoffice " + base + " -code " + code}
	if b.cfg.CertFingerprint != "" {
		nr.Command += " -fingerprint " + b.cfg.CertFingerprint
	}
	png, err := qrcode.Encode(link, qrcode.Medium, 256)
	if err != nil {
		return nr, err
	}
	nr.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	return nr, nil
}

// EnrollLink is the enrollment as one link: head office, code and the
// certificate fingerprint to pin. (When sync/syncproto gets its own
// EnrollLink from the packaging work, this should become that.)
func EnrollLink(headOffice, code, fingerprint string) string {
	q := url.Values{"headoffice": {headOffice}, "code": {code}}
	if fingerprint != "" {
		q.Set("fingerprint", fingerprint)
	}
	return "till-enroll:?" + q.Encode()
}

func (b *BackOffice) registersRevoke(w http.ResponseWriter, r *http.Request, v *viewer) {
	rid := r.PathValue("rid")
	acct, err := b.registerOf(r, rid)
	if err != nil {
		http.Error(w, "There is no such register.", http.StatusNotFound)
		return
	}
	if !v.Account.MayManageStore(acct.StoreID) {
		http.Error(w, "You do not manage that store.", http.StatusForbidden)
		return
	}
	if err := b.ho.RevokeRegister(r.Context(), rid); err != nil {
		b.log.ErrorContext(r.Context(), "revoke register", "register", rid, "err", err)
		http.Error(w, "The head office could not revoke the register; retry later.", http.StatusInternalServerError)
		return
	}
	b.log.WarnContext(r.Context(), "register revoked", "register", rid, "by", v.Account.Name)
	http.Redirect(w, r, "/admin/stores?done="+url.QueryEscape("Register "+rid+" revoked: it can no longer sync"), http.StatusSeeOther)
}

func (b *BackOffice) registerOf(r *http.Request, rid string) (headoffice.RegisterAccount, error) {
	all, err := b.ho.RegisterAccounts(r.Context())
	if err != nil {
		return headoffice.RegisterAccount{}, err
	}
	for _, a := range all {
		if a.ID == rid {
			return a, nil
		}
	}
	return headoffice.RegisterAccount{}, headoffice.ErrNotFound
}

// AdminStore is a store in the admin API.
type AdminStore struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Address       string `json:"address,omitempty"`
	VATID         string `json:"vat_id,omitempty"`
	Currency      string `json:"currency,omitempty"`
	TaxMode       string `json:"tax_mode,omitempty"`
	TimeZone      string `json:"time_zone,omitempty"`
	ReceiptHeader string `json:"receipt_header,omitempty"`
	ReceiptFooter string `json:"receipt_footer,omitempty"`
	CashRounding  int64  `json:"cash_rounding,omitempty"`
}

// AdminRegister is a register in the admin API.
type AdminRegister struct {
	ID       string `json:"id"`
	StoreID  string `json:"store_id"`
	Name     string `json:"name"`
	State    string `json:"state"` // pending, enrolled, revoked
	CodeHint string `json:"code_hint,omitempty"`
}

// AdminNewRegister is the body of POST /v1/admin/registers.
type AdminNewRegister struct {
	ID      string `json:"id,omitempty"`
	StoreID string `json:"store_id"`
	Name    string `json:"name,omitempty"`
}

// AdminNewRegisterResponse carries the enrollment code, once.
type AdminNewRegisterResponse struct {
	ID      string `json:"id"`
	StoreID string `json:"store_id"`
	Code    string `json:"code"`
	Until   string `json:"valid_until"`
	Link    string `json:"link"`
}

func (b *BackOffice) adminStores(w http.ResponseWriter, r *http.Request) {
	ss, err := b.ho.Stores(r.Context())
	if err != nil {
		b.adminWriteFailed(w, r, err)
		return
	}
	out := make([]AdminStore, len(ss))
	for i, s := range ss {
		out[i] = AdminStore(s)
	}
	writeJSON(w, http.StatusOK, out)
}

func (b *BackOffice) adminAddStore(w http.ResponseWriter, r *http.Request) {
	var req AdminStore
	if status, code, msg := decodeStrict(w, r, 1<<16, &req); status != 0 {
		writeError(w, status, code, msg)
		return
	}
	err := b.ho.AddStore(r.Context(), headoffice.StoreInfo(req))
	if errors.Is(err, headoffice.ErrExists) {
		writeError(w, http.StatusConflict, syncproto.CodeInvalid, "store "+req.ID+" exists")
		return
	} else if err != nil {
		b.adminWriteFailed(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, req)
}

func (b *BackOffice) adminRegisters(w http.ResponseWriter, r *http.Request) {
	all, err := b.ho.RegisterAccounts(r.Context())
	if err != nil {
		b.adminWriteFailed(w, r, err)
		return
	}
	out := make([]AdminRegister, len(all))
	for i, a := range all {
		st := "pending"
		if a.Revoked() {
			st = "revoked"
		} else if a.Enrolled() {
			st = "enrolled"
		}
		out[i] = AdminRegister{ID: a.ID, StoreID: a.StoreID, Name: a.Name, State: st, CodeHint: a.Code.Hint}
	}
	writeJSON(w, http.StatusOK, out)
}

func (b *BackOffice) adminAddRegister(w http.ResponseWriter, r *http.Request) {
	var req AdminNewRegister
	if status, code, msg := decodeStrict(w, r, 1<<14, &req); status != 0 {
		writeError(w, status, code, msg)
		return
	}
	acct, code, err := b.ho.AddRegister(r.Context(), headoffice.RegisterAccount{ID: req.ID, StoreID: req.StoreID, Name: req.Name}, 0)
	switch {
	case errors.Is(err, headoffice.ErrNotFound):
		writeError(w, http.StatusBadRequest, syncproto.CodeInvalid, "there is no store "+req.StoreID)
		return
	case errors.Is(err, headoffice.ErrExists):
		writeError(w, http.StatusConflict, syncproto.CodeInvalid, "register "+req.ID+" exists")
		return
	case err != nil:
		b.adminWriteFailed(w, r, err)
		return
	}
	base := b.cfg.PublicURL
	if base == "" {
		base = "https://" + r.Host
	}
	writeJSON(w, http.StatusCreated, AdminNewRegisterResponse{ID: acct.ID, StoreID: acct.StoreID, Code: code,
		Until: acct.Code.ExpiresAt.Format(time.RFC3339), Link: EnrollLink(base, code, b.cfg.CertFingerprint)})
}

func (b *BackOffice) adminRevokeRegister(w http.ResponseWriter, r *http.Request) {
	err := b.ho.RevokeRegister(r.Context(), r.PathValue("rid"))
	if errors.Is(err, headoffice.ErrNotFound) {
		writeError(w, http.StatusNotFound, syncproto.CodeNotFound, "there is no register "+r.PathValue("rid"))
		return
	} else if err != nil {
		b.adminWriteFailed(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
