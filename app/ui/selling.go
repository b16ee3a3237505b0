package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// selling holds the sale screen's further workflows: search, line and
// order changes, parking, returns, voids and the other tenders.
type selling struct {
	u      *UI
	search *searchScreen
	parked *parkScreen
	ret    *returnScreen
	blind  *blindReturnScreen
	card   *cardScreen

	menu      *widget.PopUp // the open line or order menu
	menuOf    string        // "line" or "order"
	menuTiles map[string]*tile
	num       *entryDialog // the open keypad dialog
	text      *textDialog  // the open keyboard dialog

	// cardAsync runs a card transaction: on its own goroutine (the terminal
	// may take a minute, and Cancel must not queue behind it), then on the
	// UI goroutine. Tests replace it.
	cardAsync func(work, then func())

	// refundKinds are the tenders of the sale being returned: a card
	// refund is offered only when the customer paid by card.
	refundKinds []pos.TenderKind

	// Card payments left without an outcome (cardcheck.go).
	unsettled    *tile
	unsettledBox *widget.PopUp
	pending      []register.CardPayment
	decideTiles  map[string][2]*tile // by payment id: Charged, Not charged
}

// newSelling is made by the sale screen, before the other screens exist.
func newSelling(u *UI) *selling {
	x := &selling{u: u}
	x.cardAsync = u.jobs.Loose
	x.search = newSearchScreen(u)
	x.parked = newParkScreen(u)
	x.ret = newReturnScreen(u)
	x.blind = newBlindReturnScreen(u)
	x.card = newCardScreen(u)
	x.addShortcuts()
	return x
}

func (u *UI) selling() *selling { return u.sale.x }

// saleTools are the tiles under the quick keys next to Pay.
func (x *selling) saleTools(s *saleScreen, code *tile) fyne.CanvasObject {
	s.search = newTile(lang.L("Search"), "F2", colPanel, x.showSearch)
	s.park = newTile(lang.L("Park"), "", colPanel, x.onPark)
	s.more = newTile(lang.L("More…"), "", colPanel, x.showOrderMenu)
	for _, t := range []*tile{s.search, code, s.park, s.more} {
		t.Center, t.MinHeight, t.Outline, t.TitleSize, t.SubSize = true, 56, colLine, sizeTile, 13
	}
	return container.NewGridWithColumns(2, s.search, code, s.park, s.more)
}

// lineTile opens the line menu: quantity, price, discount.
func (x *selling) lineTile() *tile {
	t := newTile("…", "", colPanel, x.showLineMenu)
	t.TitleSize, t.Center, t.MinHeight, t.Outline = 30, true, 60, colLine
	return t
}

// refresh runs after the sale screen redrew: the line menu needs a line,
// and the total shows the order discount and the customer.
func (x *selling) refresh() {
	s := x.u.sale
	s.edit.SetDisabled(s.selected < 0)
	s.park.SetDisabled(len(s.sale.Lines) == 0)
	n := len(s.sale.Lines)
	if s.sale.Return {
		s.items.Text = lang.L("Return") + "  ·  " + s.items.Text
	}
	if d := s.sale.OrderDiscount; !d.IsZero() && n > 0 {
		var off int64
		for _, l := range s.sale.Lines {
			off += l.OrderDiscount
		}
		s.items.Text += "  ·  " + lang.L("Discount {{.Amount}}", map[string]any{"Amount": x.u.money(-off)})
	}
	if c := s.sale.Customer; c != nil {
		s.items.Text += "  ·  " + c.Label()
	}
	s.items.Refresh()
}

// discountText is what the cart row adds for a discounted or overridden line.
func (x *selling) discountText(l pos.Line) string {
	var parts []string
	if l.ListPrice != 0 {
		parts = append(parts, lang.L("was {{.Price}}", map[string]any{"Price": x.u.money(l.ListPrice)}))
	}
	if l.Discount != 0 {
		if l.DiscountBP != 0 {
			parts = append(parts, "−"+x.pctText(l.DiscountBP))
		} else {
			parts = append(parts, "−"+x.u.money(l.Discount))
		}
	}
	if l.Restock {
		parts = append(parts, lang.L("restock"))
	}
	if len(parts) == 0 {
		return ""
	}
	return "  ·  " + strings.Join(parts, "  ·  ")
}

// menuGrid shows big tiles in a modal box; a tap runs the item and closes.
func (x *selling) showMenu(kind, title string, items []menuItem) {
	x.closeDialogs()
	var objs []fyne.CanvasObject
	for _, it := range items {
		t := newTile(it.title, it.sub, it.fill, nil)
		t.OnTapped = func() {
			x.closeMenu()
			it.do()
		}
		t.Center, t.MinHeight, t.Outline, t.TitleSize = true, 72, colLine, sizeTile
		t.SetDisabled(it.disabled)
		x.menuTiles[it.title] = t
		objs = append(objs, t)
	}
	closeT := newTile(lang.L("Close"), "", colBackdrop, x.closeMenu)
	closeT.Center, closeT.MinHeight, closeT.Outline = true, 60, colLine
	grid := container.NewGridWithColumns(3, objs...)
	body := container.NewVBox(label(title, 24, colInk, true), grid, closeT)
	box := container.NewGridWrap(fyne.NewSize(640, body.MinSize().Height), body)
	x.menu = widget.NewModalPopUp(container.NewPadded(box), x.u.win.Canvas())
	x.menuOf = kind
	x.menu.Show()
}

type menuItem struct {
	title, sub string
	fill       color.Color
	disabled   bool
	do         func()
}

func (x *selling) closeMenu() {
	if x.menu != nil {
		x.menu.Hide()
		x.menu = nil
	}
}

func (x *selling) closeDialogs() {
	x.closeMenu()
	if x.num != nil {
		x.num.close()
		x.num = nil
	}
	if x.text != nil {
		x.text.close()
		x.text = nil
	}
}

func (x *selling) showLineMenu() {
	s := x.u.sale
	if s.selected < 0 || s.selected >= len(s.sale.Lines) {
		return
	}
	i, l := s.selected, s.sale.Lines[s.selected]
	x.menuTiles = map[string]*tile{}
	x.showMenu("line", l.Name, []menuItem{
		{title: lang.L("Quantity"), fill: colPanel, disabled: l.Weighed, do: func() { x.askQty(i, l) }},
		{title: lang.L("Price"), fill: colPanel, do: func() { x.askPrice(i, l) }},
		{title: lang.L("Discount %"), fill: colPanel, do: func() { x.askLineDiscount(i, l, true) }},
		{title: lang.L("Discount amount"), fill: colPanel, do: func() { x.askLineDiscount(i, l, false) }},
		{title: lang.L("No discount"), fill: colPanel, disabled: l.Discount == 0, do: func() {
			x.applyDiscount(func(ov *register.Override) error {
				return x.u.reg.SetLineDiscount(x.u.ctx(), i, pos.Discount{}, ov)
			}, "")
		}},
		{title: lang.L("Remove"), fill: colError, do: s.onRemove},
	})
}

func (x *selling) showOrderMenu() {
	s := x.u.sale
	empty := len(s.sale.Lines) == 0
	x.menuTiles = map[string]*tile{}
	var nParked int
	x.u.run(func() {
		ps, _ := x.u.reg.ParkedSales(x.u.ctx())
		nParked = len(ps)
	}, func() {
		last := x.u.reg.LastSale()
		x.showMenu("order", lang.L("Sale"), []menuItem{
			{title: lang.L("Order discount %"), fill: colPanel, disabled: empty, do: func() { x.askOrderDiscount(true) }},
			{title: lang.L("Order discount amount"), fill: colPanel, disabled: empty, do: func() { x.askOrderDiscount(false) }},
			{title: lang.L("Note"), fill: colPanel, sub: s.sale.Note, do: x.askNote},
			{title: lang.L("Customer"), fill: colPanel, do: x.askCustomer},
			{title: lang.L("Parked sales"), sub: lang.N("{{.N}} waiting", nParked, map[string]any{"N": nParked}), fill: colPanel,
				disabled: nParked == 0, do: x.showParked},
			{title: lang.L("Return"), fill: colPanel, do: x.askReceipt},
			{title: lang.L("Return without receipt"), sub: lang.L("Manager"), fill: colPanel, disabled: !empty, do: x.openBlindReturn},
			{title: lang.L("Void last sale"), fill: colPanel, disabled: last == nil, do: func() { x.voidSale(*last) }},
			{title: lang.L("Cancel sale"), sub: "F8", fill: colError, disabled: empty, do: x.cancelSale},
		})
	})
}

// askAmount opens the keypad for an amount of money (digits fill from the
// right: 1-2-5 is 1.25).
func (x *selling) askAmount(title, hint, okText string, onOK func(int64)) {
	parse := func(buf string) int64 {
		if buf == "" {
			return 0
		}
		v, err := pos.ParseAmount(buf, 0)
		if err != nil {
			return -1
		}
		return v
	}
	x.num = newEntryDialog(x.u.win.Canvas(), title, hint, "00", okText, 9,
		func(buf string) string { return x.u.money(parse(buf)) },
		func(buf string) bool { return parse(buf) > 0 },
		func(buf string) { x.num = nil; onOK(parse(buf)) })
	x.num.show()
}

// askNumber opens the keypad for a plain number with decimals (a quantity,
// a percentage).
func (x *selling) askNumber(title, hint, unit string, digits int, valid func(int64) bool, onOK func(int64)) {
	dec := x.u.sale.decimalSep()
	parse := func(buf string) (int64, bool) {
		v, err := pos.ParseAmount(buf, digits)
		return v, err == nil && valid(v)
	}
	x.num = newEntryDialog(x.u.win.Canvas(), title, hint, dec, lang.L("OK"), 8,
		func(buf string) string { return buf + " " + unit },
		func(buf string) bool { _, ok := parse(buf); return ok },
		func(buf string) {
			x.num = nil
			if v, ok := parse(buf); ok {
				onOK(v)
			}
		})
	x.num.show()
}

func (x *selling) askQty(i int, l pos.Line) {
	x.askNumber(lang.L("Quantity"), l.Name, "×", 0, func(v int64) bool { return v > 0 && v <= 9999 }, func(v int64) {
		if err := x.u.reg.SetQty(i, pos.Qty(v)*pos.QtyOne); err != nil {
			x.u.warn(errText(err))
		}
		x.u.sale.refresh()
	})
}

func (x *selling) askPrice(i int, l pos.Line) {
	x.askAmount(lang.L("New price"), lang.L("{{.Name}}, now {{.Price}}", map[string]any{"Name": l.Name, "Price": x.u.money(l.UnitPrice)}),
		lang.L("Set price"), func(price int64) {
			x.u.withOverride(register.ActionPriceOverride, l.Name+": "+x.u.money(price), func(ov *register.Override) error {
				return x.u.reg.OverridePrice(x.u.ctx(), i, price, ov)
			}, x.afterChange)
		})
}

func (x *selling) askLineDiscount(i int, l pos.Line, pct bool) {
	apply := func(d pos.Discount, detail string) {
		x.applyDiscount(func(ov *register.Override) error { return x.u.reg.SetLineDiscount(x.u.ctx(), i, d, ov) }, l.Name+": "+detail)
	}
	if pct {
		x.askNumber(lang.L("Discount %"), l.Name, "%", 2, func(v int64) bool { return v > 0 && v <= 10000 }, func(bp int64) {
			apply(pos.Discount{Percent: bp}, x.pctText(bp))
		})
		return
	}
	x.askAmount(lang.L("Discount amount"), l.Name, lang.L("OK"), func(v int64) { apply(pos.Discount{Amount: v}, x.u.money(v)) })
}

func (x *selling) askOrderDiscount(pct bool) {
	apply := func(d pos.Discount, detail string) {
		x.applyDiscount(func(ov *register.Override) error { return x.u.reg.SetOrderDiscount(x.u.ctx(), d, ov) }, lang.L("Sale")+": "+detail)
	}
	if pct {
		x.askNumber(lang.L("Order discount %"), "", "%", 2, func(v int64) bool { return v > 0 && v <= 10000 }, func(bp int64) {
			apply(pos.Discount{Percent: bp}, x.pctText(bp))
		})
		return
	}
	x.askAmount(lang.L("Order discount amount"), "", lang.L("OK"), func(v int64) { apply(pos.Discount{Amount: v}, x.u.money(v)) })
}

func (x *selling) applyDiscount(do func(*register.Override) error, detail string) {
	x.u.withOverride(register.ActionDiscountOverLimit, detail, do, x.afterChange)
}

func (x *selling) afterChange(err error) {
	if err != nil {
		x.u.fail("change sale", err)
	}
	x.u.sale.refresh()
}

func (x *selling) askNote() {
	s, _ := x.u.reg.Sale()
	x.text = newTextDialog(x.u, lang.L("Note"), s.Note, lang.L("OK"), 120, func(v string) {
		x.text = nil
		x.u.reg.SetNote(v)
		x.u.sale.refresh()
	})
	x.text.show()
}

func (x *selling) askCustomer() {
	s, _ := x.u.reg.Sale()
	initial := ""
	if s.Customer != nil {
		initial = strings.Join(nonEmpty(s.Customer.Name, s.Customer.Phone, s.Customer.Email, s.Customer.Card), ", ")
	}
	x.text = newTextDialog(x.u, lang.L("Customer: name, phone or e-mail"), initial, lang.L("OK"), 120, func(v string) {
		x.text = nil
		x.customerEntered(v) // customer.go
	})
	x.text.show()
}

// parseCustomer reads "Name, phone, e-mail" in any order: a part with @ is
// the e-mail, one of digits (and + - space) the phone, the rest the name.
func parseCustomer(s string) pos.Customer {
	var c pos.Customer
	var names []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		switch {
		case p == "":
		case strings.Contains(p, "@"):
			c.Email = p
		case strings.Trim(p, "0123456789+-/ ()") == "":
			c.Phone = p
		case register.IsCustomerCard(p):
			c.Card = p
		default:
			names = append(names, p)
		}
	}
	c.Name = strings.Join(names, ", ")
	return c
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (x *selling) onPark() {
	x.u.clearMessage()
	var err error
	x.u.run(func() { _, err = x.u.reg.Park(x.u.ctx()) }, func() {
		if err != nil {
			x.u.fail("park", err)
			return
		}
		x.u.info(lang.L("Sale parked"))
		x.u.sale.selected = -1
		x.u.sale.refresh()
	})
}

// cancelSale throws the open sale away; card payments already taken on it
// are reversed on the terminal first (journaled), so the customer gets them back.
func (x *selling) cancelSale() {
	var err error
	reversed := false
	x.u.run(func() {
		s, _ := x.u.reg.Sale()
		for _, t := range s.Tenders {
			reversed = reversed || t.Kind == pos.TenderCard
		}
		if reversed {
			if _, err = x.u.reg.ReverseCardTenders(x.u.ctx(), nil); err != nil {
				return
			}
		}
		err = x.u.reg.CancelSale(x.u.ctx(), "cancelled by cashier")
	}, func() {
		if err != nil {
			x.u.fail("cancel sale", err)
			x.u.sale.refresh()
			return
		}
		if reversed {
			x.u.info(lang.L("Sale cancelled: the card payment was given back"))
		} else {
			x.u.info(lang.L("Sale cancelled"))
		}
		x.u.sale.selected = -1
		x.u.sale.refresh()
	})
}

func (x *selling) voidSale(rec pos.SaleRecord) {
	detail := lang.L("Receipt {{.No}}", map[string]any{"No": rec.ReceiptNo}) + " · " + x.u.money(rec.Totals.Gross)
	var void pos.SaleRecord
	x.u.withOverride(register.ActionVoidSale, detail, func(ov *register.Override) error {
		var err error
		reason := "void"
		if ov != nil {
			reason = ov.Reason
		}
		void, err = x.u.reg.VoidSale(x.u.ctx(), rec.SaleID, reason, ov)
		return err
	}, func(err error) {
		if err != nil {
			x.u.fail("void sale", err)
			return
		}
		x.u.info(lang.L("Receipt {{.No}} voided: give back {{.Amount}}", map[string]any{"No": rec.ReceiptNo, "Amount": x.u.money(-void.Totals.Gross)}))
		x.u.showSale()
	})
}

// onFunctionKey handles the keyboard shortcuts of the sale screen.
func (u *UI) onFunctionKey(k fyne.KeyName) {
	x := u.selling()
	if u.screen == x.blind.content && k == fyne.KeyF2 {
		x.blind.onAdd()
		return
	}
	if u.screen != u.sale.content {
		return
	}
	switch k {
	case fyne.KeyF2:
		x.showSearch()
	case fyne.KeyF4:
		if u.sale.selected >= 0 {
			u.sale.onRemove()
		}
	case fyne.KeyF5:
		x.onPark()
	case fyne.KeyF8:
		if len(u.sale.sale.Lines) > 0 {
			x.cancelSale()
		}
	case fyne.KeyF12:
		if !u.sale.pay.Disabled() {
			u.sale.onPay()
		}
	}
}

// addShortcuts adds Ctrl+F (search) and Ctrl+P (pay) for keyboards without F-keys.
func (x *selling) addShortcuts() {
	c := x.u.win.Canvas()
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { x.u.onFunctionKey(fyne.KeyF2) })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { x.u.onFunctionKey(fyne.KeyF12) })
}

// onReceiptScan opens the return flow when the scanned code is one of our
// receipt numbers (the CODE128 printed on the receipt).
func (u *UI) onReceiptScan(code string) bool {
	if _, _, ok := register.ParseReceiptNo(code); !ok {
		return false
	}
	u.selling().openReturn(code)
	return true
}

// pctText shows basis points as a percentage: 1250 → "12.5 %" ("12,5 %").
func (x *selling) pctText(bp int64) string {
	s := strings.TrimRight(strings.TrimRight(pos.FormatPlain(bp, 2), "0"), ".")
	return strings.Replace(s, ".", x.u.sale.decimalSep(), 1) + " %"
}
