package backoffice

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/sync/syncproto"
)

//go:embed templates/dashboard.html
var dashboardFS embed.FS

var dashboardPage = template.Must(template.New("dashboard.html").Funcs(template.FuncMap{
	"pct": func(f float64) string { return strconv.FormatFloat(100*f, 'f', 1, 64) + " %" },
}).ParseFS(dashboardFS, "templates/dashboard.html"))

// storeColours tell the stores apart in the chart (colour-blind safe, Okabe-Ito).
var storeColours = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"}

type dashData struct {
	Now          time.Time
	Day          string
	SalesToday   int
	Returns      int64
	Voids        int64
	GrossToday   string
	Online, All  int
	SuccessRatio float64
	Rejected     int64
	Chart        chart
	Stores       []storeRow
	Registers    []healthRow
}

type storeRow struct {
	ID, Name, Colour string
	Sales            int
	Gross            string
	ByHour           [24]int
}

type healthRow struct {
	ID, Store, Name  string
	Online           bool
	LastSeen         string // or "not since start"
	LastEntry        string
	LastSeq          int64
	SalesToday       int64
	GrossToday       string
	Backlog          string // "not reported" until the register reports
	OldestUnsynced   string
	Version          string
	Devices          []device // nil: not reported
	SuccessIngest    string   // accepted share of entries pushed since start
	SuccessSales     string   // completed share of sales as the register counts them
	Rejected         int64
	ChainBroken      bool
	Reported         string // when the last heartbeat came; "" never
	SalesFailed      int64
	Cards            string // card answers as reported, "" none
	PrintFailures    int64
	ScanToLine       string // "p50 3 ms · p99 9 ms", "" none
	SyncProblem      string
	Enrolled, Pushed bool
}

// chart is today's sales by hour, one stacked bar per hour, one colour per
// store, drawn as inline SVG by the template.
type chart struct {
	W, H, Left, Bottom, Top int
	Bars                    []bar
	Ticks                   []tick
	Hours                   []hourLabel
}

type bar struct {
	X, Y, W, H float64
	Colour     string
	Title      string
}

type tick struct {
	Y     float64
	Label string
}

type hourLabel struct {
	X     float64
	Label string
}

func (b *BackOffice) dashboard(w http.ResponseWriter, r *http.Request) {
	d, err := b.ho.Dashboard(r.Context())
	if err != nil {
		b.log.ErrorContext(r.Context(), "dashboard", "err", err)
		http.Error(w, "The head office database is not reachable. Try again in a minute.", http.StatusServiceUnavailable)
		return
	}
	var buf bytes.Buffer
	if err := dashboardPage.Execute(&buf, dashboardView(d)); err != nil {
		b.log.ErrorContext(r.Context(), "dashboard template", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// dashboardView puts the use case's figures into words, colours and a chart.
func dashboardView(hd headoffice.Dashboard) dashData {
	now := hd.Now
	d := dashData{Now: now, Day: now.Format("Monday 2 January 2006"), SuccessRatio: hd.SuccessRatio,
		SalesToday: int(hd.Sales), Returns: hd.Returns, Voids: hd.Voids, GrossToday: formatAmounts(hd.Takings)}
	for i, st := range hd.Stores {
		row := storeRow{ID: st.ID, Name: st.Name, Colour: storeColours[i%len(storeColours)], Sales: int(st.Sales),
			Gross: formatAmounts(st.Takings)}
		for h, n := range st.ByHour {
			row.ByHour[h] = int(n)
		}
		d.Stores = append(d.Stores, row)
	}
	d.Chart = drawChart(d.Stores)
	for _, rg := range hd.Registers {
		h := healthRow{ID: rg.ID, Name: rg.Name, Store: "–", LastEntry: "–", GrossToday: "–",
			Enrolled: rg.Enrolled, Pushed: rg.Pushed, Online: rg.Online}
		if rg.StoreName != "" {
			h.Store = rg.StoreName
		}
		if rg.Pushed {
			h.LastSeq, h.SalesToday = rg.LastSeq, rg.SalesToday
			h.LastEntry = rg.LastEntryAt.In(now.Location()).Format("Jan 2, 15:04")
			if !rg.LastEntryAt.Before(hd.Day) {
				h.LastEntry = rg.LastEntryAt.In(now.Location()).Format("15:04")
			}
			h.GrossToday = formatAmounts(rg.TakingsToday)
		}
		h.LastSeen = "not since start"
		if !rg.LastSeen.IsZero() {
			h.LastSeen = ago(now.Sub(rg.LastSeen))
		}
		h.SuccessIngest = "no pushes since start"
		if t := rg.Accepted + rg.Rejected; t > 0 {
			h.SuccessIngest = strconv.FormatFloat(100*rg.Accepted/t, 'f', 1, 64) + " %"
		}
		h.Rejected = int64(rg.Rejected)
		h.ChainBroken = rg.Rejected > 0
		const nr = "not reported"
		h.Backlog, h.OldestUnsynced, h.Version, h.SuccessSales = nr, nr, nr, nr
		if hh := rg.Health; hh != nil {
			h.Reported = ago(now.Sub(hh.ReceivedAt))
			h.Backlog = strconv.FormatInt(hh.OutboxDepth, 10)
			h.OldestUnsynced = "–"
			if hh.OutboxDepth > 0 {
				h.OldestUnsynced = ago(hh.OldestUnsynced)
			}
			if hh.AppVersion != "" {
				h.Version = hh.AppVersion
			}
			h.Devices = devices(hh.Devices)
			completed, failed := hh.Counters[syncproto.CounterSalesCompleted], hh.Counters[syncproto.CounterSalesFailed]
			if completed+failed > 0 {
				h.SuccessSales = strconv.FormatFloat(100*float64(completed)/float64(completed+failed), 'f', 1, 64) + " %"
				h.SalesFailed = failed
			}
			h.SyncProblem = hh.SyncProblem
			h.Cards, h.PrintFailures, h.ScanToLine = tillFigures(*hh)
		}
		if h.Online {
			d.Online++
		}
		d.Rejected += h.Rejected
		d.Registers = append(d.Registers, h)
	}
	d.All = len(d.Registers)
	return d
}

// tillFigures are the card, printer and scanner numbers of a heartbeat.
func tillFigures(h headoffice.RegisterHealth) (cards string, printFailures int64, scan string) {
	ok, declined, errs := h.Counters[syncproto.CounterCardApproved], h.Counters[syncproto.CounterCardDeclined], h.Counters[syncproto.CounterCardErrors]
	if ok+declined+errs > 0 {
		cards = fmt.Sprintf("%d ok · %d declined · %d error", ok, declined, errs)
		if errs != 1 {
			cards += "s"
		}
	}
	if l, found := h.Latencies[syncproto.LatencyScanToLine]; found && l.Count > 0 {
		scan = "p50 " + millis(l.P50) + ", p99 " + millis(l.P99)
	}
	return cards, h.Counters[syncproto.CounterPrintFailures], scan
}

// millis shows a latency in milliseconds, one decimal below 10 ms.
func millis(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	if ms < 10 {
		return strconv.FormatFloat(ms, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(ms, 'f', 0, 64) + " ms"
}

// device is one device's state as the register reported it.
type device struct {
	Name, State string
	OK          bool
}

func devices(m map[string]string) []device {
	var out []device
	for k, v := range m {
		out = append(out, device{Name: k, State: v, OK: v == "ok" || v == "connected" || v == "unknown"}) // only faults are red
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ago says how long ago in the largest sensible unit.
func ago(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return "just now"
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + " s ago"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + " min ago"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d.Hours())) + " h ago"
	default:
		return strconv.Itoa(int(d.Hours()/24)) + " days ago"
	}
}

// drawChart lays out a stacked bar per hour of the day.
func drawChart(stores []storeRow) chart {
	c := chart{W: 960, H: 280, Left: 48, Bottom: 28, Top: 12}
	plotW := float64(c.W - c.Left - 8)
	plotH := float64(c.H - c.Bottom - c.Top)
	maxTotal := 0
	for h := range 24 {
		t := 0
		for _, st := range stores {
			t += st.ByHour[h]
		}
		maxTotal = max(maxTotal, t)
	}
	top := niceCeil(maxTotal)
	// Trading hours, widened to any hour with sales: no empty night.
	lo, hi := 8, 20
	for h := range 24 {
		for _, st := range stores {
			if st.ByHour[h] > 0 {
				lo, hi = min(lo, h), max(hi, h)
			}
		}
	}
	slot := plotW / float64(hi-lo+1)
	for h := lo; h <= hi; h++ {
		x := float64(c.Left) + float64(h-lo)*slot
		y := float64(c.Top) + plotH // stack upwards from the axis
		for _, st := range stores {
			n := st.ByHour[h]
			if n == 0 {
				continue
			}
			bh := plotH * float64(n) / float64(top)
			y -= bh
			c.Bars = append(c.Bars, bar{X: x + slot*0.15, Y: y, W: slot * 0.7, H: bh, Colour: st.Colour,
				Title: fmt.Sprintf("%s, %02d:00–%02d:59: %d sales", st.Name, h, h, n)})
		}
		c.Hours = append(c.Hours, hourLabel{X: x + slot/2, Label: fmt.Sprintf("%02d:00", h)})
	}
	for i := 0; i <= 4; i++ {
		v := top * i / 4
		c.Ticks = append(c.Ticks, tick{Y: float64(c.Top) + plotH - plotH*float64(v)/float64(top), Label: strconv.Itoa(v)})
	}
	return c
}

// niceCeil rounds n up to a round number (1.2, 1.6, 2, 2.4, 3, 4, 5, 6 or 8
// times a power of ten) divisible by 4, so the four gridlines are whole
// numbers; at least 4.
func niceCeil(n int) int {
	if n <= 4 {
		return 4
	}
	p := math.Pow(10, math.Floor(math.Log10(float64(n))))
	for _, m := range []float64{1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10} {
		if v := int(m * p); v >= n && v%4 == 0 {
			return v
		}
	}
	return int(10*p) + (4-int(10*p)%4)%4
}
