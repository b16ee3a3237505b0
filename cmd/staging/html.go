package main

import (
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strings"
)

func urlQuery(q string) string { return url.QueryEscape(q) }

// svgBars draws labelled bars (one or two series) as an inline SVG.
func svgBars(title string, labels []string, a, b []float64, aName, bName string) template.HTML {
	const w, h, left, bottom = 640, 220, 50, 30
	maxV := 0.0
	for i := range a {
		maxV = max(maxV, a[i])
		if b != nil {
			maxV = max(maxV, b[i])
		}
	}
	if maxV == 0 {
		maxV = 1
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img" aria-label="%s">`, w, h, template.HTMLEscapeString(title))
	fmt.Fprintf(&s, `<text x="%d" y="14" font-size="13" font-weight="bold">%s</text>`, left, template.HTMLEscapeString(title))
	plotH := float64(h - bottom - 24)
	n := max(1, len(labels))
	bw := float64(w-left-10) / float64(n)
	for i := range labels {
		x := float64(left) + float64(i)*bw
		bar := func(v float64, off, frac float64, color string) {
			hh := v / maxV * plotH
			fmt.Fprintf(&s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %g</title></rect>`,
				x+off, float64(h-bottom)-hh, bw*frac, hh, color, template.HTMLEscapeString(labels[i]), v)
		}
		if b == nil {
			bar(a[i], bw*.1, .8, "#3b7dd8")
		} else {
			bar(a[i], bw*.1, .4, "#3b7dd8")
			bar(b[i], bw*.5, .4, "#d8573b")
		}
		if n <= 24 || i%(n/12+1) == 0 {
			fmt.Fprintf(&s, `<text x="%.1f" y="%d" font-size="10" text-anchor="middle">%s</text>`, x+bw/2, h-bottom+12, template.HTMLEscapeString(labels[i]))
		}
	}
	fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="10" text-anchor="end">%.3g</text>`, left-4, h-bottom-int(plotH)+4, maxV)
	fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="10" text-anchor="end">0</text>`, left-4, h-bottom)
	legend := fmt.Sprintf(`<rect x="%d" y="%d" width="10" height="10" fill="#3b7dd8"/><text x="%d" y="%d" font-size="11">%s</text>`, left, h-10, left+14, h-1, template.HTMLEscapeString(aName))
	if b != nil {
		legend += fmt.Sprintf(`<rect x="%d" y="%d" width="10" height="10" fill="#d8573b"/><text x="%d" y="%d" font-size="11">%s</text>`, left+200, h-10, left+214, h-1, template.HTMLEscapeString(bName))
	}
	s.WriteString(legend + `</svg>`)
	return template.HTML(s.String())
}

// svgHBars draws one horizontal bar per label, for long labels.
func svgHBars(title string, labels []string, v []float64) template.HTML {
	const w, row, left = 640, 18, 300
	h := 24 + row*len(labels)
	maxV := 1.0
	for _, x := range v {
		maxV = max(maxV, x)
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" role="img" aria-label="%s">`, w, h, template.HTMLEscapeString(title))
	fmt.Fprintf(&s, `<text x="0" y="14" font-size="13" font-weight="bold">%s</text>`, template.HTMLEscapeString(title))
	for i, l := range labels {
		y := 22 + i*row
		bw := v[i] / maxV * float64(w-left-60)
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="11" text-anchor="end">%s</text>`, left-6, y+12, template.HTMLEscapeString(l))
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="#3b7dd8"/>`, left, y+2, bw, row-4)
		fmt.Fprintf(&s, `<text x="%.1f" y="%d" font-size="11">%g</text>`, float64(left)+bw+4, y+12, v[i])
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

var page = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Till staging report</title>
<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:13px}.bad{color:#b00;font-weight:bold}.ok{color:#070}</style></head><body>
<h1>Till staging report</h1>
<p>{{.R.Registers}} registers in {{.R.Stores}} stores, one simulated hour = {{.R.Hour}} real time, seed {{.R.Seed}}, run took {{.R.Took}}.<br>
Command: <code>{{.R.Command}}</code></p>
<h2>Figures</h2>
<table>
<tr><th>transaction success rate</th><td>{{printf "%.4f" .R.SuccessRate}} ({{.R.Sales}} sales committed, {{.R.Failed}} failed)</td></tr>
<tr><th>sale commit p50 / p99</th><td>{{.R.CommitP50}} / {{.R.CommitP99}}</td></tr>
<tr><th>scan-to-line p50 / p99</th><td>{{.R.ScanP50}} / {{.R.ScanP99}}</td></tr>
<tr><th>sync lag p50 / p99 (real)</th><td>{{.R.SyncLagP50}} / {{.R.SyncLagP99}}</td></tr>
<tr><th>sync lag p50 / p99 (simulated)</th><td>{{.R.SyncLagSimP50}} / {{.R.SimLagP99}}</td></tr>
<tr><th>ingest p50 / p99 (Prometheus, whole run)</th><td>{{.R.IngestP50}} / {{.R.IngestP99}}</td></tr>
<tr><th>price change reached S1's registers after (simulated)</th><td>{{range .R.PriceLagSim}}{{.}} {{end}}</td></tr>
<tr><th>exactly-once, two head offices behind HAProxy</th><td>{{.R.ExactlyOnce}}</td></tr>
</table>
{{.Sales}}
{{.Lag}}
{{.Ingest}}
{{.Errors}}
<h2>First message of each error kind</h2><table>{{range $k, $v := .R.ErrorExamples}}<tr><td>{{$k}}</td><td>{{$v}}</td></tr>{{end}}</table>
<h2>Events</h2><table><tr><th>simulated</th><th>event</th></tr>{{range .R.Events}}<tr><td>{{.Sim}}</td><td>{{.What}}</td></tr>{{end}}</table>
<h2>Alerts (Prometheus /api/v1/alerts, polled every scrape)</h2>
<table><tr><th>real</th><th>simulated</th><th>alert</th><th>register</th><th>state</th></tr>
{{range .R.Alerts}}<tr><td>{{.Real}}</td><td>{{.Sim}}</td><td>{{.Alert}}</td><td>{{.Register}}</td><td>{{.State}}</td></tr>{{end}}</table>
<h2>Reconciliation: every register against the head office</h2>
<table><tr><th>register</th><th>entries</th><th>chain end</th><th>journal equal</th><th>sales (register / HQ)</th><th>Z gross (register / HQ)</th><th>Z equal</th></tr>
{{range .R.Reconciled}}<tr><td>{{.Register}}</td><td>{{.Entries}}</td><td><code>{{.ChainEnd}}</code></td>
<td class="{{if .JournalEqual}}ok{{else}}bad{{end}}">{{.JournalEqual}}</td><td class="{{if .SalesEqual}}ok{{else}}bad{{end}}">{{.Sales}} / {{.HQSales}}</td>
<td>{{.ZGross}} / {{.HQZGross}}</td><td class="{{if .ZEqual}}ok{{else}}bad{{end}}">{{.ZEqual}}</td></tr>{{end}}</table>
{{if .R.Problems}}<h2>Problems</h2><ul>{{range .R.Problems}}<li class="bad">{{.}}</li>{{end}}</ul>{{end}}
</body></html>
`))

func renderHTML(r *results) string {
	var labels []string
	var sales, failed []float64
	for _, h := range r.SalesByHour {
		labels = append(labels, fmt.Sprintf("%02d:00", h.Hour))
		sales = append(sales, float64(h.Sales))
		failed = append(failed, float64(h.Failed))
	}
	var lagL []string
	var p50, p99 []float64
	for _, h := range r.LagByHour {
		lagL = append(lagL, fmt.Sprintf("%02d:00", h.Hour))
		p50 = append(p50, h.P50/60)
		p99 = append(p99, h.P99/60)
	}
	var inL []string
	var inV []float64
	for _, p := range r.IngestSeries {
		inL = append(inL, fmt.Sprintf("%.0fs", p.T))
		inV = append(inV, p.V*1000)
	}
	var kinds []string
	for k := range r.Errors {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var ev []float64
	for _, k := range kinds {
		ev = append(ev, float64(r.Errors[k]))
	}
	var b strings.Builder
	page.Execute(&b, map[string]any{
		"R":      r,
		"Sales":  svgBars("Sales committed and failed per simulated hour", labels, sales, failed, "committed", "failed"),
		"Lag":    svgBars("Sync lag by hour of sale, simulated minutes (p50, p99)", lagL, p50, p99, "p50", "p99"),
		"Ingest": svgBars("Ingest p99 per 5 s window, ms (real time since start)", inL, inV, nil, "p99 ms", ""),
		"Errors": svgHBars("Errors and events by kind (sync passes that failed, card declines, paper-out print attempts; returns and voids for scale)", kinds, ev),
	})
	return b.String()
}
