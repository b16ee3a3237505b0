package ui

import (
	"encoding/json"
	"strings"
	"testing"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// newShopHarness is a register with three employees and a drawer; it starts
// on the login screen.
func newShopHarness(t *testing.T) (*harness, *fakeDrawer) {
	t.Helper()
	d := &fakeDrawer{}
	h := newStaffHarness(t, register.Deps{Staff: newFakeDirectory(), Drawer: d})
	return h, d
}

// logIn taps the employee's tile, types the PIN and taps Log in: 6 taps.
func (h *harness) logIn(id, pin string) {
	h.t.Helper()
	h.onScreen(h.u.login.content, "login")
	h.tap(h.u.login.tiles[id])
	h.typeOn(h.u.login.pad, strings.Split(pin, "")...)
	h.tap(h.u.login.ok)
}

// countDrawer taps each denomination and types its count.
func (h *harness) countDrawer(counts map[int64]string) {
	h.t.Helper()
	for _, v := range register.Denominations(h.u.cur) {
		if n, ok := counts[v]; ok {
			h.tap(h.u.count.rows[v])
			h.typeOn(h.u.count.pad, strings.Split(n, "")...)
		}
	}
}

// openShift logs in and opens the shift with a 150 € float.
func (h *harness) openShift(id, pin string) {
	h.t.Helper()
	h.logIn(id, pin)
	h.onScreen(h.u.count.content, "count")
	h.countDrawer(map[int64]string{10000: "1", 5000: "1"})
	h.tap(h.u.count.done)
	h.onScreen(h.u.sale.content, "sale")
}

func (h *harness) approve(pin, reason string) {
	h.t.Helper()
	d := h.u.override
	if d == nil {
		h.t.Fatal("no override dialog")
	}
	h.typeOn(d.pad, strings.Split(pin, "")...)
	h.tap(d.reasons[reason])
	h.tap(d.ok)
}

func cashMoves(t *testing.T, j *fakeJournal) []register.CashMoveRecord {
	t.Helper()
	var out []register.CashMoveRecord
	for _, e := range j.kinds(pos.EntryCashMove) {
		var m register.CashMoveRecord
		if err := json.Unmarshal(e.Payload, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestLoginScenario(t *testing.T) {
	h, _ := newShopHarness(t)
	h.onScreen(h.u.login.content, "login")
	if h.u.switchTile.Visible() || h.u.menuTile.Visible() {
		t.Error("Switch or Menu shown while locked")
	}
	// A scan while locked is refused: nobody is selling.
	h.scanProduct("milch")
	if len(h.lines()) != 0 || !h.u.msgBox.Visible() {
		t.Fatal("a scan on the login screen was sold")
	}
	// A wrong PIN stays on the login screen and says so.
	h.tap(h.u.login.tiles["e-anna"])
	h.typeOn(h.u.login.pad, "9", "9", "9", "9")
	h.tap(h.u.login.ok)
	if h.u.login.msg.Text == "" || h.u.login.pin != "" {
		t.Fatalf("wrong PIN: message %q", h.u.login.msg.Text)
	}
	h.taps = 0
	h.logIn("e-anna", "1111")
	if h.taps != 6 {
		t.Errorf("login took %d taps, want 6", h.taps)
	}
	if e, ok := h.reg.Current(); !ok || e.Name != "Anna" {
		t.Fatalf("current = %+v", e)
	}
	clocks := h.journal.kinds(pos.EntryClockInOut)
	var c register.ClockRecord
	if len(clocks) != 1 || json.Unmarshal(clocks[0].Payload, &c) != nil || !c.In || c.EmployeeID != "e-anna" {
		t.Fatalf("clock entries = %d %+v", len(clocks), c)
	}
	// No shift yet: the float count comes first.
	h.onScreen(h.u.count.content, "count")
	// The greeting is in the hint: a message strip would cover the title.
	if h.u.msgBox.Visible() || !strings.HasPrefix(h.u.count.hint.Text, lang.L("{{.Name}} clocked in", map[string]any{"Name": "Anna"})) {
		t.Errorf("clock-in greeting: strip %v %q, hint %q", h.u.msgBox.Visible(), h.u.msgText.Text, h.u.count.hint.Text)
	}
	h.taps = 0
	h.countDrawer(map[int64]string{10000: "1", 5000: "1", 200: "10", 50: "20"})
	if got := h.u.count.total.Text; got != "180,00 €" {
		t.Errorf("count total = %q", got)
	}
	h.tap(h.u.count.done)
	if h.taps != 11 {
		t.Errorf("opening the shift took %d taps, want 11", h.taps)
	}
	h.onScreen(h.u.sale.content, "sale")
	shift, _, open, _ := h.reg.OpenShift(t.Context())
	if !open || shift.Float != 18000 || shift.OpenedBy != "Anna" || len(shift.Counts) != 4 {
		t.Fatalf("shift = %+v", shift)
	}
	if h.u.userName.Text != "Anna" || !h.u.switchTile.Visible() {
		t.Errorf("header: %q", h.u.userName.Text)
	}
}

func TestSwitchCashierKeepsTheOpenSale(t *testing.T) {
	h, _ := newShopHarness(t)
	h.openShift("e-anna", "1111")
	h.scanProduct("milch")
	h.scanProduct("butter")
	open, _ := h.reg.Sale()
	h.taps = 0
	h.tap(h.u.switchTile)
	h.onScreen(h.u.login.content, "login")
	if _, ok := h.reg.Current(); ok {
		t.Fatal("still logged in after Switch")
	}
	h.logIn("e-ben", "2222")
	h.onScreen(h.u.sale.content, "sale")
	if h.taps != 7 {
		t.Errorf("switching took %d taps, want 7", h.taps)
	}
	s, _ := h.reg.Sale()
	if s.ID != open.ID || len(s.Lines) != 2 || s.Cashier != "Ben" {
		t.Fatalf("sale after switch: %s %d lines, cashier %q", s.ID, len(s.Lines), s.Cashier)
	}
	if len(h.u.sale.rows) < 2 || h.u.sale.list.Objects == nil {
		t.Error("cart not shown after the switch")
	}
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.exact)
	sales := h.journal.kinds(pos.EntrySale)
	var rec pos.SaleRecord
	if len(sales) != 1 || json.Unmarshal(sales[0].Payload, &rec) != nil || rec.Cashier != "Ben" || len(rec.Lines) != 2 {
		t.Fatalf("sale recorded as %+v", rec)
	}
	if n := len(h.journal.kinds(pos.EntryClockInOut)); n != 2 {
		t.Errorf("clock entries = %d, want Anna and Ben in", n)
	}
}

func TestCashDropAndPayoutWithOverride(t *testing.T) {
	h, drawer := newShopHarness(t)
	h.openShift("e-anna", "1111")
	h.taps = 0
	h.tap(h.u.menuTile)
	h.onScreen(h.u.manager.content, "manager")
	h.tap(h.u.manager.drop)
	d := h.u.manager.moveDialog
	h.typeOn(d.pad, "5", "0", "00")
	if d.display.Text != "50,00 €" || !d.ok.Disabled() {
		t.Fatalf("drop display %q, OK enabled without a reason", d.display.Text)
	}
	h.tap(d.reasons["To the safe"])
	h.tap(d.ok)
	if h.taps != 7 {
		t.Errorf("cash drop took %d taps, want 7", h.taps)
	}
	h.taps = 0
	h.tap(h.u.manager.payout)
	d = h.u.manager.moveDialog
	h.typeOn(d.pad, "1", "2", "5", "0")
	h.tap(d.reasons["Cleaning supplies"])
	h.tap(d.ok)
	// Anna may not pay out: the manager approves at the register.
	h.approve("3333", "Petty cash")
	if h.u.override != nil {
		t.Fatalf("override dialog still open: %q", h.u.override.errText.Text)
	}
	if h.taps != 13 {
		t.Errorf("payout with override took %d taps, want 13", h.taps)
	}
	mv := cashMoves(t, h.journal)
	if len(mv) != 2 || mv[0].Kind != register.CashDrop || mv[0].Amount != 5000 || mv[0].Reason != lang.L("To the safe") ||
		mv[1].Kind != register.CashPayout || mv[1].Amount != 1250 || mv[1].Employee != "Anna" || mv[1].Approver != "Clara" {
		t.Fatalf("cash moves = %+v", mv)
	}
	ovs := h.journal.overrides(t)
	if len(ovs) != 1 || ovs[0].Action != register.ActionPayout || ovs[0].Cashier != "Anna" || ovs[0].Approver != "Clara" {
		t.Fatalf("overrides = %+v", ovs)
	}
	if drawer.opens != 2 {
		t.Errorf("drawer opened %d times", drawer.opens)
	}
}

func TestNoSaleNeedsApproval(t *testing.T) {
	h, drawer := newShopHarness(t)
	h.openShift("e-anna", "1111")
	h.tap(h.u.menuTile)
	h.taps = 0
	h.tap(h.u.manager.noSale)
	if drawer.opens != 0 || h.u.override == nil {
		t.Fatal("drawer opened for a cashier without approval")
	}
	h.approve("2222", "Change for customer") // a supervisor may
	if drawer.opens != 1 || h.taps != 7 {
		t.Fatalf("no-sale: drawer %d, taps %d (want 1, 7)", drawer.opens, h.taps)
	}
	mv := cashMoves(t, h.journal)
	if len(mv) != 1 || mv[0].Kind != register.CashNoSale || mv[0].Approver != "Ben" {
		t.Fatalf("cash moves = %+v", mv)
	}
}

func TestXReportAndReprint(t *testing.T) {
	h, _ := newShopHarness(t)
	h.openShift("e-anna", "1111")
	h.scanProduct("milch")
	h.scanProduct("wasser")
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.exact)
	h.scanProduct("gouda") // the next sale starts with a scan
	h.tap(h.u.menuTile)
	sales := h.journal.kinds(pos.EntrySale)
	rt := h.u.manager.reprints[sales[0].ID]
	if rt == nil || !strings.HasPrefix(rt.Title, "K1-") {
		t.Fatalf("receipt list: %v", h.u.manager.reprints)
	}
	before := h.reg.Spooler().Status().Pending
	h.taps = 0
	h.tap(rt)
	if h.reg.Spooler().Status().Pending != before+1 || h.taps != 1 {
		t.Fatalf("reprint did not queue a copy (taps %d)", h.taps)
	}
	h.tap(h.u.manager.xReport)
	h.onScreen(h.u.report.content, "report")
	if h.taps != 2 || h.u.report.rep.Z || h.u.report.rep.Gross != 119+59 || h.u.report.rep.ExpectedCash != 15000+178 {
		t.Fatalf("X report: taps %d, %+v", h.taps, h.u.report.rep)
	}
	if h.u.report.overShort.Text != "" {
		t.Errorf("X report shows over/short %q", h.u.report.overShort.Text)
	}
	if n := len(h.journal.kinds(pos.EntryZReport)); n != 0 {
		t.Fatal("X report closed the shift")
	}
	h.tap(h.u.report.done)
	h.onScreen(h.u.manager.content, "manager")
}

func TestZReportBlindCountShortAndLocks(t *testing.T) {
	h, _ := newShopHarness(t)
	h.openShift("e-anna", "1111") // float 150 €
	h.scanProduct("gouda")        // 3,49 €
	h.tap(h.u.sale.pay)
	h.tap(h.u.cash.exact)
	h.tap(h.u.change.layer)
	h.taps = 0
	h.tap(h.u.menuTile)
	h.tap(h.u.manager.zReport)
	h.onScreen(h.u.count.content, "count")
	// Blind: nothing on the count screen gives the expected 153,49 €.
	for _, o := range test.LaidOutObjects(h.u.count.content) {
		if tx, ok := o.(*canvas.Text); ok && strings.Contains(tx.Text, "153,49") {
			t.Fatalf("expected amount shown before the count: %q", tx.Text)
		}
	}
	if strings.Contains(h.u.count.hint.Text, "153") {
		t.Fatal("expected amount in the hint")
	}
	h.countDrawer(map[int64]string{10000: "1", 5000: "1", 200: "1", 100: "1", 20: "1", 2: "2"}) // 153,24 €
	h.tap(h.u.count.done)
	h.approve("3333", "End of day")
	h.onScreen(h.u.report.content, "report")
	if got := h.u.report.overShort.Text; got != "Fehlbetrag 0,25 €" && got != "Short 0,25 €" {
		t.Errorf("over/short = %q", got)
	}
	if h.taps != 21 {
		t.Errorf("Z report took %d taps, want 21", h.taps)
	}
	zs := h.journal.kinds(pos.EntryZReport)
	var z register.ShiftReport
	if len(zs) != 1 || json.Unmarshal(zs[0].Payload, &z) != nil || z.Counted != 15324 || z.ExpectedCash != 15349 || z.OverShort != -25 || z.ClosedBy != "Clara" {
		t.Fatalf("Z entry = %+v", z)
	}
	h.journal.verify(t)
	h.tap(h.u.report.done)
	h.onScreen(h.u.login.content, "login")
	if _, _, open, _ := h.reg.OpenShift(t.Context()); open {
		t.Fatal("shift still open after Z")
	}
}
