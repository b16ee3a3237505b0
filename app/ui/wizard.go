package ui

import (
	"context"
	"image/color"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// WizardOptions configure the first-run wizard.
type WizardOptions struct {
	// Locale is the language the wizard opens in ("" : English).
	Locale string
	// OnDone runs on the UI goroutine once the setup is saved.
	OnDone func(register.SetupResult)
	Log    *slog.Logger
}

// Wizard is the first-run setup in its own window: language, head office or
// shop, devices, owner, done. Every step has large tiles for a touchscreen;
// text fields take a physical or the system's keyboard.
type Wizard struct {
	setup *register.Setup
	opts  WizardOptions
	win   fyne.Window
	body  *fyne.Container
	msg   *canvas.Text
	step  string // "language", "mode", "headoffice", "shop", "devices", "owner", "done"

	// async moves device and network work off the UI goroutine; tests run it inline.
	async func(work, then func())

	// Widgets of the current step, for tests and screenshots.
	tiles    map[string]*tile
	entries  map[string]*widget.Entry
	status   map[string]*canvas.Text
	taxMode  pos.TaxMode
	pin      string
	pinText  *canvas.Text
	scanBuf  []rune
	scanning bool
}

// NewWizard builds the wizard's window on its first step.
func NewWizard(a fyne.App, s *register.Setup, opts WizardOptions) *Wizard {
	w := &Wizard{setup: s, opts: opts, taxMode: pos.TaxInclusive}
	if w.opts.Log == nil {
		w.opts.Log = slog.Default()
	}
	if err := useLanguage(opts.Locale); err != nil {
		w.opts.Log.Error("translations", "err", err)
	}
	w.async = func(work, then func()) {
		go func() { work(); fyne.Do(then) }()
	}
	a.Settings().SetTheme(newTheme())
	w.win = a.NewWindow("Till")
	w.win.Resize(fyne.NewSize(1280, 800))
	w.msg = label("", sizeRow, colInk, true)
	w.body = container.NewStack()
	w.win.SetContent(container.NewStack(canvas.NewRectangle(colBackdrop),
		container.New(layout.NewCustomPaddedLayout(24, 24, 48, 48), container.NewBorder(nil, w.msg, nil, nil, w.body))))
	w.win.Canvas().SetOnTypedRune(w.onRune)
	w.win.Canvas().SetOnTypedKey(w.onKey)
	w.showLanguage()
	return w
}

// Window is the wizard's window.
func (w *Wizard) Window() fyne.Window { return w.win }

// Step names the step on screen.
func (w *Wizard) Step() string { return w.step }

// Scan feeds a code from a scanner that is not a keyboard wedge (serial,
// USB HID through the device manager): the "scan anything" test.
func (w *Wizard) Scan(code string) { fyne.Do(func() { w.scanned(code) }) }

func (w *Wizard) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 20*time.Second)
}

// page replaces the body with a titled step; nav (Back, Next) stays at
// the bottom, outside the scrolling rows.
func (w *Wizard) page(step, title, hint string, nav fyne.CanvasObject, rows ...fyne.CanvasObject) {
	w.step = step
	head := container.NewVBox(label(title, 32, colInk, true), label(hint, sizeDetail, colInkSoft, false))
	w.body.Objects = []fyne.CanvasObject{container.NewBorder(head, nav, nil, nil,
		container.NewVScroll(container.New(layout.NewCustomPaddedVBoxLayout(12), rows...)))}
	w.body.Refresh()
	w.say("", nil)
}

// fresh forgets the previous step's widgets; each step calls it first.
func (w *Wizard) fresh() {
	w.tiles, w.entries, w.status = map[string]*tile{}, map[string]*widget.Entry{}, map[string]*canvas.Text{}
	w.scanning = false
}

// button is a large tile (at least 72 units tall) kept under key for tests.
func (w *Wizard) button(key, title, sub string, fill color.Color, onTap func()) *tile {
	t := newTile(title, sub, fill, onTap)
	t.MinHeight, t.Center = 72, sub == ""
	if fill == colPanel || fill == colKey {
		t.Outline = colLine
	}
	w.tiles[key] = t
	return t
}

// tall makes one of a step's main choices a big target.
func tall(t *tile) *tile {
	t.MinHeight, t.Center = 200, true
	return t
}

func (w *Wizard) entry(key, placeholder, text string) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder(placeholder)
	e.SetText(text)
	w.entries[key] = e
	return e
}

func (w *Wizard) line(key string) *canvas.Text {
	t := label("", sizeRow, colInkSoft, false)
	w.status[key] = t
	return t
}

// say shows the outcome of the last action: green when it worked, the
// error's sentence in red when not.
func (w *Wizard) say(ok string, err error) {
	switch {
	case err != nil:
		w.opts.Log.Warn("setup", "step", w.step, "err", err)
		w.msg.Text, w.msg.Color = errText(err), colError
	default:
		w.msg.Text, w.msg.Color = ok, colGreen
	}
	w.msg.Refresh()
}

func (w *Wizard) setStatus(key, text string, err error) {
	t := w.status[key]
	if t == nil {
		return
	}
	if err != nil {
		t.Text, t.Color = errText(err), colError
	} else {
		t.Text, t.Color = text, colGreen
	}
	t.Refresh()
}

// Step 1.
func (w *Wizard) showLanguage() {
	w.fresh()
	pick := func(code string) func() {
		return func() {
			if err := w.setup.SetLanguage(code); err != nil {
				w.say("", err)
				return
			}
			if err := useLanguage(code); err != nil {
				w.opts.Log.Error("translations", "err", err)
			}
			w.showMode()
		}
	}
	w.page("language", "Till", "Language / Sprache", nil,
		container.NewGridWithColumns(2,
			tall(w.button("en", "English", "", colBlue, pick("en"))),
			tall(w.button("de", "Deutsch", "", colBlue, pick("de")))))
}

// Step 2: a chain's register or a shop on its own.
func (w *Wizard) showMode() {
	w.fresh()
	w.page("mode", lang.L("Set up this register"), lang.L("Is this register part of a chain with a head office?"),
		w.button("back", lang.L("Back"), "", colPanel, w.showLanguage),
		container.NewGridWithColumns(2,
			tall(w.button("headoffice", lang.L("Connect to a head office"), lang.L("Enter the enrollment code or scan its QR code"), colBlue, w.showHeadOffice)),
			tall(w.button("standalone", lang.L("Run this shop on its own"), lang.L("Store name, address, VAT ID, currency"), colBlue, w.showShop))))
}

func (w *Wizard) showHeadOffice() {
	w.fresh()
	code := w.entry("code", "till-enroll://…", "")
	var connect *tile
	connect = w.button("connect", lang.L("Connect"), "", colGreen, func() {
		connect.SetDisabled(true)
		w.say(lang.L("Connecting to the head office…"), nil)
		var err error
		text := code.Text
		w.async(func() {
			ctx, cancel := w.ctx()
			defer cancel()
			err = w.setup.ConnectHeadOffice(ctx, text)
		}, func() {
			connect.SetDisabled(false)
			if err != nil {
				w.say("", err)
				return
			}
			w.showDevices()
		})
	})
	w.page("headoffice", lang.L("Connect to a head office"),
		lang.L("Type the enrollment code the head office shows, or scan its QR code into the field."),
		container.NewGridWithColumns(2, w.button("back", lang.L("Back"), "", colPanel, w.showMode), connect),
		label(lang.L("Enrollment code or link"), sizeRow, colInk, true), code)
	w.win.Canvas().Focus(code)
}

func (w *Wizard) showShop() {
	w.fresh()
	prev := w.setup.Result().Shop
	if prev.Currency == "" {
		prev.Currency = "EUR"
	}
	if prev.TaxMode != "" {
		w.taxMode = prev.TaxMode
	}
	name := w.entry("name", lang.L("Store name"), prev.Name)
	addr := w.entry("address", lang.L("Address"), prev.Address)
	vat := w.entry("vat", lang.L("VAT ID"), prev.VATID)
	cur := w.entry("currency", "EUR", prev.Currency)
	var incl, excl *tile
	mark := func() {
		incl.Fill, excl.Fill = colPanel, colPanel
		if w.taxMode == pos.TaxInclusive {
			incl.Fill = colSelected
		} else {
			excl.Fill = colSelected
		}
		incl.Refresh()
		excl.Refresh()
	}
	incl = w.button("inclusive", lang.L("Prices include tax"), lang.L("Europe"), colPanel, func() { w.taxMode = pos.TaxInclusive; mark() })
	excl = w.button("exclusive", lang.L("Tax is added at the till"), lang.L("USA, Canada"), colPanel, func() { w.taxMode = pos.TaxExclusive; mark() })
	mark()
	next := w.button("next", lang.L("Next"), "", colGreen, func() {
		err := w.setup.Standalone(register.ShopSetup{Name: name.Text, Address: addr.Text, VATID: vat.Text,
			Currency: cur.Text, TaxMode: w.taxMode})
		if err != nil {
			w.say("", err)
			return
		}
		w.showDevices()
	})
	field := func(title string, e *widget.Entry) fyne.CanvasObject {
		return container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(220, 40), label(title, sizeRow, colInk, true)), nil, e)
	}
	w.page("shop", lang.L("Run this shop on its own"), lang.L("This is what every receipt says about the shop."),
		container.NewGridWithColumns(2, w.button("back", lang.L("Back"), "", colPanel, w.showMode), next),
		field(lang.L("Store name"), name), field(lang.L("Address"), addr), field(lang.L("VAT ID"), vat),
		field(lang.L("Currency"), cur), container.NewGridWithColumns(2, incl, excl))
}

// Step 3: the devices, each tested or skipped for now. Discovery runs
// first (USB can take a moment); the step is drawn again with what it found.
func (w *Wizard) showDevices() {
	w.fresh()
	w.page("devices", lang.L("Devices"), lang.L("Looking for devices…"), nil)
	var found []register.FoundDevice
	var err error
	w.async(func() {
		ctx, cancel := w.ctx()
		defer cancel()
		found, err = w.setup.Discover(ctx)
	}, func() {
		if w.step == "devices" {
			w.drawDevices(found, err)
		}
	})
}

// skipRow is a test action with a narrower "Skip for now" beside it.
func (w *Wizard) skipRow(kind string, action fyne.CanvasObject, then func()) fyne.CanvasObject {
	skip := w.button("skip-"+kind, lang.L("Skip for now"), "", colPanel, func() { w.setup.Skip(kind); then() })
	return container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(260, 72), skip), action)
}

func (w *Wizard) drawDevices(found []register.FoundDevice, discoverErr error) {
	w.fresh()
	printers := container.NewVBox()
	for _, d := range found {
		if d.Kind != "printer" && d.Kind != "" {
			continue
		}
		d := d
		t := w.button("printer:"+d.ID, d.Label, d.Detail+" · "+lang.L("Print a test page"), colKey, nil)
		t.OnTapped = func() { w.testPrinter(d.ID, t) }
		printers.Add(t)
	}
	if len(printers.Objects) == 0 {
		printers.Add(label(lang.L("No printer found. Check its cable and power, or skip for now."), sizeRow, colInkSoft, false))
	}
	drawer := w.button("drawer", lang.L("Open the drawer"), "", colBlue, nil)
	drawer.OnTapped = func() {
		drawer.SetDisabled(true)
		var err error
		w.async(func() {
			ctx, cancel := w.ctx()
			defer cancel()
			err = w.setup.TestDrawer(ctx)
		}, func() {
			drawer.SetDisabled(false)
			w.setStatus("drawer", lang.L("The drawer opened."), err)
		})
	}
	scanHint := label(lang.L("Scan anything: any barcode will do."), sizeRow, colInk, false)
	w.page("devices", lang.L("Devices"), lang.L("Test each device, or skip it for now: you can come back under Devices and setup."),
		w.button("next", lang.L("Next"), "", colGreen, w.showOwner),
		label(lang.L("Receipt printer"), 24, colInk, true),
		w.skipRow("printer", printers, func() { w.setStatus("printer", lang.L("No printer for now."), nil) }), w.line("printer"),
		label(lang.L("Cash drawer"), 24, colInk, true),
		w.skipRow("drawer", drawer, func() { w.setStatus("drawer", lang.L("No drawer for now."), nil) }), w.line("drawer"),
		label(lang.L("Scanner"), 24, colInk, true),
		w.skipRow("scanner", scanHint, func() { w.scanning = false; w.setStatus("scanner", lang.L("No scanner for now."), nil) }), w.line("scanner"))
	w.scanning = true
	if discoverErr != nil {
		w.setStatus("printer", "", discoverErr)
	}
}

func (w *Wizard) testPrinter(id string, t *tile) {
	t.SetDisabled(true)
	var err error
	w.async(func() {
		ctx, cancel := w.ctx()
		defer cancel()
		err = w.setup.TestPrinter(ctx, id)
	}, func() {
		t.SetDisabled(false)
		w.setStatus("printer", lang.L("The test page printed: this is the receipt printer."), err)
	})
}

func (w *Wizard) onRune(r rune) {
	if w.scanning {
		w.scanBuf = append(w.scanBuf, r)
	}
}

func (w *Wizard) onKey(ev *fyne.KeyEvent) {
	if (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && w.scanning {
		code := string(w.scanBuf)
		w.scanBuf = nil
		w.scanned(code)
	}
}

func (w *Wizard) scanned(code string) {
	if w.step != "devices" {
		return
	}
	code = strings.TrimSpace(code)
	if err := w.setup.Scanned(code); err != nil {
		w.setStatus("scanner", "", err)
		return
	}
	w.setStatus("scanner", lang.L("The scanner read {{.Code}}.", map[string]any{"Code": code}), nil)
}

// Step 4: the owner, who can log in and approve everything.
func (w *Wizard) showOwner() {
	w.fresh()
	w.pin = ""
	name := w.entry("owner", lang.L("Your name"), w.setup.Result().OwnerName)
	w.pinText = label("", 36, colInk, true)
	pad := newKeypad("", func(key string) {
		switch {
		case key == keyBackspace && w.pin != "":
			w.pin = w.pin[:len(w.pin)-1]
		case key != keyBackspace && len(w.pin) < 6:
			w.pin += key
		}
		w.pinText.Text = strings.Repeat("●", len(w.pin))
		w.pinText.Refresh()
	})
	for k, t := range pad.keys {
		w.tiles["pin:"+k] = t
	}
	finish := w.button("finish", lang.L("Finish"), "", colGreen, w.finish)
	w.page("owner", lang.L("The owner"), lang.L("Your name and a PIN of 4 to 6 digits. It unlocks the register and approves refunds and voids."),
		container.NewGridWithColumns(2, w.button("back", lang.L("Back"), "", colPanel, w.showDevices), finish),
		container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(220, 40), label(lang.L("Your name"), sizeRow, colInk, true)), nil, name),
		container.NewGridWithColumns(2,
			container.NewVBox(label(lang.L("PIN"), sizeRow, colInk, true), w.pinText),
			container.NewGridWrap(fyne.NewSize(360, 300), pad.content)))
}

// Step 5: save, then hand over to the sale screen.
func (w *Wizard) finish() {
	if err := w.setup.SetOwner(w.entries["owner"].Text, w.pin); err != nil {
		w.say("", err)
		return
	}
	var r register.SetupResult
	var err error
	w.async(func() {
		ctx, cancel := w.ctx()
		defer cancel()
		r, err = w.setup.Finish(ctx)
	}, func() {
		if err != nil {
			w.say("", err)
			return
		}
		w.fresh()
		w.page("done", lang.L("Done"), lang.L("The register is ready: ring up the first sale."), nil)
		if w.opts.OnDone != nil {
			w.opts.OnDone(r)
		}
	})
}
