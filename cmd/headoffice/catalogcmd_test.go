package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tillpos/till/app/pos/catalogfile"
)

func TestParseMinor(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"1.29": 129, "1,29": 129, "3": 300, "0.5": 50, "12.05": 1205, " 2.00 ": 200} {
		if got, err := parseMinor(in); err != nil || got != want {
			t.Errorf("parseMinor(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1.299", "-1", "+1", "abc", "1.-5", ".5", "1e3"} {
		if got, err := parseMinor(in); err == nil {
			t.Errorf("parseMinor(%q) = %d, want an error", in, got)
		}
	}
}

func TestCatalogCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	catalog := filepath.Join(dir, "catalog.json")
	if err := os.WriteFile(catalog, []byte(`{"version": 1,
		"tax_rates": [{"id": "std", "name": "Standard", "basis_points": 1900}], "categories": [],
		"products": [{"id": "cola", "name": "Cola", "price": 129, "tax_rate": "std", "barcodes": ["4000000000006"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := func(wantCode int, args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		args = append(args, "-data", dir)
		code := -1
		if args[0] == "stores" {
			code = admin(ctx, args, &out, &errOut)
		} else {
			code = catalogAdmin(ctx, args, &out, &errOut)
		}
		if code != wantCode {
			t.Fatalf("%v: exit %d, want %d\n%s%s", args, code, wantCode, out.String(), errOut.String())
		}
		return out.String() + errOut.String()
	}
	cmd(0, "stores", "add", "--id", "S01", "--name", "Berlin")
	// -data comes after the file: flags may follow arguments.
	if out := cmd(0, "products", "import", catalog); !strings.Contains(out, "imported") {
		t.Errorf("import said %q", out)
	}
	if out := cmd(1, "prices", "set", "--store", "S01", "--product", "cola", "--price", "1.299"); !strings.Contains(out, "want an amount") {
		t.Errorf("bad price said %q", out)
	}
	if out := cmd(1, "prices", "set", "--store", "S01", "--product", "nope", "--price", "1"); !strings.Contains(out, "unknown product") {
		t.Errorf("unknown product said %q", out)
	}
	cmd(0, "prices", "set", "--store", "S01", "--product", "cola", "--price", "0.99")
	if out := cmd(1, "employees", "add", "--id", "ann", "--name", "Ann", "--role", "boss", "--pin", "1234"); !strings.Contains(out, "role") {
		t.Errorf("bad role said %q", out)
	}
	cmd(0, "employees", "add", "--id", "ann", "--name", "Ann", "--role", "manager", "--pin", "4711")
	cmd(0, "settings", "set", "-data", dir, "store_name", "Till Berlin")

	st, _, err := openStore(ctx, config{dataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	page, err := st.CatalogChanges(ctx, "S01", 0, 0)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, c := range page.Changes {
		kinds = append(kinds, c.Kind)
		switch c.Kind {
		case catalogfile.KindProduct:
			var p catalogfile.Product
			json.Unmarshal(c.Data, &p)
			if p.Price != 99 {
				t.Errorf("S01's cola costs %d, want 99", p.Price)
			}
		case catalogfile.KindEmployee:
			if strings.Contains(string(c.Data), "4711") || !strings.Contains(string(c.Data), "pin_hash") {
				t.Errorf("employee travels as %s", c.Data)
			}
		}
	}
	if got := strings.Join(kinds, ","); got != "tax_rate,product,product,employee,setting" {
		t.Errorf("change kinds %s", got)
	}
	if out := cmd(0, "changes", "prune", "--older-than", "-1h"); !strings.Contains(out, "dropped") {
		t.Errorf("prune said %q", out)
	}
}

func TestAdminTokenIsMadeOnceAndKeptPrivate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tok, created, err := loadOrCreateAdminToken(dir)
	if err != nil || !created || len(tok) < 40 {
		t.Fatalf("first start: %q %v %v", tok, created, err)
	}
	again, created, err := loadOrCreateAdminToken(dir)
	if err != nil || created || again != tok {
		t.Fatalf("second start: %q %v %v, want the same token, not created", again, created, err)
	}
	fi, err := os.Stat(filepath.Join(dir, adminTokenFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file %v %v, want mode 0600", fi.Mode(), err)
	}
}
