package backoffice

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/headoffice/books"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/sync/syncproto"
	"github.com/xuri/excelize/v2"
)

//go:embed templates/reports.html
var reportsFS embed.FS

var reportsPage = template.Must(template.New("reports.html").ParseFS(reportsFS, "templates/reports.html"))

// reportKinds are the reports the back office offers, in menu order.
var reportKinds = []struct{ ID, Title string }{
	{"sales", "Sales"}, {"staff", "Discounts, returns, voids and overrides by employee"},
	{"shifts", "Cash over/short per shift"}, {"products", "Top and slow products"}, {"books", "Books (DATEV, hledger)"},
}

// reportTable is any report as headings and rows: one shape for the page,
// CSV and XLSX, so the three never disagree.
type reportTable struct {
	Kind, Title string
	By          headoffice.Dimension
	Period      headoffice.Period
	Previous    headoffice.Period
	Head        []string
	Rows        [][]cell
	Foot        [][]cell
	Chart       *barChart
	Note        string
}

// cell is one value: Text for people; Num with Digits decimals for
// spreadsheets (money in minor units, quantities in thousandths).
type cell struct {
	Text    string
	Num     int64
	Digits  int
	Numeric bool
	Bad     bool // shown in red: short, negative
}

func textCell(s string) cell { return cell{Text: s} }

func numCell(n int64, digits int) cell {
	return cell{Text: pos.FormatPlain(n, digits), Num: n, Digits: digits, Numeric: true, Bad: n < 0}
}

func intCell(n int64) cell { return cell{Text: strconv.FormatInt(n, 10), Num: n, Numeric: true} }

// moneyCell formats minor units with the currency's digits.
func moneyCell(n int64, currency string) cell {
	digits := 2
	if c, err := pos.LookupCurrency(currency); err == nil {
		digits = c.Digits
	}
	return numCell(n, digits)
}

// changeCell is the change against the previous period, in percent.
func changeCell(now, prev int64) cell {
	if prev == 0 {
		return textCell("–")
	}
	pct := float64(now-prev) / float64(abs(prev)) * 100
	c := textCell(fmt.Sprintf("%+.1f %%", pct))
	c.Bad = pct < 0
	return c
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// dimensionHeads head a sales report's first column.
var dimensionHeads = map[headoffice.Dimension]string{
	headoffice.ByDay: "Day", headoffice.ByHour: "Hour", headoffice.ByStore: "Store", headoffice.ByRegister: "Register",
	headoffice.ByEmployee: "Employee", headoffice.ByProduct: "Product", headoffice.ByCategory: "Category",
	headoffice.ByTaxRate: "Tax rate", headoffice.ByTender: "Tender", headoffice.ByKind: "Kind",
}

// reportQuery is what every report reads from the URL.
type reportQuery struct {
	Kind    string
	By      headoffice.Dimension
	From    string
	To      string
	StoreID string
	Period  headoffice.Period
}

// parseReportQuery bounds and checks the query; the error is for people.
func (b *BackOffice) parseReportQuery(r *http.Request, kind string) (reportQuery, error) {
	v := r.URL.Query()
	q := reportQuery{Kind: kind, By: headoffice.Dimension(v.Get("by")), From: v.Get("from"), To: v.Get("to"), StoreID: v.Get("store")}
	if q.By == "" {
		q.By = headoffice.ByDay
	}
	for _, s := range []string{q.From, q.To, q.StoreID, string(q.By)} {
		if len(s) > 64 {
			return q, pos.Errorf(pos.EInvalid, "A report parameter is too long.")
		}
	}
	if q.From == "" && q.To == "" { // the last seven days by default
		now := time.Now().In(b.ho.Location())
		q.To, q.From = now.Format(time.DateOnly), now.AddDate(0, 0, -6).Format(time.DateOnly)
	}
	p, err := b.ho.Period(q.From, q.To)
	if err != nil {
		return q, err
	}
	q.Period = p
	return q, nil
}

// buildReport runs the report q names and lays it out; it also returns the
// use case's typed result for the JSON API.
func (b *BackOffice) buildReport(r *http.Request, q reportQuery) (reportTable, any, error) {
	ctx := r.Context()
	t := reportTable{Kind: q.Kind, By: q.By, Period: q.Period, Previous: q.Period.Previous()}
	switch q.Kind {
	case "sales":
		rep, err := b.ho.SalesReport(ctx, q.Period, q.StoreID, q.By)
		if err != nil {
			return t, nil, err
		}
		t.Title = "Sales by " + strings.ToLower(dimensionHeads[q.By])
		countHead := "Lines"
		if q.By == headoffice.ByTender {
			countHead = "Tenders"
		}
		t.Head = []string{dimensionHeads[q.By], "Currency", countHead, "Qty", "Net", "Tax", "Gross", "Discount", "Gross before", "Change"}
		row := func(r headoffice.ReportRow) []cell {
			return []cell{textCell(r.Label), textCell(r.Currency), intCell(r.Count), numCell(r.Qty, 3), moneyCell(r.Net, r.Currency),
				moneyCell(r.Tax, r.Currency), moneyCell(r.Gross, r.Currency), moneyCell(r.Discount, r.Currency),
				moneyCell(r.PrevGross, r.Currency), changeCell(r.Gross, r.PrevGross)}
		}
		for _, r := range rep.Rows {
			t.Rows = append(t.Rows, row(r))
		}
		for _, r := range rep.Totals {
			t.Foot = append(t.Foot, row(r))
		}
		t.Chart = salesChart(rep)
		t.Note = "Figures are net of returns and voids, as the registers' Z reports count them. Gross before: the " +
			strconv.Itoa(q.Period.Days()) + " days before."
		if q.By == headoffice.ByDay {
			t.Note += " By day, only the total compares."
		}
		return t, rep, nil
	case "staff":
		rows, err := b.ho.StaffReport(ctx, q.Period, q.StoreID)
		if err != nil {
			return t, nil, err
		}
		t.Title = "Discounts, returns, voids and overrides by employee"
		t.Head = []string{"Employee", "Currency", "Sales gross", "Discounts given", "Returns", "Voids", "Overrides asked", "Overrides approved"}
		for _, r := range rows {
			t.Rows = append(t.Rows, []cell{textCell(r.Name), textCell(r.Currency), moneyCell(r.Gross, r.Currency),
				moneyCell(r.Discount, r.Currency), moneyCell(r.Returns, r.Currency), moneyCell(r.Voids, r.Currency),
				intCell(r.Asked), intCell(r.Approved)})
		}
		return t, rows, nil
	case "shifts":
		rows, err := b.ho.ShiftsReport(ctx, q.Period, q.StoreID)
		if err != nil {
			return t, nil, err
		}
		t.Title = "Cash over/short per shift"
		n, err := b.storeNames(r)
		if err != nil {
			return t, nil, err
		}
		t.Head = []string{"Closed", "Store", "Register", "Closed by", "Currency", "Takings", "Expected cash", "Counted", "Over/short"}
		var sum int64
		for _, r := range rows {
			t.Rows = append(t.Rows, []cell{textCell(r.Closed.Format("2006-01-02 15:04")), textCell(cmp.Or(n[r.StoreID], r.StoreID)), textCell(r.RegisterID),
				textCell(r.ClosedBy), textCell(r.Currency), moneyCell(r.Gross, r.Currency), moneyCell(r.Expected, r.Currency),
				moneyCell(r.Counted, r.Currency), moneyCell(r.OverShort, r.Currency)})
			sum += r.OverShort
		}
		if len(rows) > 0 {
			t.Foot = [][]cell{{textCell("Total"), {}, {}, {}, textCell(rows[0].Currency), {}, {}, {}, moneyCell(sum, rows[0].Currency)}}
		}
		return t, rows, nil
	case "products":
		rep, err := b.ho.Products(ctx, q.Period, q.StoreID, 20)
		if err != nil {
			return t, nil, err
		}
		t.Title = "Top and slow products by quantity"
		t.Head = []string{"Rank", "Product", "Qty", "Gross", "Qty before"}
		for i, r := range rep.Top {
			t.Rows = append(t.Rows, []cell{textCell("top " + strconv.Itoa(i+1)), textCell(r.Label), numCell(r.Qty, 3),
				moneyCell(r.Gross, r.Currency), numCell(r.PrevQty, 3)})
		}
		for i, r := range rep.Slow {
			t.Rows = append(t.Rows, []cell{textCell("slow " + strconv.Itoa(i+1)), textCell(r.Label), numCell(r.Qty, 3),
				moneyCell(r.Gross, r.Currency), numCell(r.PrevQty, 3)})
		}
		t.Note = "Slow products include the catalog's products that sold nothing."
		return t, rep, nil
	case "books":
		chartName := r.URL.Query().Get("chart")
		if chartName == "" {
			chartName = "skr03"
		}
		mk, ok := headoffice.Charts[chartName]
		if !ok {
			return t, nil, pos.Errorf(pos.EInvalid, "chart is skr03, skr04 or generic")
		}
		chart := mk()
		bp, err := b.ho.Books(ctx, q.Period, q.StoreID, chart)
		if err != nil {
			return t, nil, err
		}
		t.Title = "Postings (" + chart.Name + ")"
		t.Head = []string{"Date", "Store", "Text", "Debit", "Credit", "Amount", "of which VAT"}
		acct := func(k books.AccountKey) string {
			a, err := chart.Account(k)
			if err != nil {
				return string(k)
			}
			if a.Number != "" {
				return a.Number + " " + a.Name
			}
			return a.Name
		}
		for _, p := range bp.Postings {
			t.Rows = append(t.Rows, []cell{textCell(p.Date), textCell(p.Store), textCell(p.Text), textCell(acct(p.Debit)),
				textCell(acct(p.Credit)), moneyCell(p.Amount, bp.Currency), moneyCell(p.Tax, bp.Currency)})
		}
		for _, f := range bp.Flags {
			t.Note += fmt.Sprintf("%s %s: %s. ", f.Store, f.Date, f.Text)
		}
		return t, bp, nil
	}
	return t, nil, pos.Errorf(pos.ENotFound, "There is no report %q.", q.Kind)
}

// storeNames maps store ids to names.
func (b *BackOffice) storeNames(r *http.Request) (map[string]string, error) {
	stores, err := b.ho.Stores(r.Context())
	if err != nil {
		return nil, err
	}
	n := map[string]string{}
	for _, s := range stores {
		n[s.ID] = s.Name
	}
	return n, nil
}

// reportsView is the page's data.
type reportsView struct {
	Q          reportQuery
	Kinds      []struct{ ID, Title string }
	Dimensions []headoffice.Dimension
	Stores     []headoffice.StoreInfo
	T          reportTable
	Error      string
	ExportURL  string
}

// reportsPageHandler serves /reports/{kind}: a form (GET, changes nothing),
// the table, a chart, and links to CSV and XLSX.
func (b *BackOffice) reportsPageHandler(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	if kind == "" {
		kind = "sales"
	}
	v := reportsView{Kinds: reportKinds, Dimensions: headoffice.Dimensions}
	stores, err := b.ho.Stores(r.Context())
	if err != nil {
		b.unavailable(w, r, "report "+r.URL.Path, err)
		return
	}
	v.Stores = stores
	status := http.StatusOK
	q, err := b.parseReportQuery(r, kind)
	v.Q = q
	if err == nil {
		v.T, _, err = b.buildReport(r, q)
	}
	if err != nil {
		var pe *pos.Error
		if !errors.As(err, &pe) {
			b.unavailable(w, r, "report "+r.URL.Path, err)
			return
		}
		v.Error, status = pe.Message, http.StatusBadRequest
	}
	u := *r.URL
	u.Path = "/reports/" + kind + "/export"
	v.ExportURL = u.String()
	var buf bytes.Buffer
	if err := reportsPage.Execute(&buf, v); err != nil {
		b.log.ErrorContext(r.Context(), "reports template", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// reportExport serves a report as CSV or XLSX (format=csv|xlsx).
func (b *BackOffice) reportExport(w http.ResponseWriter, r *http.Request) {
	q, err := b.parseReportQuery(r, r.PathValue("kind"))
	var t reportTable
	if err == nil {
		t, _, err = b.buildReport(r, q)
	}
	if err != nil {
		var pe *pos.Error
		if errors.As(err, &pe) {
			http.Error(w, pe.Message, http.StatusBadRequest)
			return
		}
		b.unavailable(w, r, "report "+r.URL.Path, err)
		return
	}
	name := fmt.Sprintf("till-%s-%s-%s", q.Kind, q.Period.From.Format("20060102"), q.Period.To.AddDate(0, 0, -1).Format("20060102"))
	if q.Kind == "sales" {
		name += "-by-" + string(q.By)
	}
	switch f := r.URL.Query().Get("format"); f {
	case "", "csv":
		body := tableCSV(t)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		w.Write(body)
	case "xlsx":
		body, err := tableXLSX(t)
		if err != nil {
			b.log.ErrorContext(r.Context(), "xlsx", "err", err)
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		w.Write(body)
	default:
		http.Error(w, "format is csv or xlsx", http.StatusBadRequest)
	}
}

// tableCSV writes the table with a dot as decimal separator and no
// thousands separator, which every spreadsheet reads.
func tableCSV(t reportTable) []byte {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(t.Head)
	for _, rows := range [][][]cell{t.Rows, t.Foot} {
		for _, row := range rows {
			rec := make([]string, len(row))
			for i, c := range row {
				rec[i] = c.Text
			}
			cw.Write(rec)
		}
	}
	cw.Flush()
	return buf.Bytes()
}

// tableXLSX writes the table as one sheet, numbers as numbers.
func tableXLSX(t reportTable) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Report"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	styles := map[int]int{}
	for _, d := range []int{0, 2, 3} {
		fmtCode := "0"
		if d > 0 {
			fmtCode = "0." + string(bytes.Repeat([]byte("0"), d))
		}
		s, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtCode})
		if err != nil {
			return nil, err
		}
		styles[d] = s
	}
	title := t.Title + ", " + t.Period.String()
	if err := f.SetCellValue(sheet, "A1", title); err != nil {
		return nil, err
	}
	for i, h := range t.Head {
		ref, _ := excelize.CoordinatesToCellName(i+1, 3)
		f.SetCellValue(sheet, ref, h)
		f.SetCellStyle(sheet, ref, ref, bold)
	}
	line := 4
	for _, rows := range [][][]cell{t.Rows, t.Foot} {
		for _, row := range rows {
			for i, c := range row {
				ref, _ := excelize.CoordinatesToCellName(i+1, line)
				if !c.Numeric {
					if err := f.SetCellValue(sheet, ref, c.Text); err != nil {
						return nil, err
					}
					continue
				}
				// A decimal string parsed once: exact to the cent, unlike n/100 in binary.
				v, err := strconv.ParseFloat(pos.FormatPlain(c.Num, c.Digits), 64)
				if err != nil {
					return nil, err
				}
				if err := f.SetCellValue(sheet, ref, v); err != nil {
					return nil, err
				}
				f.SetCellStyle(sheet, ref, ref, styles[c.Digits])
			}
			line++
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// adminReport is the JSON API of every report: the use case's typed
// result, or with format=csv|xlsx the same file the page offers.
func (b *BackOffice) adminReport(w http.ResponseWriter, r *http.Request) {
	if f := r.URL.Query().Get("format"); f != "" && f != "json" {
		b.reportExport(w, r)
		return
	}
	q, err := b.parseReportQuery(r, r.PathValue("kind"))
	var body any
	if err == nil {
		_, body, err = b.buildReport(r, q)
	}
	if err != nil {
		var pe *pos.Error
		if errors.As(err, &pe) {
			code, status := syncproto.CodeInvalid, http.StatusBadRequest
			if pe.Code == pos.ENotFound {
				code, status = syncproto.CodeNotFound, http.StatusNotFound
			}
			writeError(w, status, code, pe.Message)
			return
		}
		b.log.ErrorContext(r.Context(), "report", "err", err)
		writeError(w, http.StatusServiceUnavailable, syncproto.CodeUnavailable, "the head office database is not reachable")
		return
	}
	writeJSON(w, http.StatusOK, body)
}
