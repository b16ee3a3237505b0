package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"

	"github.com/tillpos/till/app/pos"
)

// searchLimit is how many results fit the list without scrolling at 1080p.
const searchLimit = 24

// searchScreen finds a product by name, SKU or barcode on a large on-screen
// keyboard; the results follow every key, and one tap adds the product.
type searchScreen struct {
	u       *UI
	content fyne.CanvasObject

	query   string
	gen     int // the newest query sent: older answers are dropped
	display *canvas.Text
	hint    *canvas.Text
	list    *fyne.Container
	rows    []*tile
	results []pos.Product
	kb      *keyboard
	back    *tile
	// pick, when set, takes the tapped product instead of the sale (the
	// return without a receipt), and Back returns to backTo.
	pick   func(pos.Product)
	backTo func()
}

func newSearchScreen(u *UI) *searchScreen {
	s := &searchScreen{u: u}
	s.back = newTile(lang.L("← Back to sale"), "", colPanel, s.onBack)
	s.back.Center, s.back.MinHeight, s.back.Outline = true, 60, colLine
	s.display = label("", 32, colInk, true)
	s.hint = label("", sizeDetail, colInkSoft, false)
	disp := container.NewStack(canvas.NewRectangle(colPanel),
		container.New(layout.NewCustomPaddedLayout(8, 8, 16, 16), container.NewVBox(s.display, s.hint)))
	top := container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(260, 60), s.back), nil, disp)
	s.list = container.NewGridWithColumns(2)
	s.kb = newKeyboard(u.locale, s.onKey)
	s.content = container.New(layout.NewCustomPaddedLayout(10, 10, 10, 10),
		container.NewBorder(top, s.kb.content, nil, nil, container.NewVScroll(container.NewVBox(s.list))))
	return s
}

func (x *selling) showSearch() { x.showSearchFor(nil, nil) }

// showSearchFor opens the search for another screen: pick gets the tapped
// product, Back runs backTo.
func (x *selling) showSearchFor(pick func(pos.Product), backTo func()) {
	x.closeDialogs()
	x.u.clearMessage()
	s := x.search
	s.pick, s.backTo = pick, backTo
	s.query = ""
	s.results = nil
	s.update()
	x.u.show(s.content)
}

func (s *searchScreen) onKey(key string) {
	s.query = editBuffer(s.query, key, 40)
	s.update()
	s.find()
}

// find searches off the UI goroutine; only the newest query's answer shows.
func (s *searchScreen) find() {
	s.gen++
	gen, q := s.gen, s.query
	if len([]rune(q)) < 2 {
		s.results = nil
		s.showResults()
		return
	}
	var ps []pos.Product
	var err error
	s.u.run(func() { ps, err = s.u.reg.Search(s.u.ctx(), q, searchLimit) }, func() {
		if gen != s.gen {
			return
		}
		if err != nil {
			s.u.fail("search", err)
			return
		}
		s.results = ps
		s.showResults()
	})
}

func (s *searchScreen) update() {
	s.display.Text = s.query + "▏"
	s.display.Refresh()
	s.showResults()
}

func (s *searchScreen) showResults() {
	switch {
	case len([]rune(s.query)) < 2:
		s.hint.Text = lang.L("Type two letters of the name, or the SKU or barcode")
	case len(s.results) == 0:
		s.hint.Text = lang.L("Nothing found")
	default:
		s.hint.Text = lang.L("Tap a product to add it")
	}
	s.hint.Refresh()
	s.rows = s.rows[:0]
	objs := make([]fyne.CanvasObject, 0, len(s.results))
	for _, p := range s.results {
		sub := s.u.money(p.Price)
		if p.SoldByWeight {
			sub += " /kg"
		}
		if p.SKU != "" {
			sub += "   ·   " + p.SKU
		}
		t := newTile(p.Name, sub, colPanel, func() { s.onPick(p) })
		t.MinHeight, t.Outline, t.TitleSize = 72, colLine, sizeRow
		s.rows = append(s.rows, t)
		objs = append(objs, t)
	}
	s.list.Objects = objs
	s.list.Refresh()
}

func (s *searchScreen) onPick(p pos.Product) {
	if s.pick != nil {
		s.pick(p)
		return
	}
	s.u.showSale()
	if p.SoldByWeight {
		s.u.sale.weigh(p)
		return
	}
	s.u.sale.add(p.ID, pos.QtyOne)
}

func (s *searchScreen) onBack() {
	if s.backTo != nil {
		s.backTo()
		return
	}
	s.u.showSale()
}
