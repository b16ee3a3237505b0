package ui

import (
	"context"
	"image/color"
	"log/slog"
	"sync"
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

// Options configure the UI; the zero value works.
type Options struct {
	// Locale formats money ("de": 1.234,56 €); "" uses the register's.
	Locale string
	// Status returns what the status strip shows besides the print queue
	// (status.go): notes, devices, the head office. Called on the UI
	// goroutine by Run and RefreshStatus; it must not block.
	Status func() Status
	// Log receives the causes of errors the cashier sees as short sentences.
	Log *slog.Logger
	// Setup opens the first-run wizard again (NewWizard): the manager
	// menu's "Devices and setup". nil: no such tile.
	Setup func()
}

// UI is the register's window and its screens.
type UI struct {
	app    fyne.App
	reg    *register.Register
	opts   Options
	win    fyne.Window
	cur    pos.Currency
	locale string
	log    *slog.Logger

	// Injected for tests: the clock that times key presses, how register
	// work leaves the UI goroutine, and how the message strip schedules its
	// own removal.
	now   func() time.Time
	async func(work, then func())
	after func(d time.Duration, f func())

	// stale is set while a run's then runs after the UI left the screen
	// that started the work: show keeps the current screen.
	stale bool

	// jobs runs all work off the UI goroutine under the UI's context,
	// which ends when the window closes (Close).
	jobs  *serial
	wedge *register.WedgeDetector

	overlay   *fyne.Container // holds the message strip over screens other than the sale
	body      *fyne.Container
	msgBox    *tapBox
	msgBg     *canvas.Rectangle
	msgText   *canvas.Text
	msgGen    int
	status    *canvas.Text
	statusFit *fitText // the whole status line; status shows what fits
	clockText *canvas.Text

	sale   *saleScreen
	cash   *cashScreen
	change *changeScreen
	screen fyne.CanvasObject

	// override is the open manager-approval dialog (override.go), nil when none.
	override *overrideDialog
	// People, shifts and cash (login.go, count.go, manager.go, reports.go).
	login                *loginScreen
	count                *countScreen
	manager              *managerScreen
	report               *reportScreen
	userName             *canvas.Text
	switchTile, menuTile *tile
}

// New builds the register's window ("Till", sized for 1280x800, usable at
// 1024x768) showing an empty sale. It sets the app's theme.
func New(a fyne.App, reg *register.Register, opts Options) *UI {
	cfg := reg.Config()
	u := &UI{app: a, reg: reg, opts: opts, cur: cfg.Currency, locale: opts.Locale, log: opts.Log,
		now: time.Now, wedge: register.NewWedgeDetector(), jobs: newSerial()}
	if u.locale == "" {
		u.locale = cfg.Locale
	}
	if u.log == nil {
		u.log = slog.Default()
	}
	if err := useLanguage(u.locale); err != nil {
		u.log.Error("translations", "err", err)
	}
	u.async = u.jobs.Go
	u.after = func(d time.Duration, f func()) { time.AfterFunc(d, func() { fyne.Do(f) }) }

	a.Settings().SetTheme(newTheme())
	u.win = a.NewWindow("Till")
	u.win.Resize(fyne.NewSize(1280, 800))
	u.win.SetPadded(false)
	u.win.SetOnClosed(u.Close)

	u.msgText = label("", sizeRow, colInk, true)
	u.msgBg = canvas.NewRectangle(colWarn)
	u.msgBox = newTapBox(container.NewStack(u.msgBg,
		container.New(layout.NewCustomPaddedLayout(0, 0, 18, 18), container.NewVBox(layout.NewSpacer(), u.msgText, layout.NewSpacer()))),
		u.clearMessage)
	u.msgBox.Hide()
	u.overlay = container.New(&band{height: 60})

	u.sale = newSaleScreen(u)
	u.cash = newCashScreen(u)
	u.change = newChangeScreen(u)
	u.login, u.count = newLoginScreen(u), newCountScreen(u)
	u.manager, u.report = newManagerScreen(u), newReportScreen(u)

	u.body = container.NewStack()
	u.win.SetContent(container.NewBorder(u.statusStrip(cfg), nil, nil, nil, container.NewStack(u.body, u.overlay)))

	c := u.win.Canvas()
	c.SetOnTypedRune(u.onTypedRune)
	c.SetOnTypedKey(u.onTypedKey)

	u.showSale()
	if u.hasStaff() {
		u.showLogin() // employees exist: the register starts locked
	}
	u.refreshUser()
	u.RefreshStatus()
	// Printer faults show at once, not at the next two-second refresh.
	reg.Spooler().OnChange(func(register.SpoolStatus) { fyne.Do(u.RefreshStatus) })
	return u
}

// Window is the register's window; main shows it and runs the app.
func (u *UI) Window() fyne.Window { return u.win }

// Close cancels the UI's context and waits for the work it started (queued
// jobs, card payments and their cancel); no screen updates after. Closing
// the window calls it; call it on the UI goroutine. Idempotent.
func (u *UI) Close() { u.jobs.close() }

// ctx is the context of all register work the UI starts: it ends when the
// window closes.
func (u *UI) ctx() context.Context { return u.jobs.ctx }

// Run refreshes the status strip and the clock every two seconds until ctx
// ends. Start it with go once the window exists.
func (u *UI) Run(ctx context.Context) error {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			fyne.Do(u.RefreshStatus)
		}
	}
}

// RefreshStatus redraws the status strip. Call it on the UI goroutine (from
// elsewhere: fyne.Do(u.RefreshStatus)).
func (u *UI) RefreshStatus() {
	s := u.statusText()
	u.statusFit.set(s)
	u.clockText.Text = u.now().Format("15:04")
	u.clockText.Refresh()
}

func (u *UI) statusStrip(cfg register.Config) fyne.CanvasObject {
	name := "Till"
	if cfg.StoreName != "" {
		name = cfg.StoreName
	}
	if cfg.RegisterCode != "" {
		name += " · " + cfg.RegisterCode
	}
	u.status = label("", 16, colOnNavySub, false)
	u.statusFit = &fitText{text: u.status}
	u.clockText = label(u.now().Format("15:04"), 16, colOnNavy, true)
	bar := container.NewBorder(nil, nil, label(name, 16, colOnNavy, true), container.NewHBox(u.userBar(), container.NewCenter(u.clockText)),
		container.New(u.statusFit, u.status))
	return container.NewStack(canvas.NewRectangle(colNavy),
		container.New(layout.NewCustomPaddedLayout(8, 8, 16, 16), bar))
}

// money formats minor units in the register's currency and locale.
func (u *UI) money(v int64) string { return pos.FormatMinor(v, u.cur, u.locale) }

func (u *UI) show(screen fyne.CanvasObject) {
	if u.stale {
		// A then of work started on another screen: stay where the cashier
		// is (it may be the login screen), only bring the status up to date.
		u.refreshUser()
		u.RefreshStatus()
		return
	}
	u.screen = screen
	u.body.Objects = []fyne.CanvasObject{screen}
	u.body.Refresh()
	// The message strip floats over the screen, never pushing tap targets
	// aside under a finger: at the foot of the cart on the sale screen (where
	// the eye is after a scan), at the top elsewhere.
	u.sale.msgLayer.Remove(u.msgBox)
	u.overlay.Remove(u.msgBox)
	if screen == u.sale.content {
		u.sale.msgLayer.Add(u.msgBox)
	} else {
		u.overlay.Add(u.msgBox)
	}
	u.win.Canvas().Unfocus() // typed keys must reach the canvas: the scanner types there
}

func (u *UI) showSale() {
	u.sale.refresh()
	u.show(u.sale.content)
}

// run does register work off the UI goroutine, then then on it.
// then changes screens only when the UI is still on the screen that
// started the work (see show).
func (u *UI) run(work, then func()) {
	from := u.screen
	u.async(work, func() {
		prev := u.stale // a then may run another work (nested when tests run it inline)
		u.stale = prev || u.screen != from
		defer func() { u.stale = prev }()
		then()
	})
}

// flash shows a non-blocking message in the strip under the status bar; it
// goes away after a few seconds or at the next action.
func (u *UI) flash(msg string, bg color.Color) {
	u.msgGen++
	gen := u.msgGen
	u.msgText.Text = msg
	u.msgText.Color = contrastInk(bg)
	u.msgBg.FillColor = bg
	u.msgBox.Show()
	u.msgBox.Refresh()
	u.after(5*time.Second, func() {
		if u.msgGen == gen {
			u.clearMessage()
		}
	})
}

func (u *UI) warn(msg string) { u.flash(msg, colWarn) }

func (u *UI) info(msg string) { u.flash(msg, colSelected) }

// fail shows the cashier what to do and logs the cause.
func (u *UI) fail(what string, err error) {
	u.log.Error(what, "err", err)
	u.flash(errText(err), colError)
}

func (u *UI) clearMessage() {
	u.msgGen++
	if u.msgBox.Visible() {
		u.msgBox.Hide()
	}
}

func (u *UI) onTypedRune(r rune) { u.wedge.Rune(r, u.now()) }

func (u *UI) onTypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if code, ok := u.wedge.Enter(u.now()); ok {
			u.onScan(code)
		}
	case fyne.KeyEscape:
		u.wedge.Reset()
	default:
		u.onFunctionKey(ev.Name)
	}
}

// Scan handles a code from a scanner other than the keyboard wedge (a
// serial scanner) exactly as a wedge scan. Safe from any goroutine.
func (u *UI) Scan(code string) { fyne.Do(func() { u.onScan(code) }) }

// onScan handles a barcode from any screen: on the change screen it starts
// the next sale, on the cash screen it goes back to the cart.
func (u *UI) onScan(code string) {
	u.clearMessage()
	if u.locked() {
		u.warn(lang.L("Log in first: tap your name and type your PIN."))
		return
	}
	if !u.takesScans() {
		// A count, a report, a menu: a scan here is not meant for the sale
		// behind it (it would be added unseen).
		u.warn(lang.L("Finish this screen first, then scan."))
		return
	}
	if u.onReceiptScan(code) || u.onCustomerCardScan(code) {
		return
	}
	if x := u.selling(); u.screen == x.blind.content {
		x.blind.onScan(code)
		return
	}
	switch u.screen {
	case u.cash.content:
		u.cash.onBack()
	case u.change.content:
		u.showSale()
	}
	u.sale.closeDialog()
	var idx int
	var err error
	u.run(func() {
		idx, err = u.reg.Scan(u.ctx(), code)
	}, func() {
		if err != nil {
			if pos.ErrorCode(err) == pos.EInternal {
				u.fail("scan", err)
			} else {
				u.warn(errText(err))
			}
			return
		}
		u.sale.selected = idx
		u.sale.refresh()
		u.sale.scrollTo(idx)
	})
}

// takesScans: the screens where a scan means something: the sale, cash
// and change (back to the cart, or the next sale) and the blind return.
func (u *UI) takesScans() bool {
	switch u.screen {
	case u.sale.content, u.cash.content, u.change.content, u.selling().blind.content:
		return true
	}
	return false
}

// serial runs the UI's work off the UI goroutine under the UI's context:
// queued jobs one at a time in the order given (Go), so two fast scans are
// added in the order they were read, and loose ones at once (Loose: a card
// payment may take a minute, and its Cancel must not queue behind it).
// close cancels the context and waits for every goroutine it started;
// nothing starts and no then runs after it.
type serial struct {
	ctx  context.Context
	stop context.CancelFunc

	mu     sync.Mutex
	closed bool
	tail   chan struct{}
	wg     sync.WaitGroup
}

func newSerial() *serial {
	s := &serial{}
	s.ctx, s.stop = context.WithCancel(context.Background())
	return s
}

// Go runs work on its own goroutine after the previous job, then hands then
// to the UI goroutine.
func (s *serial) Go(work, then func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	prev := s.tail
	done := make(chan struct{})
	s.tail = done
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(done)
		if prev != nil {
			<-prev
		}
		if s.ctx.Err() != nil {
			return // closed while queued: the work is not wanted any more
		}
		work()
		fyne.Do(s.guard(then))
	}()
}

// Loose runs work on its own goroutine at once, then hands then to the UI
// goroutine.
func (s *serial) Loose(work, then func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		work()
		fyne.Do(s.guard(then))
	}()
}

// guard drops a then that reaches the UI goroutine after close: the
// window it would update is gone.
func (s *serial) guard(then func()) func() {
	return func() {
		if s.ctx.Err() == nil {
			then()
		}
	}
}

// close cancels the work's context and waits until every goroutine started
// has returned. Work must honour its context (the register's calls do), so
// close does not wait out a card payment.
func (s *serial) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.stop()
	s.wg.Wait()
}

// wait blocks until every job given so far has finished.
func (s *serial) wait() { s.wg.Wait() }

// band lays its objects out as a strip of a fixed height across the top, or
// the bottom, of its space.
type band struct {
	height float32
	bottom bool
}

func (b *band) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	if b.bottom {
		y = size.Height - b.height
	}
	for _, o := range objs {
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, b.height))
	}
}

func (b *band) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }

// tapBox is content that reports a tap: the message strip goes away when
// tapped, and taps on it never reach what it covers.
type tapBox struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onTap   func()
}

func newTapBox(content fyne.CanvasObject, onTap func()) *tapBox {
	t := &tapBox{content: content, onTap: onTap}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped dismisses.
func (t *tapBox) Tapped(*fyne.PointEvent) { t.onTap() }

func (t *tapBox) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.content) }
