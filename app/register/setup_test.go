package register

import (
	"context"
	"testing"

	"github.com/tillpos/till/app/pinhash"
	"github.com/tillpos/till/app/pos"
)

type setupFakes struct {
	found   []FoundDevice
	printed []pos.Doc
	drawers int
	saved   []SetupResult
	failPr  error
}

func (f *setupFakes) Discover(context.Context) ([]FoundDevice, error) { return f.found, nil }
func (f *setupFakes) PrintTestPage(_ context.Context, id string, page pos.Doc) error {
	if f.failPr != nil {
		return f.failPr
	}
	f.printed = append(f.printed, page)
	return nil
}
func (f *setupFakes) OpenDrawer(context.Context, string) error { f.drawers++; return nil }
func (f *setupFakes) SaveSetup(_ context.Context, r SetupResult) error {
	f.saved = append(f.saved, r)
	return nil
}

func TestSetupStandaloneShopToFinish(t *testing.T) {
	ctx := context.Background()
	f := &setupFakes{found: []FoundDevice{{ID: "usb:04b8:0e28", Kind: "printer", Label: "EPSON TM-T20III"}}}
	s := NewSetup(SetupDeps{Devices: f, Store: f, DemoPINs: []string{"1111", "2222", "3333", "4444"}}, SetupResult{})
	if _, err := s.Finish(ctx); pos.ErrorCode(err) != pos.EInvalid || len(f.saved) != 0 {
		t.Fatalf("Finish before any step = %v, saved %d", err, len(f.saved))
	}
	if err := s.SetLanguage("fr"); err == nil {
		t.Error("an untranslated language was accepted")
	}
	if err := s.SetLanguage("de"); err != nil {
		t.Fatal(err)
	}
	if err := s.ConnectHeadOffice(ctx, "ABCD-1234"); pos.ErrorCode(err) != pos.EUnavailable {
		t.Errorf("enrolling with no enroller = %v", err)
	}
	for _, bad := range []ShopSetup{{Currency: "EUR", TaxMode: pos.TaxInclusive},
		{Name: "Laden", Currency: "XYZ", TaxMode: pos.TaxInclusive}, {Name: "Laden", Currency: "EUR"}} {
		if err := s.Standalone(bad); pos.ErrorCode(err) != pos.EInvalid {
			t.Errorf("Standalone(%+v) = %v", bad, err)
		}
	}
	if err := s.Standalone(ShopSetup{Name: " Laden ", Address: "Gasse 2", VATID: "DE1", Currency: "eur", TaxMode: pos.TaxInclusive}); err != nil {
		t.Fatal(err)
	}
	if err := s.TestDrawer(ctx); pos.ErrorCode(err) != pos.EInvalid {
		t.Errorf("drawer before printer = %v", err)
	}
	found, _ := s.Discover(ctx)
	f.failPr = pos.Errorf(pos.EUnavailable, "The printer is out of paper.")
	if err := s.TestPrinter(ctx, found[0].ID); err == nil || s.Result().Printer != "" {
		t.Fatalf("a failed test page chose the printer: %v", err)
	}
	f.failPr = nil
	if err := s.TestPrinter(ctx, found[0].ID); err != nil || len(f.printed) != 1 || f.printed[0].Blocks[0].Text != "Laden" {
		t.Fatalf("test page: %v %v", err, f.printed)
	}
	if err := s.TestDrawer(ctx); err != nil || f.drawers != 1 {
		t.Fatalf("drawer: %v", err)
	}
	if err := s.Scanned(""); err == nil {
		t.Error("an empty scan passed")
	}
	s.Skip("scanner")
	for _, pin := range []string{"1111", "4444", "999", "1234567", "12a4", "7777"} {
		if err := s.SetOwner("Olga", pin); pos.ErrorCode(err) != pos.EInvalid {
			t.Errorf("owner PIN %q = %v", pin, err)
		}
	}
	if err := s.SetOwner("Olga", "5829"); err != nil {
		t.Fatal(err)
	}
	r, err := s.Finish(ctx)
	if err != nil || !r.Complete || len(f.saved) != 1 || !f.saved[0].Complete {
		t.Fatalf("Finish = %+v, %v; saved %d", r, err, len(f.saved))
	}
	got := f.saved[0]
	if got.Shop.Name != "Laden" || got.Shop.Currency != "EUR" || got.Language != "de" || got.Printer != found[0].ID || !got.DrawerTested || got.Scanned || len(got.Devices) != 1 {
		t.Errorf("saved %+v", got)
	}
	params, salt, hash, err := pinhash.Decode(got.OwnerPINHash)
	if err != nil || !pinhash.Match(params, salt, hash, "5829") || pinhash.Match(params, salt, hash, "5828") {
		t.Errorf("owner PIN hash does not match the PIN: %v", err)
	}
	// A re-run starts from the saved answers, not complete until finished again.
	again := NewSetup(SetupDeps{Store: f}, got)
	if again.Result().Complete || again.Result().Shop.Name != "Laden" {
		t.Errorf("re-run starts from %+v", again.Result())
	}
}

type fakeEnroller struct{ got string }

func (e *fakeEnroller) Enroll(_ context.Context, s string) (EnrolledHeadOffice, error) {
	e.got = s
	if s == "bad" {
		return EnrolledHeadOffice{}, pos.Errorf(pos.EInvalid, "The head office does not know that code.")
	}
	return EnrolledHeadOffice{URL: "https://ho:8443", RegisterID: "r-7", StoreID: "s-2", StoreName: "Filiale Mitte"}, nil
}

func TestSetupConnectHeadOffice(t *testing.T) {
	e := &fakeEnroller{}
	s := NewSetup(SetupDeps{Enroll: e}, SetupResult{})
	if err := s.ConnectHeadOffice(context.Background(), "  "); pos.ErrorCode(err) != pos.EInvalid {
		t.Errorf("empty code = %v", err)
	}
	if err := s.ConnectHeadOffice(context.Background(), "bad"); err == nil || s.Result().HeadOffice != nil {
		t.Errorf("refused code = %v", err)
	}
	if err := s.ConnectHeadOffice(context.Background(), " till-enroll://ho:8443?code=K7&fp=sha256:ab "); err != nil {
		t.Fatal(err)
	}
	if e.got != "till-enroll://ho:8443?code=K7&fp=sha256:ab" || s.Result().HeadOffice.RegisterID != "r-7" || s.Result().Shop.Name != "Filiale Mitte" {
		t.Errorf("enrolled %+v via %q", s.Result(), e.got)
	}
}
