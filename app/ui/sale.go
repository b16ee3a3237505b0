package ui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"

	"github.com/tillpos/till/app/pos"
)

// saleScreen is the cart on the left and the quick keys on the right, with
// the total and Pay always in view.
type saleScreen struct {
	u       *UI
	content fyne.CanvasObject

	rows     []*cartRow
	list     *fyne.Container
	scroll   *fyne.Container
	cartBox  *fyne.Container
	msgLayer *fyne.Container // the message strip, at the foot of the cart
	empty    fyne.CanvasObject
	selected int // line index, -1 for none

	minus, plus, remove *tile
	selName             *canvas.Text
	selFit              *fitText // cuts a long product name so the line buttons always fit

	total, items *canvas.Text
	pay          *tile
	code         *tile

	categories []pos.Category
	products   map[string][]pos.Product
	catID      string
	catTiles   map[string]*tile
	keyTiles   map[string]*tile // by product id, of the shown category
	keyGrid    *fyne.Container
	catBar     *fyne.Container

	dialog *entryDialog // open weight or barcode entry, nil when none

	edit, search, park, more *tile    // line menu, search, park, order menu
	x                        *selling // those workflows (selling.go)

	sale   pos.Sale
	totals pos.Totals
}

func newSaleScreen(u *UI) *saleScreen {
	s := &saleScreen{u: u, selected: -1, products: map[string][]pos.Product{},
		catTiles: map[string]*tile{}, keyTiles: map[string]*tile{}}
	s.loadCatalog()

	// Cart.
	s.list = container.New(layout.NewCustomPaddedVBoxLayout(0))
	scroll := container.NewVScroll(s.list)
	s.scroll = container.NewStack(scroll)
	hint := label(lang.L("Scan an item or tap a product"), 24, colInkSoft, false)
	hint.Alignment = fyne.TextAlignCenter
	s.empty = container.NewCenter(hint)
	s.msgLayer = container.New(&band{height: 60, bottom: true})
	s.cartBox = container.NewStack(canvas.NewRectangle(colPanel), s.scroll, s.empty, s.msgLayer)

	s.selName = label(lang.L("Tap a line to change it"), sizeDetail, colInkSoft, false)
	s.selFit = &fitText{text: s.selName, full: s.selName.Text, left: true}
	s.minus = s.actionTile("−", colPanel, s.onMinus)
	s.plus = s.actionTile("+", colPanel, s.onPlus)
	s.remove = s.actionTile(lang.L("Remove"), colError, s.onRemove)
	s.remove.TitleSize = sizeTile
	s.x = newSelling(u)
	s.edit = s.x.lineTile()
	buttons := container.NewGridWrap(fyne.NewSize(100, 60), s.minus, s.plus, s.edit, s.remove)
	actions := container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(424, 60), buttons),
		container.New(layout.NewCustomPaddedLayout(0, 0, 10, 0), container.New(s.selFit, s.selName)))

	s.total = label("", sizeTotal, colOnNavy, true)
	s.total.Alignment = fyne.TextAlignTrailing
	s.items = label("", sizeRow, colOnNavySub, false)
	totalBox := container.NewStack(canvas.NewRectangle(colNavy),
		container.New(layout.NewCustomPaddedLayout(12, 12, 20, 20),
			container.NewBorder(nil, nil,
				container.NewVBox(layout.NewSpacer(), label(lang.L("TOTAL"), sizeRow, colOnNavy, true), s.items, layout.NewSpacer()),
				nil, s.total)))
	left := container.NewBorder(s.x.unsettledBanner(), container.NewVBox(actions, totalBox), nil, nil, s.cartBox)

	// Quick keys.
	s.catBar = container.NewGridWithColumns(max(1, min(len(s.categories), 5)))
	for _, c := range s.categories {
		t := newTile(c.Name, "", parseHex(c.Color), func() { s.onCategory(c.ID) })
		t.TitleSize, t.MinHeight, t.Center = 17, 64, true
		s.catTiles[c.ID] = t
		s.catBar.Add(t)
	}
	s.keyGrid = container.NewGridWithColumns(3)
	s.pay = newTile(lang.L("Pay"), "", colGreen, s.onPay)
	s.pay.TitleSize, s.pay.Center, s.pay.MinHeight = 36, true, 96
	s.code = newTile(lang.L("Type code"), "", colPanel, s.onTypeCode)
	s.code.Center, s.code.MinHeight, s.code.Outline = true, 96, colLine
	bottom := container.New(&ratio{frac: 0.5, gap: 8}, s.x.saleTools(s, s.code), s.pay)
	right := container.NewBorder(s.catBar, bottom, nil, nil, container.NewVScroll(container.NewVBox(s.keyGrid)))

	s.content = container.New(&ratio{frac: 0.5, gap: 10, pad: 10}, left, right)
	if len(s.categories) > 0 {
		s.onCategory(s.categories[0].ID)
	}
	return s
}

func (s *saleScreen) actionTile(title string, fill color.Color, f func()) *tile {
	t := newTile(title, "", fill, f)
	t.TitleSize, t.Center, t.MinHeight, t.Outline = 30, true, 60, colLine
	return t
}

// loadCatalog reads the categories and their quick keys (the register's
// catalog) once, at start-up, before the window shows.
func (s *saleScreen) loadCatalog() {
	cat, ctx := s.u.reg, s.u.ctx()
	cats, err := cat.Categories(ctx)
	if err != nil {
		s.u.log.Error("load categories", "err", err)
		return
	}
	for _, c := range cats {
		ps, err := cat.QuickKeys(ctx, c.ID)
		if err != nil {
			s.u.log.Error("load quick keys", "category", c.ID, "err", err)
			continue
		}
		s.products[c.ID] = ps
		s.categories = append(s.categories, c)
	}
}

func (s *saleScreen) onCategory(id string) {
	s.u.clearMessage()
	s.catID = id
	for _, c := range s.categories {
		t := s.catTiles[c.ID]
		if c.ID == id {
			t.Fill, t.Outline = parseHex(c.Color), colInk
		} else {
			t.Fill, t.Outline = tint(parseHex(c.Color), 0.6), nil
		}
		t.Refresh()
	}
	var col color.NRGBA
	for _, c := range s.categories {
		if c.ID == id {
			col = parseHex(c.Color)
		}
	}
	s.keyTiles = map[string]*tile{}
	s.keyGrid.RemoveAll()
	for _, p := range s.products[id] {
		price := s.u.money(p.Price)
		if p.SoldByWeight {
			price += " /kg"
		}
		t := newTile(p.Name, price, col, func() { s.onQuickKey(p) })
		t.MinHeight = 104
		s.keyTiles[p.ID] = t
		s.keyGrid.Add(t)
	}
	s.keyGrid.Refresh()
}

func (s *saleScreen) onQuickKey(p pos.Product) {
	s.u.clearMessage()
	if p.SoldByWeight {
		s.weigh(p)
		return
	}
	s.add(p.ID, pos.QtyOne)
}

// weigh adds a product sold by weight: from the scale when there is one,
// else (or when the scale cannot weigh, with its reason) by the keypad.
func (s *saleScreen) weigh(p pos.Product) {
	if !s.u.reg.HasScale() {
		s.askWeight(p, "")
		return
	}
	var idx int
	var err error
	s.u.run(func() {
		idx, err = s.u.reg.AddWeighed(s.u.ctx(), p.ID)
	}, func() {
		if err != nil {
			s.u.log.Warn("scale", "err", err)
			s.askWeight(p, errText(err))
			return
		}
		s.selected = idx
		s.refresh()
		s.scrollTo(idx)
	})
}

// add puts qty of a product on the sale off the UI goroutine (the catalog is
// on disk) and selects its line.
func (s *saleScreen) add(productID string, qty pos.Qty) {
	var idx int
	var err error
	s.u.run(func() {
		idx, err = s.u.reg.AddProduct(s.u.ctx(), productID, qty)
	}, func() {
		if err != nil {
			s.u.fail("add product", err)
			return
		}
		s.selected = idx
		s.refresh()
		s.scrollTo(idx)
	})
}

// askWeight asks for the weight in kg on the keypad; why (the scale's
// message, when it could not weigh) replaces the dialog's hint.
func (s *saleScreen) askWeight(p pos.Product, why string) {
	dec := s.decimalSep()
	parse := func(buf string) (pos.Qty, bool) {
		q, err := pos.ParseAmount(buf, 3)
		return pos.Qty(q), err == nil && q > 0 && pos.Qty(q) <= pos.MaxQty
	}
	hint := lang.L("Weight in kg at {{.Price}} /kg", map[string]any{"Price": s.u.money(p.Price)})
	if why != "" {
		// The hint is one line: the scale's first sentence ("Scale: weight
		// not stable."); the keypad itself says what to do next.
		hint, _, _ = strings.Cut(why, ". ")
		hint = strings.TrimSuffix(hint, ".") + "."
	}
	s.dialog = newEntryDialog(s.u.win.Canvas(), p.Name, hint, dec, lang.L("Add"), 8,
		func(buf string) string {
			if buf == "" {
				return "0" + dec + "000 kg"
			}
			return buf + " kg"
		},
		func(buf string) bool { _, ok := parse(buf); return ok },
		func(buf string) {
			s.dialog = nil
			if q, ok := parse(buf); ok {
				s.add(p.ID, q)
			}
		})
	s.dialog.show()
}

func (s *saleScreen) onTypeCode() {
	s.u.clearMessage()
	s.dialog = newEntryDialog(s.u.win.Canvas(), lang.L("Type the barcode"), lang.L("The digits under the bars"), "", lang.L("Add"), 20,
		func(buf string) string { return buf },
		func(buf string) bool { return buf != "" },
		func(buf string) { s.dialog = nil; s.u.onScan(buf) })
	s.dialog.show()
}

func (s *saleScreen) closeDialog() {
	if s.dialog != nil {
		s.dialog.close()
		s.dialog = nil
	}
}

func (s *saleScreen) decimalSep() string {
	if strings.HasPrefix(s.u.locale, "de") || strings.HasPrefix(s.u.locale, "fr") {
		return ","
	}
	return "."
}

func (s *saleScreen) onRow(i int) {
	s.u.clearMessage()
	if s.selected == i {
		s.selected = -1
	} else {
		s.selected = i
	}
	s.refresh()
}

func (s *saleScreen) onPlus()  { s.changeQty(+1) }
func (s *saleScreen) onMinus() { s.changeQty(-1) }

func (s *saleScreen) changeQty(delta int) {
	s.u.clearMessage()
	if s.selected < 0 || s.selected >= len(s.sale.Lines) {
		return
	}
	l := s.sale.Lines[s.selected]
	if l.Weighed {
		return
	}
	if err := s.u.reg.SetQty(s.selected, l.Qty+pos.Qty(delta)*pos.QtyOne); err != nil {
		s.u.warn(errText(err))
	}
	s.refresh()
}

func (s *saleScreen) onRemove() {
	s.u.clearMessage()
	if s.selected < 0 {
		return
	}
	if err := s.u.reg.RemoveLine(s.selected); err != nil {
		s.u.warn(errText(err))
	}
	s.selected = -1
	s.refresh()
}

func (s *saleScreen) onPay() {
	s.u.clearMessage()
	if len(s.sale.Lines) == 0 {
		return
	}
	s.closeDialog()
	s.u.showCash()
}

// refresh redraws the cart and total from the register's open sale.
func (s *saleScreen) refresh() {
	s.sale, s.totals = s.u.reg.Sale()
	n := len(s.sale.Lines)
	if s.selected >= n {
		s.selected = -1
	}
	for len(s.rows) < n {
		i := len(s.rows)
		s.rows = append(s.rows, newCartRow(func() { s.onRow(i) }))
	}
	objs := make([]fyne.CanvasObject, n)
	for i, l := range s.sale.Lines {
		amt, _ := l.Amount()
		s.rows[i].set(l.Name, s.lineDetail(l)+s.x.discountText(l), s.u.money(amt), i == s.selected)
		objs[i] = s.rows[i]
	}
	s.list.Objects = objs
	s.list.Refresh()
	if n == 0 {
		s.empty.Show()
	} else {
		s.empty.Hide()
	}

	s.total.Text = s.u.money(s.totals.Gross)
	s.total.Refresh()
	s.items.Text = itemCount(s.totals.Items)
	s.items.Refresh()
	s.pay.SetDisabled(n == 0)

	sel := s.selected >= 0
	weighed := sel && s.sale.Lines[s.selected].Weighed
	s.minus.SetDisabled(!sel || weighed || s.sale.Lines[s.selected].Qty <= pos.QtyOne)
	s.plus.SetDisabled(!sel || weighed)
	s.remove.SetDisabled(!sel)
	if sel {
		s.selName.Color, s.selName.TextStyle.Bold = colInk, true
		s.selFit.set(s.sale.Lines[s.selected].Name)
	} else {
		s.selName.Color, s.selName.TextStyle.Bold = colInkSoft, false
		s.selFit.set(lang.L("Tap a line to change it"))
	}
	s.selName.Refresh()
	s.x.refresh()
}

func (s *saleScreen) scrollTo(i int) {
	if sc, ok := s.scroll.Objects[0].(*container.Scroll); ok && i >= 0 {
		sc.Offset.Y = float32(i+1)*cartRowHeight - sc.Size().Height
		if sc.Offset.Y < 0 {
			sc.Offset.Y = 0
		}
		sc.Refresh()
	}
}

// lineDetail is "2 × €1.29" or "0.742 kg × €2.99/kg".
func (s *saleScreen) lineDetail(l pos.Line) string {
	price := s.u.money(l.UnitPrice)
	if l.Weighed {
		return formatQty(l.Qty, s.decimalSep()) + " kg × " + price + " /kg"
	}
	if l.Qty%pos.QtyOne == 0 {
		return fmt.Sprintf("%d × %s", l.Qty/pos.QtyOne, price)
	}
	return formatQty(l.Qty, s.decimalSep()) + " × " + price
}

// formatQty shows thousandths with three decimals: 742 → "0.742".
func formatQty(q pos.Qty, dec string) string {
	s := pos.FormatPlain(int64(q), 3)
	return strings.Replace(s, ".", dec, 1)
}

func itemCount(items pos.Qty) string {
	n := int(items / pos.QtyOne)
	return lang.N("{{.N}} items", n, map[string]any{"N": n})
}

// ratio lays out two objects side by side, the first taking frac of the
// width, with an outer padding and a gap between them.
type ratio struct{ frac, gap, pad float32 }

func (r *ratio) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) != 2 {
		return
	}
	inner := size.Subtract(fyne.NewSize(2*r.pad, 2*r.pad))
	w0 := (inner.Width - r.gap) * r.frac
	objs[0].Move(fyne.NewPos(r.pad, r.pad))
	objs[0].Resize(fyne.NewSize(w0, inner.Height))
	objs[1].Move(fyne.NewPos(r.pad+w0+r.gap, r.pad))
	objs[1].Resize(fyne.NewSize(inner.Width-w0-r.gap, inner.Height))
}

func (r *ratio) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objs {
		m := o.MinSize()
		w += m.Width
		h = max(h, m.Height)
	}
	return fyne.NewSize(w+r.gap+2*r.pad, h+2*r.pad)
}
