package backoffice

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"time"
)

// A back-office page is one file here (its handlers) and one template in
// templates/ that defines "content"; layout.html draws the header, the nav
// and the flash messages around it. A new section adds its line to
// sections and its routes to pageRoutes, and documents the routes in
// docs/HEADOFFICE.md (docs_test.go checks).

//go:embed templates/layout.html templates/pages/*.html
var pagesFS embed.FS

var layout = template.Must(template.New("layout.html").Funcs(template.FuncMap{
	"when": func(t time.Time) string { return t.Format("2006-01-02 15:04:05 MST") },
}).ParseFS(pagesFS, "templates/layout.html"))

// pageTemplate is layout with one page's "content".
func pageTemplate(name string) *template.Template {
	return template.Must(template.Must(layout.Clone()).ParseFS(pagesFS, "templates/pages/"+name))
}

// navItem is one entry of the nav bar.
type navItem struct {
	Path  string
	Title string
}

// sections are the nav bar, in order. Each must be a GET page route
// (TestNavSectionsAreServed).
var sections = []navItem{
	{"/admin", "Overview"},
	{"/dashboard", "Dashboard"},
	{"/admin/stores", "Stores and registers"},
	{"/admin/catalog", "Catalog"},
	{"/admin/staff", "Staff"},
	{"/admin/accounts", "People and access"},
	{"/admin/audit", "Audit log"},
}

// pageData is what layout.html reads; Data is the page's own.
type pageData struct {
	Title   string
	Section string // the nav entry to highlight
	Viewer  *viewer
	Nav     []navItem
	Flash   string
	Error   string
	Data    any
}

// render executes a page into a buffer first, so a template error never
// leaves half a page.
func (b *BackOffice) render(w http.ResponseWriter, r *http.Request, status int, t *template.Template, d pageData) {
	d.Nav = sections
	if d.Flash == "" {
		d.Flash = r.URL.Query().Get("done")
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", d); err != nil {
		b.log.ErrorContext(r.Context(), "page template", "page", d.Title, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'")
	h.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// pageRoutes adds the back office's pages under /admin.
func (b *BackOffice) pageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /admin/login", b.loginPage)
	mux.HandleFunc("POST /admin/login", b.loginSubmit)
	mux.Handle("POST /admin/logout", b.page(nil, b.logout))
	mux.Handle("GET /admin", b.page(nil, b.overview))
	mux.Handle("GET /admin/stores", b.page(nil, b.storesPage))
	mux.Handle("POST /admin/stores", b.page(ownersOnly, b.storesAdd))
	mux.Handle("POST /admin/registers", b.page(changersOnly, b.registersAdd))
	mux.Handle("POST /admin/registers/{rid}/revoke", b.page(changersOnly, b.registersRevoke))
	mux.Handle("GET /admin/catalog", b.page(nil, b.catalogPage))
	mux.Handle("POST /admin/catalog/prices", b.page(changersOnly, b.catalogSetPrice))
	mux.Handle("GET /admin/staff", b.page(nil, b.staffPage))
	mux.Handle("POST /admin/staff", b.page(ownersOnly, b.staffAdd))
	mux.Handle("POST /admin/staff/{eid}/pin", b.page(ownersOnly, b.staffResetPIN))
	mux.Handle("POST /admin/staff/{eid}/active", b.page(ownersOnly, b.staffSetActive))
	mux.Handle("GET /admin/accounts", b.page(nil, b.accountsPage))
	mux.Handle("POST /admin/accounts", b.page(ownersOnly, b.accountsAdd))
	mux.Handle("GET /admin/audit", b.page(nil, b.auditPage))
	mux.Handle("GET /admin/audit.csv", b.page(nil, b.auditCSV))
}
