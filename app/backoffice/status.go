package backoffice

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
)

// statusPage is the plain list of registers and open enrollments.
var statusPage = template.Must(template.New("status").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Till head office</title>
<meta http-equiv="refresh" content="30">
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}
th,td{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right}</style>
</head><body>
<h1>Till head office</h1>
<p>{{.Now.Format "Monday 2 January 2006, 15:04"}}: {{len .Registers}} register(s)</p>
{{if .Registers}}<table>
<thead><tr><th>Register</th><th>Last seq</th><th>Last entry</th><th>Sales</th><th>Sales today</th><th>Total today</th></tr></thead>
<tbody>{{range .Registers}}<tr><td>{{.RegisterID}}</td><td class="n">{{.LastSeq}}</td><td>{{.LastEntry}}</td>
<td class="n">{{.SalesCount}}</td><td class="n">{{.SalesToday}}</td><td class="n">{{.TotalToday}}</td></tr>
{{end}}</tbody></table>{{else}}<p>No register has synced yet.</p>{{end}}
{{if .Pending}}<h2>Waiting for enrollment</h2>
<p>Codes are shown by their first characters only; the full code was printed by <code>headoffice registers add</code>.</p>
<table><thead><tr><th>Register</th><th>Store</th><th>Code</th><th>Valid until</th></tr></thead>
<tbody>{{range .Pending}}<tr><td>{{.ID}}</td><td>{{.StoreID}}</td><td>{{.Code.Hint}}-…</td><td>{{.Until}}</td></tr>
{{end}}</tbody></table>{{end}}
</body></html>
`))

type pageRow struct {
	RegisterID string
	LastSeq    int64
	LastEntry  string
	SalesCount int64
	SalesToday int64
	TotalToday string
}

type pendingRow struct {
	headoffice.RegisterAccount
	Until string
}

func (b *BackOffice) statusPage(w http.ResponseWriter, r *http.Request) {
	st, err := b.ho.Status(r.Context())
	if err != nil {
		b.log.ErrorContext(r.Context(), "status page", "err", err)
		http.Error(w, "The head office database is not reachable. Try again in a minute.", http.StatusServiceUnavailable)
		return
	}
	loc := st.Now.Location()
	data := struct {
		Now       time.Time
		Registers []pageRow
		Pending   []pendingRow
	}{Now: st.Now}
	for _, a := range st.Pending {
		data.Pending = append(data.Pending, pendingRow{a, a.Code.ExpiresAt.In(loc).Format("2006-01-02 15:04")})
	}
	for _, rg := range st.Registers {
		data.Registers = append(data.Registers, pageRow{
			RegisterID: rg.RegisterID, LastSeq: rg.LastSeq,
			LastEntry:  rg.LastEntryAt.In(loc).Format("2006-01-02 15:04:05"),
			SalesCount: rg.SalesCount, SalesToday: rg.SalesSince, TotalToday: formatAmounts(rg.GrossSince),
		})
	}
	var buf bytes.Buffer
	if err := statusPage.Execute(&buf, data); err != nil {
		b.log.ErrorContext(r.Context(), "status page template", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

// formatAmounts shows one sum per currency, e.g. "EUR 12.50, CHF 3.00".
func formatAmounts(as []headoffice.Amount) string {
	if len(as) == 0 {
		return "–"
	}
	parts := make([]string, len(as))
	for i, a := range as {
		if c, err := pos.LookupCurrency(a.Currency); err == nil {
			parts[i] = a.Currency + " " + pos.FormatPlain(a.Minor, c.Digits)
		} else {
			parts[i] = a.Currency + " " + pos.FormatPlain(a.Minor, 2)
		}
	}
	return strings.Join(parts, ", ")
}
