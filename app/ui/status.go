package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// Status is what the status strip shows besides the print queue. It is kept
// as data, not sentences, so the strip says it in the screen's language.
type Status struct {
	// Notes come first: what the register waits for, e.g. "Close the cash
	// drawer", each a *pos.Error shown through its translation.
	Notes []error
	// Devices that need attention (the printer is left out: the print queue
	// already explains it).
	Devices []Device
	// HeadOffice is the sync state; nil shows nothing about it.
	HeadOffice *HeadOffice
}

// Device is a device that needs attention.
type Device struct {
	// Kind is hardware/devices' kind: "printer", "drawer", "scanner",
	// "terminal", "display" or "scale".
	Kind string
	// Down: it does not answer; else it answers but cannot work.
	Down bool
	// Err is the cause; a *pos.Error in it is the device's own words
	// ("Card terminal not answering").
	Err error
}

// Head-office connection states (syncclient's).
const (
	HeadOfficeConnecting = ""
	HeadOfficeOnline     = "online"
	HeadOfficeOffline    = "offline"
	HeadOfficeDiverged   = "diverged"
)

// HeadOffice is the register's sync state as the strip shows it.
type HeadOffice struct {
	// NotConfigured: the register does not sync; sales stay on it.
	NotConfigured bool
	State         string // HeadOffice*
	// Backlog entries wait (at least, with BacklogMore); the oldest was
	// journaled at Oldest (zero: unknown).
	Backlog     int
	BacklogMore bool
	Oldest      time.Time
	// Drained of DrainTotal sent in the current pass; DrainTotal 0 when
	// not draining.
	Drained, DrainTotal int
	// Problem is the last pass's problem for the cashier (a *pos.Error),
	// nil after a good pass.
	Problem error
	// Stuck is set while a refused entry holds the journal back.
	Stuck *Stuck
	// CatalogStale: prices and products could not be pulled.
	CatalogStale bool
}

// Stuck names the entry the head office refused.
type Stuck struct {
	Seq    int64
	Reason string // the head office's words, shown as they are
	Since  time.Time
}

const stripSep = "   ·   "

// statusText is the whole strip: notes, the print queue, devices, head office.
func (u *UI) statusText() string {
	var st Status
	if u.opts.Status != nil {
		st = u.opts.Status()
	}
	var parts []string
	for _, n := range st.Notes {
		parts = append(parts, errText(n))
	}
	parts = append(parts, printText(u.reg.Spooler().Status()))
	for _, d := range st.Devices {
		parts = append(parts, deviceText(d))
	}
	if st.HeadOffice != nil {
		parts = append(parts, u.headOfficeText(*st.HeadOffice))
	}
	return strings.Join(parts, stripSep)
}

// printText says what the print queue does, and why it waits.
func printText(st register.SpoolStatus) string {
	n := map[string]any{"N": st.Pending}
	switch {
	case st.Reason != "" && st.Pending > 0:
		// Why it waits, and that the cashier goes on: the receipts print later.
		n["Reason"] = printerReason(st.Err)
		return lang.N("{{.Reason}}: {{.N}} receipts will print later. Keep selling.", st.Pending, n)
	case st.Err != nil && st.Pending > 0:
		return lang.N("Printer problem: {{.N}} receipts waiting. Check paper and cover.", st.Pending, n)
	case st.Pending > 0:
		return lang.N("Printing {{.N}} receipts", st.Pending, n)
	}
	return lang.L("Printer ready")
}

// printerReason is the printer's own words for a failure (register.PrinterReason), translated.
func printerReason(err error) string {
	var pe *pos.Error
	if errors.As(err, &pe) && pe.Message != "" {
		return errText(pe)
	}
	return lang.L("Printer not answering")
}

func deviceText(d Device) string {
	var pe *pos.Error
	if errors.As(d.Err, &pe) && pe.Message != "" {
		return errText(pe)
	}
	name := map[string]any{"Device": deviceLabel(d.Kind)}
	if d.Down {
		return lang.L("{{.Device}} not answering", name)
	}
	return lang.L("{{.Device}}: needs attention", name)
}

func deviceLabel(kind string) string {
	switch kind {
	case "printer":
		return lang.L("Printer")
	case "drawer":
		return lang.L("Cash drawer")
	case "scanner":
		return lang.L("Scanner")
	case "terminal":
		return lang.L("Card terminal")
	case "display":
		return lang.L("Customer display")
	case "scale":
		return lang.L("Scale")
	}
	return lang.L("Device")
}

// headOfficeText is the strip's sentence about the head office: online,
// backlog and its age, drain progress, stuck.
func (u *UI) headOfficeText(h HeadOffice) string {
	if h.NotConfigured {
		return lang.L("Head office: not configured (sales stay on this register)")
	}
	count := fmt.Sprint(h.Backlog)
	if h.BacklogMore {
		count += "+"
	}
	waiting := lang.N("{{.N}} sales waiting", h.Backlog, map[string]any{"N": count})
	if !h.Oldest.IsZero() && h.Backlog > 0 {
		waiting = lang.L("{{.Waiting}}, oldest {{.Age}}", map[string]any{"Waiting": waiting, "Age": age(u.now().Sub(h.Oldest))})
	}
	switch {
	case h.Stuck != nil:
		return lang.L("Head office: STUCK since {{.Since}} ({{.Waiting}}). It refused journal entry {{.Seq}} ({{.Reason}}); later sales wait behind it. All sales are safe on this register. Call support.",
			map[string]any{"Since": u.shortTime(h.Stuck.Since), "Waiting": waiting, "Seq": h.Stuck.Seq, "Reason": h.Stuck.Reason})
	case h.DrainTotal > 0 && h.Drained < h.DrainTotal:
		return lang.L("Head office: sending {{.Bar}} {{.Done}} of {{.Total}} ({{.Waiting}})",
			map[string]any{"Bar": progressBar(h.Drained, h.DrainTotal), "Done": h.Drained, "Total": h.DrainTotal, "Waiting": waiting})
	case h.Problem != nil:
		// The problem's sentence names the head office and says sales are kept.
		return lang.L("{{.Problem}} ({{.Waiting}})", map[string]any{"Problem": errText(h.Problem), "Waiting": waiting})
	case h.State == HeadOfficeOnline && h.Backlog == 0:
		s := lang.L("Head office: online, all sales sent")
		if h.CatalogStale {
			s += ". " + lang.L("Prices and products could not be updated from the head office; the register keeps selling with the ones it has.")
		}
		return s
	case h.State == HeadOfficeOnline:
		return lang.L("Head office: online, sending, {{.Waiting}}", map[string]any{"Waiting": waiting})
	case h.State == HeadOfficeOffline:
		return lang.L("Head office: offline, {{.Waiting}} (sales are safe here)", map[string]any{"Waiting": waiting})
	}
	return lang.L("Head office: connecting")
}

// shortTime is a day and time without the year, in local time.
func (u *UI) shortTime(t time.Time) string {
	if baseLanguage(u.locale) == "de" {
		return t.Local().Format("02.01. 15:04")
	}
	return t.Local().Format("2 Jan 15:04")
}

// progressBar draws done/total in ten cells: "▰▰▰▱▱▱▱▱▱▱".
func progressBar(done, total int) string {
	n := 0
	if total > 0 {
		n = min(10, done*10/total)
	}
	return strings.Repeat("▰", n) + strings.Repeat("▱", 10-n)
}

// age says how old something is in the largest sensible units.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return lang.L("under 1 min")
	case d < time.Hour:
		return lang.L("{{.M}} min", map[string]any{"M": int(d / time.Minute)})
	case d < 48*time.Hour:
		return lang.L("{{.H}} h {{.M}} min", map[string]any{"H": int(d / time.Hour), "M": int(d % time.Hour / time.Minute)})
	}
	days := int(d / (24 * time.Hour))
	return lang.N("{{.N}} days", days, map[string]any{"N": days})
}

// fitText lays out a one-line text centred in whatever width is left,
// cut with "…" when it is longer: a long status line must never push the
// window wider than the screen (the clock and Menu fell off at 1280).
type fitText struct {
	text  *canvas.Text
	full  string
	width float32
	left  bool // align left instead of centring
}

// set shows s, cut to the width last laid out.
func (f *fitText) set(s string) {
	f.full = s
	f.fit()
}

func (f *fitText) fit() {
	s := f.full
	if f.width > 0 {
		for r := []rune(s); len(r) > 0 && fyne.MeasureText(s, f.text.TextSize, f.text.TextStyle).Width > f.width; {
			r = r[:len(r)-1]
			s = strings.TrimRight(string(r), " ·") + "…"
		}
	}
	if f.text.Text != s {
		f.text.Text = s
		f.text.Refresh()
	}
}

func (f *fitText) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	f.width = size.Width
	f.fit()
	for _, o := range objs {
		m := o.MinSize()
		o.Resize(m)
		x := (size.Width - m.Width) / 2
		if f.left {
			x = 0
		}
		o.Move(fyne.NewPos(x, (size.Height-m.Height)/2))
	}
}

// MinSize is the text's height only: the width is what is left.
func (f *fitText) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(0, f.text.MinSize().Height)
}
