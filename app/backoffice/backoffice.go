package backoffice

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/sync/syncproto"
)

// DefaultMaxBodyBytes bounds an admin request body (a whole catalog file).
const DefaultMaxBodyBytes = 16 << 20

// Config wires the back office. HeadOffice is required.
type Config struct {
	HeadOffice *headoffice.HeadOffice
	Log        *slog.Logger // default: discard
	// AdminToken enables the JSON admin API (/v1/admin/...) for requests
	// bearing it, and then also guards the pages and /metrics; "" disables
	// the API and leaves the pages open (embedded tests). Accounts and
	// sessions replace it with the back-office issue.
	AdminToken string
	// Metrics, if set, is served at /metrics behind the same guard (the
	// register-facing API's Prometheus registry).
	Metrics      http.Handler
	MaxBodyBytes int64 // default DefaultMaxBodyBytes
	// MaxFormBytes bounds a back-office form post; default DefaultMaxFormBytes.
	MaxFormBytes int64
	// SecureCookies marks the session cookie Secure even when the request
	// reached us without TLS (a TLS-terminating proxy in front).
	SecureCookies bool
	// PublicURL is how registers reach the head office, for enrollment
	// links ("https://hq.example:8443"); default https:// and the Host asked.
	PublicURL string
	// CertFingerprint is the TLS certificate's, for registers to pin.
	CertFingerprint string
}

// DefaultMaxFormBytes bounds a form post (a CSV upload at most).
const DefaultMaxFormBytes = 8 << 20

// BackOffice serves the owner's pages and the admin API.
type BackOffice struct {
	cfg    Config
	ho     *headoffice.HeadOffice
	log    *slog.Logger
	logins *loginLimiter
}

// New checks cfg.
func New(cfg Config) (*BackOffice, error) {
	if cfg.HeadOffice == nil {
		return nil, errors.New("backoffice: Config.HeadOffice is required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxFormBytes <= 0 {
		cfg.MaxFormBytes = DefaultMaxFormBytes
	}
	return &BackOffice{cfg: cfg, ho: cfg.HeadOffice, log: cfg.Log, logins: newLoginLimiter()}, nil
}

// Routes adds the pages, /metrics and the admin API to mux, which
// cmd/headoffice shares with the register-facing API.
func (b *BackOffice) Routes(mux *http.ServeMux) {
	mux.Handle("POST /v1/admin/catalog", b.adminAPI(b.adminImportCatalog))
	mux.Handle("PUT /v1/admin/stores/{sid}/prices/{pid}", b.adminAPI(b.adminSetPrice))
	mux.Handle("DELETE /v1/admin/stores/{sid}/prices/{pid}", b.adminAPI(b.adminSetPrice))
	mux.Handle("PUT /v1/admin/employees/{eid}", b.adminAPI(b.adminSetEmployee))
	mux.Handle("GET /v1/admin/stores/{sid}/catalog", b.adminAPI(b.adminStoreCatalog))
	mux.Handle("GET /v1/admin/registers/health", b.adminAPI(b.adminHealth))
	mux.Handle("GET /v1/admin/takings", b.adminAPI(b.adminTakings))
	mux.Handle("GET /v1/admin/stock", b.adminAPI(b.adminStock))
	mux.Handle("GET /v1/admin/stock/movements", b.adminAPI(b.adminStockMovements))
	mux.Handle("POST /v1/admin/stock/records", b.adminAPI(b.adminStockRecord))
	mux.Handle("PUT /v1/admin/stock/settings/{sid}/{pid}", b.adminAPI(b.adminStockSetting))
	mux.Handle("GET /v1/admin/stock/low", b.adminAPI(b.adminLowStock))
	mux.Handle("GET /v1/admin/stock/valuation", b.adminAPI(b.adminValuation))
	mux.Handle("GET /v1/admin/accounts", b.adminAPI(b.adminAccounts))
	mux.Handle("POST /v1/admin/accounts", b.adminAPI(b.adminAddAccount))
	mux.Handle("GET /v1/admin/audit", b.adminAPI(b.adminAudit))
	mux.Handle("GET /v1/admin/employees", b.adminAPI(b.adminEmployees))
	mux.Handle("POST /v1/admin/employees", b.adminAPI(b.adminAddEmployee))
	mux.Handle("POST /v1/admin/employees/{eid}/pin", b.adminAPI(b.adminResetPIN))
	mux.Handle("POST /v1/admin/employees/{eid}/active", b.adminAPI(b.adminSetActive))
	mux.Handle("GET /v1/admin/stores", b.adminAPI(b.adminStores))
	mux.Handle("POST /v1/admin/stores", b.adminAPI(b.adminAddStore))
	mux.Handle("GET /v1/admin/registers", b.adminAPI(b.adminRegisters))
	mux.Handle("POST /v1/admin/registers", b.adminAPI(b.adminAddRegister))
	mux.Handle("POST /v1/admin/registers/{rid}/revoke", b.adminAPI(b.adminRevokeRegister))
	mux.Handle("GET /v1/admin/reports/{kind}", b.adminAPI(b.adminReport))
	mux.Handle("GET /v1/admin/books", b.adminAPI(b.booksExport))
	b.pageRoutes(mux)
	if b.cfg.Metrics != nil {
		mux.Handle("GET /metrics", b.viewerAuth(b.cfg.Metrics))
	}
	mux.Handle("GET /dashboard", b.viewerAuth(http.HandlerFunc(b.dashboard)))
	mux.Handle("GET /reports", b.viewerAuth(http.HandlerFunc(b.reportsPageHandler)))
	mux.Handle("GET /reports/{kind}", b.viewerAuth(http.HandlerFunc(b.reportsPageHandler)))
	mux.Handle("GET /reports/{kind}/export", b.viewerAuth(http.HandlerFunc(b.reportExport)))
	mux.Handle("GET /books/export", b.viewerAuth(http.HandlerFunc(b.booksExport)))
	mux.Handle("GET /{$}", b.viewerAuth(http.HandlerFunc(b.statusPage)))
}

// Handler is the back office alone on a mux of its own (tests, embedding).
func (b *BackOffice) Handler() http.Handler {
	mux := http.NewServeMux()
	b.Routes(mux)
	return mux
}

// writeJSON answers with v; the admin API speaks the wire protocol's JSON
// (syncproto) so one client library reads both.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // only our own wire types get here; they always marshal
		status, body = http.StatusInternalServerError, []byte(`{"code":"internal","message":"internal error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", syncproto.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, syncproto.Error{Code: code, Message: msg})
}
