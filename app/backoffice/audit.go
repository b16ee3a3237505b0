package backoffice

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/sync/syncproto"
)

var auditTemplate = pageTemplate("audit.html")

type auditData struct {
	Entries                 []headoffice.AuditEntry
	Actor, Action, From, To string
	CSV                     string // the export link with the same filters
}

// auditFilter reads ?actor=&action=&from=YYYY-MM-DD&to=YYYY-MM-DD (to
// inclusive) in the head office's time zone.
func (b *BackOffice) auditFilter(q url.Values) (headoffice.AuditFilter, error) {
	f := headoffice.AuditFilter{Actor: q.Get("actor"), Action: q.Get("action")}
	loc := b.ho.Location()
	if s := q.Get("from"); s != "" {
		d, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			return f, err
		}
		f.From = d
	}
	if s := q.Get("to"); s != "" {
		d, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			return f, err
		}
		f.To = d.AddDate(0, 0, 1)
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return f, strconv.ErrSyntax
		}
		f.Limit = n
	}
	return f, nil
}

func (b *BackOffice) auditPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	q := r.URL.Query()
	d := auditData{Actor: q.Get("actor"), Action: q.Get("action"), From: q.Get("from"), To: q.Get("to"), CSV: "/admin/audit.csv?" + q.Encode()}
	f, err := b.auditFilter(q)
	if err != nil {
		b.render(w, r, http.StatusBadRequest, auditTemplate, pageData{Title: "Audit log", Section: "/admin/audit", Viewer: v, Data: d,
			Error: "Dates are like 2026-03-12."})
		return
	}
	if d.Entries, err = b.ho.AuditLog(r.Context(), f); err != nil {
		b.log.ErrorContext(r.Context(), "audit page", "err", err)
		http.Error(w, "The head office database is not reachable. Try again in a minute.", http.StatusServiceUnavailable)
		return
	}
	b.render(w, r, http.StatusOK, auditTemplate, pageData{Title: "Audit log", Section: "/admin/audit", Viewer: v, Data: d})
}

// auditCSV exports the filtered log; cells that a spreadsheet would run as
// a formula are quoted with a leading apostrophe.
func (b *BackOffice) auditCSV(w http.ResponseWriter, r *http.Request, v *viewer) {
	f, err := b.auditFilter(r.URL.Query())
	if err != nil {
		http.Error(w, "Dates are like 2026-03-12.", http.StatusBadRequest)
		return
	}
	es, err := b.ho.AuditLog(r.Context(), f)
	if err != nil {
		b.log.ErrorContext(r.Context(), "audit export", "err", err)
		http.Error(w, "The head office database is not reachable. Try again in a minute.", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "at", "actor", "action", "target", "before", "after"})
	for _, e := range es {
		cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.Format(time.RFC3339), csvCell(e.Actor), csvCell(e.Action), csvCell(e.Target), csvCell(e.Before), csvCell(e.After)})
	}
	cw.Flush()
}

// csvCell defuses spreadsheet formula injection (OWASP "CSV injection").
func csvCell(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

// AdminAuditEntry is one audit entry in the admin API.
type AdminAuditEntry struct {
	ID     int64  `json:"id"`
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Target string `json:"target"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

func (b *BackOffice) adminAudit(w http.ResponseWriter, r *http.Request) {
	f, err := b.auditFilter(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, syncproto.CodeBadRequest, "from and to are dates like 2026-03-12; limit a positive number")
		return
	}
	es, err := b.ho.AuditLog(r.Context(), f)
	if err != nil {
		b.log.ErrorContext(r.Context(), "audit", "err", err)
		writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "the head office could not read its audit log")
		return
	}
	out := make([]AdminAuditEntry, len(es))
	for i, e := range es {
		out[i] = AdminAuditEntry{ID: e.ID, At: e.At.Format(time.RFC3339), Actor: e.Actor, Action: e.Action, Target: e.Target, Before: e.Before, After: e.After}
	}
	writeJSON(w, http.StatusOK, out)
}
