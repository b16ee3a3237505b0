package ui

import (
	"time"

	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// loginScreen: employee tiles on the left, a large PIN keypad on the right.
// The employee is chosen first (as on Square and Lightspeed): one PIN hash
// per try, and wrong PINs count against that employee's lockout.
type loginScreen struct {
	u       *UI
	content fyne.CanvasObject

	emps    []register.Employee
	tiles   map[string]*tile // by employee id
	grid    *fyne.Container
	chosen  string
	pin     string
	title   *canvas.Text
	dots    *canvas.Text
	msg     *canvas.Text
	pad     *keypad
	ok      *tile
	onLogin func(register.Employee) // after a successful login (tests watch it)
}

func newLoginScreen(u *UI) *loginScreen {
	l := &loginScreen{u: u, tiles: map[string]*tile{}}
	l.grid = container.NewGridWithColumns(2)
	head := label(lang.L("Who is selling?"), 30, colInk, true)
	left := container.NewBorder(container.New(layout.NewCustomPaddedLayout(0, 10, 0, 0), head), nil, nil, nil,
		container.NewVScroll(container.NewVBox(l.grid)))

	l.title = label(lang.L("Choose your name"), 24, colInk, true)
	l.title.Alignment = fyne.TextAlignCenter
	l.dots = label(" ", 48, colInk, true)
	l.dots.Alignment = fyne.TextAlignCenter
	l.msg = label("", sizeDetail, colError, true)
	l.msg.Alignment = fyne.TextAlignCenter
	disp := container.NewStack(canvas.NewRectangle(colPanel),
		container.New(layout.NewCustomPaddedLayout(8, 8, 14, 14), container.NewVBox(l.title, l.dots, l.msg)))
	l.pad = newKeypad("", l.onKey)
	for _, k := range l.pad.keys {
		k.MinHeight, k.TitleSize = 84, 36
	}
	l.ok = newTile(lang.L("Log in"), "", colGreen, l.onOK)
	l.ok.Center, l.ok.MinHeight, l.ok.TitleSize = true, 84, 30
	right := container.NewBorder(disp, l.ok, nil, nil, l.pad.content)
	l.content = container.New(&ratio{frac: 0.5, gap: 24, pad: 16}, left, right)
	return l
}

// load reads the employees and who is clocked in (at start-up and when
// the screen is shown) off the UI goroutine, then redraws the tiles.
func (l *loginScreen) load() {
	var emps []register.Employee
	var in map[string]time.Time
	var err, inErr error
	l.u.run(func() {
		emps, err = l.u.reg.Employees(l.u.ctx())
		if err == nil && len(emps) > 0 {
			// Only to label the tiles: no employees, no question.
			in, inErr = l.u.reg.ClockedIn(l.u.ctx())
		}
	}, func() {
		if err != nil {
			l.u.fail("employees", err)
			return
		}
		if inErr != nil {
			l.u.log.Error("clocked in", "err", inErr)
		}
		l.show(emps, in)
	})
}

// show redraws the employee tiles.
func (l *loginScreen) show(emps []register.Employee, in map[string]time.Time) {
	l.emps = emps
	l.grid.RemoveAll()
	l.tiles = map[string]*tile{}
	for _, e := range emps {
		sub := roleName(e.Role)
		if _, ok := in[e.ID]; ok {
			sub += " · " + lang.L("clocked in")
		}
		t := newTile(e.Name, sub, colPanel, func() { l.choose(e.ID) })
		t.MinHeight, t.Outline, t.TitleSize, t.SubSize = 96, colLine, 26, 16
		l.tiles[e.ID] = t
		l.grid.Add(t)
	}
	l.grid.Refresh()
	l.reset()
	l.u.refreshUser() // Switch and Menu depend on whether there is staff
}

func (l *loginScreen) reset() {
	l.chosen, l.pin = "", ""
	if len(l.emps) == 1 {
		l.chosen = l.emps[0].ID
	}
	l.msg.Text = ""
	l.update()
}

func roleName(r register.Role) string {
	switch r {
	case register.RoleCashier:
		return lang.L("Cashier")
	case register.RoleSupervisor:
		return lang.L("Supervisor")
	case register.RoleManager:
		return lang.L("Manager")
	case register.RoleOwner:
		return lang.L("Owner")
	}
	return string(r)
}

func (l *loginScreen) choose(id string) {
	l.chosen, l.pin = id, ""
	l.msg.Text = ""
	l.update()
}

func (l *loginScreen) onKey(key string) {
	if key == keyBackspace {
		if l.pin != "" {
			l.pin = l.pin[:len(l.pin)-1]
		}
	} else if len(l.pin) < 6 {
		l.pin += key
	}
	l.msg.Text = ""
	l.update()
}

func (l *loginScreen) update() {
	for id, t := range l.tiles {
		if id == l.chosen {
			t.Fill, t.Outline = colSelected, colBlue
		} else {
			t.Fill, t.Outline = colPanel, colLine
		}
		t.Refresh()
	}
	l.title.Text = lang.L("Choose your name")
	if len(l.emps) == 0 { // a new register: no one has a PIN yet
		l.title.Text = lang.L("No employees yet")
		l.msg.Text = lang.L("Enroll this register with the head office, or import a catalog with employees.")
	}
	for _, e := range l.emps {
		if e.ID == l.chosen {
			l.title.Text = lang.L("PIN for {{.Name}}", map[string]any{"Name": e.Name})
		}
	}
	l.title.Refresh()
	l.dots.Text = strings.Repeat("●", len(l.pin))
	if l.pin == "" {
		l.dots.Text = " "
	}
	l.dots.Refresh()
	l.msg.Refresh()
	l.ok.SetDisabled(l.chosen == "" || len(l.pin) < 4)
}

func (l *loginScreen) onOK() {
	id, pin := l.chosen, l.pin
	var e register.Employee
	var clockedIn bool
	var err error
	l.ok.SetDisabled(true)
	l.u.run(func() {
		e, clockedIn, err = l.u.reg.Login(l.u.ctx(), id, pin)
	}, func() {
		if err != nil {
			l.pin = ""
			l.msg.Text = errText(err)
			if pos.ErrorCode(err) == pos.EInternal {
				l.u.log.Error("login", "err", err)
			}
			l.update()
			return
		}
		l.reset()
		l.u.afterLogin(e, clockedIn)
		if l.onLogin != nil {
			l.onLogin(e)
		}
	})
}

// hasStaff reports whether the register has employees: then it starts
// locked, on the login screen. It reads on the calling goroutine: New calls
// it before the window shows.
func (u *UI) hasStaff() bool {
	emps, err := u.reg.Employees(u.ctx())
	if err != nil {
		u.log.Error("employees", "err", err)
	}
	return len(emps) > 0
}

// showLogin locks the register: the open sale stays for whoever logs in next.
func (u *UI) showLogin() {
	u.reg.Lock()
	u.sale.closeDialog()
	if u.override != nil {
		u.override.close()
	}
	u.login.load()
	u.show(u.login.content)
	u.refreshUser()
}

// afterLogin greets the employee and opens the shift first if none is open.
func (u *UI) afterLogin(e register.Employee, clockedIn bool) {
	u.refreshUser()
	u.clearMessage() // e.g. "Log in first" from a scan on the login screen
	u.selling().checkUnsettled()
	greeting := ""
	if clockedIn {
		greeting = lang.L("{{.Name}} clocked in", map[string]any{"Name": e.Name})
	}
	var open bool
	var err error
	u.run(func() { _, _, open, err = u.reg.OpenShift(u.ctx()) }, func() {
		if err == nil && !open {
			u.showOpenShift()
			if greeting != "" {
				// In the hint: the message strip would cover the count screen's title.
				u.count.hint.SetText(greeting + ". " + u.count.hint.Text)
			}
			return
		}
		u.showSale()
		if greeting != "" {
			u.info(greeting)
		}
	})
}

// locked reports whether the login screen is showing: scans are refused.
func (u *UI) locked() bool { return u.login != nil && u.screen == u.login.content }

// userBar is the header's right side: who sells, Switch and Menu.
func (u *UI) userBar() fyne.CanvasObject {
	u.userName = label("", 16, colOnNavy, true)
	u.switchTile = newTile(lang.L("Switch"), "", colOnNavySub, u.onSwitch)
	u.switchTile.Center, u.switchTile.MinHeight, u.switchTile.TitleSize = true, 48, 17
	u.menuTile = newTile(lang.L("Menu"), "", colOnNavySub, u.onMenu)
	u.menuTile.Center, u.menuTile.MinHeight, u.menuTile.TitleSize = true, 48, 17
	return container.NewHBox(container.NewCenter(u.userName),
		container.NewGridWrap(fyne.NewSize(110, 48), u.switchTile),
		container.NewGridWrap(fyne.NewSize(100, 48), u.menuTile))
}

func (u *UI) refreshUser() {
	if u.userName == nil {
		return
	}
	e, ok := u.reg.Current()
	staff := u.login != nil && len(u.login.emps) > 0
	u.userName.Text = ""
	if ok && e.Name != "" {
		u.userName.Text = e.Name
	}
	u.userName.Refresh()
	// While money moves (the terminal charging, a cash tender committing)
	// neither locks the register nor opens the menu (a Z report): the
	// outcome lands on the screen that started it.
	moving := u.moneyMoving()
	if staff && ok && !moving {
		u.switchTile.Show()
	} else {
		u.switchTile.Hide()
	}
	if (ok || !staff) && !moving {
		u.menuTile.Show()
	} else {
		u.menuTile.Hide()
	}
}

// moneyMoving reports whether a card transaction or a cash tender is under
// way: its outcome must not land on another screen or another cashier.
func (u *UI) moneyMoving() bool {
	return (u.sale != nil && u.sale.x != nil && u.sale.x.card.busy) || (u.cash != nil && u.cash.busy)
}

// onMenu opens the menu unless money is moving (see refreshUser).
func (u *UI) onMenu() {
	if u.moneyMoving() {
		return
	}
	u.showManager()
}

// onSwitch locks the register for the next cashier; the open sale stays.
func (u *UI) onSwitch() {
	if u.moneyMoving() {
		return // the tile is hidden: this is a key or a stale tap
	}
	u.clearMessage()
	u.showLogin()
}
