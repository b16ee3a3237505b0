package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/devices"
	"github.com/tillpos/till/hardware/devicesim"
)

// TestSetupWritesRegisterJSONAndOwner: the wizard's use case on this
// register's ports, against the printer simulator on TCP: the test page is
// decoded by the simulator, the drawer kicked, register.json written with
// the complete marker (read back without -config), and the owner can log in
// with the PIN chosen.
func TestSetupWritesRegisterJSONAndOwner(t *testing.T) {
	sim := devicesim.NewPrinterSim(t.TempDir())
	if err := sim.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- sim.Run(context.Background()) }()
	t.Cleanup(func() { sim.Close(); <-done })

	dir := t.TempDir()
	cfg, err := loadConfig([]string{"-data", dir, "-printer", sim.Addr()})
	if err != nil {
		t.Fatal(err)
	}
	if !needsSetup(cfg) {
		t.Fatal("a fresh register does not need setup")
	}
	if demo, _ := loadConfig([]string{"-data", dir, "-demo"}); needsSetup(demo) {
		t.Error("a demo register starts the wizard")
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	ports := newSetupPorts(cfg, log)
	s := register.NewSetup(ports.deps(), register.SetupResult{})
	ctx := context.Background()
	if err := s.SetLanguage("de"); err != nil {
		t.Fatal(err)
	}
	if err := s.Standalone(register.ShopSetup{Name: "Blumen Berta", Address: "Lindenweg 3", VATID: "DE811234567", Currency: "EUR", TaxMode: pos.TaxInclusive}); err != nil {
		t.Fatal(err)
	}
	found, _ := s.Discover(ctx) // USB and serial discovery may fail here; the network printer is listed
	id := ""
	for _, f := range found {
		if f.ID == "tcp:"+sim.Addr() {
			id = f.ID
		}
	}
	if id == "" {
		t.Fatalf("the configured network printer is not offered: %+v", found)
	}
	if err := s.TestPrinter(ctx, id); err != nil {
		t.Fatal(err)
	}
	rc, err := sim.WaitReceipt(1, 10*time.Second)
	if err != nil || !rc.Contains("Blumen Berta") || !rc.Contains("Test page") {
		t.Fatalf("test page on the simulator: %v\n%s", err, rc.Text())
	}
	if err := s.TestDrawer(ctx); err != nil {
		t.Fatal(err)
	}
	if len(sim.DrawerKicks()) != 1 {
		t.Errorf("drawer kicks = %d, want 1", len(sim.DrawerKicks()))
	}
	if err := s.SetOwner("Berta Blum", "5829"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Finish(ctx); err != nil {
		t.Fatal(err)
	}

	raw, err := os.ReadFile(filepath.Join(dir, "register.json"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "5829") {
		t.Error("register.json holds the PIN")
	}
	again, err := loadConfig([]string{"-data", dir})
	if err != nil {
		t.Fatal(err)
	}
	if needsSetup(again) || again.Store.Name != "Blumen Berta" || again.Store.Locale != "de" ||
		len(again.Store.Lines) != 2 || again.Store.Lines[1] != "VAT ID DE811234567" {
		t.Fatalf("config after setup: %+v setup %+v", again.Store, again.Setup)
	}
	ds := deviceConfigs(again)
	if len(ds) != 1 || ds[0].Kind != devices.KindPrinter || ds[0].Address != sim.Addr() {
		t.Errorf("devices after setup: %+v", ds)
	}
	db, err := openStore(ctx, again.DataDir, again.Register.ID, false, log)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if e, err := db.VerifyEmployeePIN(ctx, "owner", "5829"); err != nil || e.Name != "Berta Blum" || e.Role != register.RoleOwner {
		t.Errorf("owner login: %+v %v", e, err)
	}
	if _, err := db.VerifyEmployeePIN(ctx, "owner", "1111"); err == nil {
		t.Error("a demo PIN logs the owner in")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".register-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}
