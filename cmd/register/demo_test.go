package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEmptyRegisterHasNoKnownPINs: without -demo a fresh register database
// gets no catalog and no employees (the demo's PINs 1111-4444 log no one in),
// and the log says how to get staff.
func TestEmptyRegisterHasNoKnownPINs(t *testing.T) {
	ctx := context.Background()
	cfg, err := loadConfig([]string{"-data", t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Demo {
		t.Fatal("demo mode is on without -demo")
	}
	var logged bytes.Buffer
	db, err := openStore(ctx, cfg.DataDir, cfg.Register.ID, cfg.Demo, slog.New(slog.NewTextHandler(&logged, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	emps, err := db.Employees(ctx)
	if err != nil || len(emps) != 0 {
		t.Fatalf("employees of a fresh non-demo register = %v (err %v), want none", emps, err)
	}
	if n, _ := db.ProductCount(ctx); n != 0 {
		t.Fatalf("a fresh non-demo register has %d products, want 0", n)
	}
	for _, pin := range []string{"1111", "2222", "3333", "4444"} {
		if e, err := db.VerifyPIN(ctx, pin); err == nil {
			t.Errorf("PIN %s logs in %s on a fresh non-demo register", pin, e.Name)
		}
	}
	for _, want := range []string{"no employees", "register enroll", "register import-catalog"} {
		if !strings.Contains(logged.String(), want) {
			t.Errorf("start-up log lacks %q:\n%s", want, logged.String())
		}
	}
}

// TestDemoModeSeedsTheDemoCatalog: -demo or "demo": true (make run) loads the
// demo catalog and staff into an empty database.
func TestDemoModeSeedsTheDemoCatalog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "register.json")
	if err := os.WriteFile(path, []byte(`{"demo": true}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"-demo"}, {"-config", path}} {
		cfg, err := loadConfig(append(args, "-data", t.TempDir()))
		if err != nil {
			t.Fatal(err)
		}
		if !cfg.Demo {
			t.Fatalf("%v: demo mode off", args)
		}
	}
	db, err := openStore(ctx, t.TempDir(), "R1", true, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if e, err := db.VerifyEmployeePIN(ctx, "emp-dana", "4444"); err != nil || e.Name != "Dana" {
		t.Fatalf("demo owner Dana with 4444: %v %v", e, err)
	}
	if n, _ := db.ProductCount(ctx); n < 50 {
		t.Fatalf("demo catalog has %d products", n)
	}
}

// TestImportCatalogSubcommand: `register import-catalog FILE` gives a
// register that is not enrolled its products and staff.
func TestImportCatalogSubcommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "catalog.json")
	if err := os.WriteFile(file, []byte(`{"version": 1,
		"tax_rates": [{"id": "std", "name": "VAT 19 %", "basis_points": 1900}],
		"categories": [],
		"products": [{"id": "p1", "name": "Tea", "price": 250, "tax_rate": "std", "barcodes": ["4000000000006"]}],
		"employees": [{"id": "owner", "name": "Olga", "role": "owner", "pin": "9157"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := importCatalog([]string{"-data", dir, file}); err != nil {
		t.Fatal(err)
	}
	if err := importCatalog([]string{"-data", dir, filepath.Join(dir, "missing.json")}); err == nil {
		t.Fatal("a missing file imported")
	}
	ctx := context.Background()
	db, err := openStore(ctx, dir, "R1", false, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if e, err := db.VerifyEmployeePIN(ctx, "owner", "9157"); err != nil || e.Name != "Olga" {
		t.Fatalf("imported owner: %v %v", e, err)
	}
}
