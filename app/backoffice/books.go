package backoffice

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/headoffice/books"
	"github.com/tillpos/till/app/pos"
)

// booksExport serves the postings of a period as a file for the
// accountant: format=datev (EXTF Buchungsstapel; chart skr03 or skr04,
// consultant and client numbers required) or format=hledger (any chart).
// The page (/reports/books) links here; the admin API serves the same.
func (b *BackOffice) booksExport(w http.ResponseWriter, r *http.Request) {
	body, name, ctype, err := b.booksFile(r)
	if err != nil {
		var pe *pos.Error
		if errors.As(err, &pe) {
			http.Error(w, pe.Message, http.StatusBadRequest)
			return
		}
		b.unavailable(w, r, "books "+r.URL.Path, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}

func (b *BackOffice) booksFile(r *http.Request) (body []byte, name, ctype string, err error) {
	q, err := b.parseReportQuery(r, "books")
	if err != nil {
		return nil, "", "", err
	}
	v := r.URL.Query()
	chartName := v.Get("chart")
	if chartName == "" {
		chartName = "skr03"
	}
	mk, ok := headoffice.Charts[chartName]
	if !ok {
		return nil, "", "", pos.Errorf(pos.EInvalid, "chart is skr03, skr04 or generic")
	}
	chart := mk()
	var buf bytes.Buffer
	from, to := q.Period.From.Format(time.DateOnly), q.Period.To.AddDate(0, 0, -1).Format(time.DateOnly)
	store := q.StoreID
	if store == "" {
		store = "all"
	}
	switch f := v.Get("format"); f {
	case "", "hledger":
		if err := b.ho.WriteHledger(r.Context(), &buf, q.Period, q.StoreID, chart); err != nil {
			return nil, "", "", err
		}
		return buf.Bytes(), fmt.Sprintf("till-%s-%s-%s.journal", store, from, to), "text/plain; charset=utf-8", nil
	case "datev":
		consultant, err1 := strconv.Atoi(v.Get("consultant"))
		client, err2 := strconv.Atoi(v.Get("client"))
		if err1 != nil || err2 != nil {
			return nil, "", "", pos.Errorf(pos.EInvalid, "A DATEV export needs the tax adviser's consultant number and the client number.")
		}
		hdr := books.DATEVHeader{Consultant: consultant, Client: client, AccountLength: 4,
			FiscalYearStart: fmt.Sprintf("%d-01-01", q.Period.From.Year()), Label: "Till " + store, ExportedBy: "Till head office"}
		if len([]rune(hdr.Label)) > 30 {
			hdr.Label = string([]rune(hdr.Label)[:30])
		}
		if err := b.ho.WriteDATEV(r.Context(), &buf, q.Period, q.StoreID, chart, hdr); err != nil {
			return nil, "", "", err
		}
		return buf.Bytes(), books.DATEVFileName(store, from, to), "text/csv; charset=windows-1252", nil
	default:
		return nil, "", "", pos.Errorf(pos.EInvalid, "format is datev or hledger")
	}
}
