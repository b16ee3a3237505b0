package main

import (
	"strings"
	"testing"
)

// TestCheckFailsARunThatDiffers: a register whose journal or Z differs
// from the head office's, or a silent-register alert that never fired or
// never resolved, fails the run; the page shows the mismatch.
func TestCheckFailsARunThatDiffers(t *testing.T) {
	t.Parallel()
	good := func() *results {
		return &results{SuccessRate: 1,
			Reconciled: []reconciliation{{Register: "S1-R01", JournalEqual: true, ZEqual: true, SalesEqual: true}},
			Alerts: []alertChange{{Alert: "TillRegisterSilent", Register: "S2-R01", State: "pending"},
				{Alert: "TillRegisterSilent", Register: "S2-R01", State: "firing"},
				{Alert: "TillRegisterSilent", Register: "S2-R01", State: "resolved"}},
			SalesByHour: []hourCount{{Hour: 8, Sales: 10}, {Hour: 12, Sales: 30, Failed: 1}},
			Errors:      map[string]int{"card declined": 3}}
	}
	if err := good().check(); err != nil {
		t.Fatalf("a good run fails: %v", err)
	}
	for name, spoil := range map[string]func(*results){
		"journal differs": func(r *results) { r.Reconciled[0].JournalEqual = false },
		"Z differs":       func(r *results) { r.Reconciled[0].ZEqual = false },
		"never resolved":  func(r *results) { r.Alerts = r.Alerts[:2] },
		"never fired":     func(r *results) { r.Alerts = r.Alerts[:1] },
		"sales failed":    func(r *results) { r.SuccessRate = 0.99 },
	} {
		r := good()
		spoil(r)
		if err := r.check(); err == nil {
			t.Errorf("%s: the run passes", name)
		}
	}
	r := good()
	r.Reconciled[0].ZEqual = false
	page := renderHTML(r)
	for _, want := range []string{"<svg", "12:00", `class="bad">false`, "card declined", "TillRegisterSilent"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
