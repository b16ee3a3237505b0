package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/tillpos/till/app/pos"
)

// TestStatusStripSpeaksTheScreensLanguage: notes, devices and the head
// office come as data and read right in German and English, with singular
// and plural counts.
func TestStatusStripSpeaksTheScreensLanguage(t *testing.T) {
	h := newHarness(t) // German (testConfig)
	now := h.clock
	paper := &pos.Error{Code: pos.EUnavailable, Message: "Printer: out of paper"} // as hardware/escpos makes it
	for _, tc := range []struct {
		name string
		st   Status
		want string
	}{
		{"drawer note and a device in its own words",
			Status{Notes: []error{pos.Errorf(pos.EConflict, "Close the cash drawer")},
				Devices: []Device{{Kind: "terminal", Down: true, Err: &pos.Error{Code: pos.EUnavailable, Message: "Card terminal not answering"}}}},
			"Kassenlade schließen   ·   Drucker bereit   ·   Kartenterminal antwortet nicht"},
		{"device without words", Status{Devices: []Device{{Kind: "scale", Down: true, Err: errors.New("open /dev/ttyUSB1")}, {Kind: "scanner"}}},
			"Drucker bereit   ·   Waage antwortet nicht   ·   Scanner: bitte prüfen"},
		{"one sale offline", Status{HeadOffice: &HeadOffice{State: HeadOfficeOffline, Backlog: 1, Oldest: now.Add(-3*time.Hour - 5*time.Minute)}},
			"Drucker bereit   ·   Zentrale: offline, 1 Verkauf wartet, ältester 3 Std. 5 Min. alt (Verkäufe sind hier sicher)"},
		{"problem", Status{HeadOffice: &HeadOffice{State: HeadOfficeOffline, Backlog: 12, BacklogMore: true,
			Problem: pos.Errorf(pos.EUnavailable, "Head office not reachable. Sales are kept and will be sent later.")}},
			"Drucker bereit   ·   Zentrale nicht erreichbar. Verkäufe bleiben erhalten und werden später gesendet. (12+ Verkäufe warten)"},
		{"draining", Status{HeadOffice: &HeadOffice{State: HeadOfficeOnline, Backlog: 3000, DrainTotal: 5000, Drained: 2000, Oldest: now.Add(-50 * time.Hour)}},
			"Drucker bereit   ·   Zentrale: sende ▰▰▰▰▱▱▱▱▱▱ 2000 von 5000 (3000 Verkäufe warten, ältester 2 Tage alt)"},
		{"stuck", Status{HeadOffice: &HeadOffice{State: HeadOfficeOnline, Backlog: 4, Stuck: &Stuck{Seq: 7, Reason: "hash mismatch", Since: now.Add(-time.Hour)}}},
			"Zentrale: BLOCKIERT seit " + now.Add(-time.Hour).Local().Format("02.01. 15:04") + " (4 Verkäufe warten). Sie hat Journaleintrag 7 abgelehnt (hash mismatch)"},
		{"catalog", Status{HeadOffice: &HeadOffice{State: HeadOfficeOnline, CatalogStale: true}},
			"Zentrale: online, alle Verkäufe gesendet. Preise und Artikel konnten nicht"},
		{"not configured", Status{HeadOffice: &HeadOffice{NotConfigured: true}}, "Zentrale: nicht eingerichtet"},
	} {
		h.u.opts.Status = func() Status { return tc.st }
		h.u.RefreshStatus()
		if got := h.u.statusFit.full; !strings.Contains(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}

	// English, the printer's reason and a singular receipt.
	if err := useLanguage("en"); err != nil {
		t.Fatal(err)
	}
	if got, want := printerReason(paper), "Printer: out of paper"; got != want {
		t.Errorf("en reason %q", got)
	}
	h.u.opts.Status = func() Status {
		return Status{HeadOffice: &HeadOffice{State: HeadOfficeOnline, Backlog: 1, Oldest: now.Add(-30 * time.Second)}}
	}
	h.u.RefreshStatus()
	if got, want := h.u.statusFit.full, "Printer ready   ·   Head office: online, sending, 1 sale waiting, oldest under 1 min"; got != want {
		t.Errorf("en status %q, want %q", got, want)
	}
	if err := useLanguage("de"); err != nil {
		t.Fatal(err)
	}
	if got, want := printerReason(paper), "Drucker: kein Papier"; got != want {
		t.Errorf("de reason %q", got)
	}
	if got, want := printerReason(errors.New("write: broken pipe")), "Drucker antwortet nicht"; got != want {
		t.Errorf("de reason of a plain error %q", got)
	}
}

// TestLongStatusLineFits: a long status line is cut with "…" instead of
// widening the window past the screen (the clock and Menu fell off at
// 1280 in the German demo).
func TestLongStatusLineFits(t *testing.T) {
	h := newHarness(t)
	before := h.u.Window().Content().MinSize().Width
	h.u.opts.Status = func() Status {
		return Status{Notes: []error{pos.Errorf(pos.EConflict, "Close the cash drawer")},
			HeadOffice: &HeadOffice{State: HeadOfficeOnline, Backlog: 4, Stuck: &Stuck{Seq: 7, Reason: "hash mismatch", Since: h.clock}}}
	}
	h.u.RefreshStatus()
	if w := h.u.Window().Content().MinSize().Width; w > before {
		t.Errorf("window needs %v wide for the status line, %v without it", w, before)
	}
	h.u.Window().Resize(fyne.NewSize(1280, 800))
	shown := h.u.status.Text
	if !strings.HasSuffix(shown, "…") || !strings.HasPrefix(h.u.statusFit.full, strings.TrimSuffix(shown, "…")) {
		t.Errorf("shown %q of %q", shown, h.u.statusFit.full)
	}
}
