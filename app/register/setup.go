package register

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/tillpos/till/app/pinhash"
	"github.com/tillpos/till/app/pos"
)

// The first-run wizard's use case: it collects what a shop owner decides
// (language, head office or standalone shop, devices, owner and PIN) and
// writes it through SetupStore once, marking the setup complete so the
// register never starts the wizard by itself again. The manager menu's
// "Devices and setup" runs it again on the saved answers.

// SetupResult is what the wizard decided; SetupStore writes it into the
// register's configuration (cmd/register: register.json).
type SetupResult struct {
	Language string // "en", "de"

	// HeadOffice is set when the register was enrolled; Shop otherwise.
	HeadOffice *EnrolledHeadOffice
	Shop       ShopSetup

	// The devices chosen, by FoundDevice.ID ("" skipped for now); each
	// tested state says whether its test succeeded.
	Printer, Drawer, Scanner             string
	PrinterTested, DrawerTested, Scanned bool
	Devices                              []FoundDevice // the chosen ones, for the config

	OwnerName    string
	OwnerPINHash string // pinhash.Encode; the PIN itself is never kept

	// Complete is the "setup complete" marker: a register whose config has
	// it starts selling, not the wizard.
	Complete bool
}

// ShopSetup is a standalone shop's identity and pricing.
type ShopSetup struct {
	Name, Address, VATID string
	Currency             string // ISO 4217, "EUR"
	TaxMode              pos.TaxMode
}

// EnrolledHeadOffice is what enrollment gave the register.
type EnrolledHeadOffice struct {
	URL, RegisterID, StoreID, StoreName string
}

// FoundDevice is one attached device as discovery reports it.
type FoundDevice struct {
	ID     string // opaque to the wizard; the adapter's key
	Kind   string // "printer", "scanner", "drawer", "terminal", "scale", "" unknown
	Label  string // what the owner reads: "EPSON TM-T20III (USB 04b8:0e28)"
	Detail string // why it was guessed, address
}

// SetupDevices is the hardware the wizard tests. Each method returns an
// error fit for the owner's screen (a *pos.Error) when the test fails.
type SetupDevices interface {
	Discover(ctx context.Context) ([]FoundDevice, error)
	PrintTestPage(ctx context.Context, printerID string, page TestPage) error
	OpenDrawer(ctx context.Context, printerID string) error
}

// TestPage is what the wizard prints on a printer under test: a print
// document like a receipt's, which the printer adapter renders.
type TestPage = pos.Doc

// Errors the setup adapters return for the use case to put into words.
var (
	ErrDeviceGone      = errors.New("setup: device no longer attached")
	ErrEnrollNeedsLink = errors.New("setup: a code alone does not say where the head office is")
	ErrBadEnrollLink   = errors.New("setup: not a Till enrollment link")
)

// deviceErr is err in the owner's words: a *pos.Error passes as it is.
func deviceErr(err error, format string) error {
	var pe *pos.Error
	switch {
	case errors.As(err, &pe):
		return err
	case errors.Is(err, ErrDeviceGone):
		return pos.Errorf(pos.ENotFound, "That device is no longer attached.")
	case format == "print":
		return pos.Errorf(pos.EUnavailable, "The test page did not print: %s", err.Error())
	case format == "drawer":
		return pos.Errorf(pos.EUnavailable, "The drawer did not open: %s", err.Error())
	case errors.Is(err, ErrEnrollNeedsLink):
		return pos.Errorf(pos.EInvalid, "Scan the head office's QR code: a code alone does not say where the head office is.")
	case errors.Is(err, ErrBadEnrollLink):
		return pos.Errorf(pos.EInvalid, "That is not a Till enrollment link: %s", err.Error())
	default:
		return pos.Errorf(pos.EUnavailable, "Enrollment failed: %s", err.Error())
	}
}

// Enroller enrolls the register with a head office by an enrollment code
// or a till-enroll:// link (the QR code's payload).
type Enroller interface {
	Enroll(ctx context.Context, codeOrLink string) (EnrolledHeadOffice, error)
}

// SetupStore saves the wizard's result durably (written and synced before
// it returns: a power cut must not leave a half-written config).
type SetupStore interface {
	SaveSetup(ctx context.Context, r SetupResult) error
}

// SetupDeps are the wizard's ports; Enroller may be nil (no head office
// reachable from this build): connecting then fails with a clear message.
type SetupDeps struct {
	Devices SetupDevices
	Enroll  Enroller
	Store   SetupStore
	// DemoPINs are the demo catalog's well-known PINs, never accepted as an
	// owner's PIN.
	DemoPINs []string
}

// Setup is one run of the wizard.
type Setup struct {
	deps  SetupDeps
	r     SetupResult
	found []FoundDevice
}

// NewSetup starts the wizard on prev (the saved answers on a re-run, the
// zero value on a first run).
func NewSetup(deps SetupDeps, prev SetupResult) *Setup {
	prev.Complete = false
	return &Setup{deps: deps, r: prev}
}

// Result is the answers so far.
func (s *Setup) Result() SetupResult { return s.r }

// SetLanguage is step 1.
func (s *Setup) SetLanguage(code string) error {
	switch code {
	case "en", "de":
		s.r.Language = code
		return nil
	}
	return pos.Errorf(pos.EInvalid, "No translation for %s.", code)
}

// ConnectHeadOffice is step 2 for a chain: it enrolls with the code or link.
func (s *Setup) ConnectHeadOffice(ctx context.Context, codeOrLink string) error {
	codeOrLink = strings.TrimSpace(codeOrLink)
	if codeOrLink == "" {
		return pos.Errorf(pos.EInvalid, "Enter the enrollment code or scan the head office's QR code.")
	}
	if len(codeOrLink) > 2048 {
		return pos.Errorf(pos.EInvalid, "That is not an enrollment code.")
	}
	if s.deps.Enroll == nil {
		return pos.Errorf(pos.EUnavailable, "This register cannot reach a head office.")
	}
	ho, err := s.deps.Enroll.Enroll(ctx, codeOrLink)
	if err != nil {
		return deviceErr(err, "enroll")
	}
	s.r.HeadOffice = &ho
	s.r.Shop = ShopSetup{Name: ho.StoreName}
	return nil
}

// Standalone is step 2 for a shop on its own.
func (s *Setup) Standalone(shop ShopSetup) error {
	shop.Name, shop.Address, shop.VATID = strings.TrimSpace(shop.Name), strings.TrimSpace(shop.Address), strings.TrimSpace(shop.VATID)
	shop.Currency = strings.ToUpper(strings.TrimSpace(shop.Currency))
	switch {
	case shop.Name == "":
		return pos.Errorf(pos.EInvalid, "Enter the shop's name.")
	case utf8.RuneCountInString(shop.Name) > 48 || utf8.RuneCountInString(shop.Address) > 96 || len(shop.VATID) > 32:
		return pos.Errorf(pos.EInvalid, "That is too long for a receipt.")
	case shop.TaxMode != pos.TaxInclusive && shop.TaxMode != pos.TaxExclusive:
		return pos.Errorf(pos.EInvalid, "Choose whether prices include tax.")
	}
	if _, err := pos.LookupCurrency(shop.Currency); err != nil {
		return pos.Errorf(pos.EInvalid, "%s is not a currency.", shop.Currency)
	}
	s.r.HeadOffice = nil
	s.r.Shop = shop
	return nil
}

// Discover lists the attached devices for step 3.
func (s *Setup) Discover(ctx context.Context) ([]FoundDevice, error) {
	if s.deps.Devices == nil {
		return nil, nil
	}
	f, err := s.deps.Devices.Discover(ctx)
	if err != nil {
		return nil, pos.Errorf(pos.EUnavailable, "Could not list the devices: %s", err.Error())
	}
	s.found = f
	return f, nil
}

func (s *Setup) device(id string) (FoundDevice, error) {
	for _, d := range s.found {
		if d.ID == id {
			return d, nil
		}
	}
	return FoundDevice{}, pos.Errorf(pos.ENotFound, "That device is no longer attached.")
}

// TestPrinter prints a test page on the device and, when it printed,
// makes it the receipt printer.
func (s *Setup) TestPrinter(ctx context.Context, id string) error {
	d, err := s.device(id)
	if err != nil {
		return err
	}
	name := s.r.Shop.Name
	if name == "" {
		name = "Till"
	}
	page := pos.Doc{ID: "setup-test", Lang: s.r.Language, Blocks: []pos.Block{
		{Kind: pos.BlockText, Text: name, Align: pos.AlignCenter, Bold: true, Large: true},
		{Kind: pos.BlockText, Text: "Test page", Align: pos.AlignCenter},
		{Kind: pos.BlockText, Text: d.Label, Align: pos.AlignCenter},
		{Kind: pos.BlockFeed, N: 3}}}
	if err := s.deps.Devices.PrintTestPage(ctx, id, page); err != nil {
		return deviceErr(err, "print")
	}
	s.choose(d)
	s.r.Printer, s.r.PrinterTested = id, true
	return nil
}

// TestDrawer opens the drawer behind the chosen printer.
func (s *Setup) TestDrawer(ctx context.Context) error {
	if s.r.Printer == "" {
		return pos.Errorf(pos.EInvalid, "The drawer opens through the receipt printer: choose the printer first.")
	}
	if err := s.deps.Devices.OpenDrawer(ctx, s.r.Printer); err != nil {
		return deviceErr(err, "drawer")
	}
	s.r.Drawer, s.r.DrawerTested = s.r.Printer, true
	return nil
}

// Scanned records that the scanner read code during "scan anything".
func (s *Setup) Scanned(code string) error {
	if strings.TrimSpace(code) == "" {
		return pos.Errorf(pos.EInvalid, "Nothing was read: scan any barcode.")
	}
	s.r.Scanned = true
	s.r.Scanner = "keyboard"
	return nil
}

// Skip leaves a device for later ("printer", "drawer", "scanner").
func (s *Setup) Skip(kind string) {
	switch kind {
	case "printer":
		s.r.Printer, s.r.PrinterTested = "", false
		s.r.Drawer, s.r.DrawerTested = "", false
		s.r.Devices = nil
	case "drawer":
		s.r.Drawer, s.r.DrawerTested = "", false
	case "scanner":
		s.r.Scanner, s.r.Scanned = "", false
	}
}

func (s *Setup) choose(d FoundDevice) {
	out := s.r.Devices[:0:0]
	for _, c := range s.r.Devices {
		if c.Kind != d.Kind {
			out = append(out, c)
		}
	}
	s.r.Devices = append(out, d)
}

// SetOwner is step 4: the owner's name and PIN (4-6 digits, never one of
// the demo PINs, not one digit repeated). Only the hash is kept.
func (s *Setup) SetOwner(name, pin string) error {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return pos.Errorf(pos.EInvalid, "Enter the owner's name.")
	case utf8.RuneCountInString(name) > 40:
		return pos.Errorf(pos.EInvalid, "That name is too long.")
	case !pos.ValidPIN(pin):
		return pos.Errorf(pos.EInvalid, "A PIN is 4 to 6 digits.")
	case strings.Count(pin, pin[:1]) == len(pin):
		return pos.Errorf(pos.EInvalid, "That PIN is too easy to guess.")
	}
	for _, d := range s.deps.DemoPINs {
		if pin == d {
			return pos.Errorf(pos.EInvalid, "That PIN is too easy to guess.")
		}
	}
	h, err := pinhash.Encode(pin)
	if err != nil {
		return err
	}
	s.r.OwnerName, s.r.OwnerPINHash = name, h
	return nil
}

// ErrSetupIncomplete is returned by Finish before the required steps.
var ErrSetupIncomplete = errors.New("setup incomplete")

// Finish is step 5: it saves the answers with the complete marker.
func (s *Setup) Finish(ctx context.Context) (SetupResult, error) {
	switch {
	case s.r.Language == "":
		return SetupResult{}, pos.Errorf(pos.EInvalid, "Choose a language.")
	case s.r.HeadOffice == nil && s.r.Shop.Name == "":
		return SetupResult{}, pos.Errorf(pos.EInvalid, "Connect to a head office or enter the shop's details.")
	case s.r.OwnerPINHash == "":
		return SetupResult{}, pos.Errorf(pos.EInvalid, "Enter the owner's name and PIN.")
	}
	r := s.r
	r.Complete = true
	if err := s.deps.Store.SaveSetup(ctx, r); err != nil {
		return SetupResult{}, pos.Errorf(pos.EUnavailable, "Could not save the setup: %s", err.Error())
	}
	s.r = r
	return r, nil
}
