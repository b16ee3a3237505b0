package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigDefaultsAreValid(t *testing.T) {
	cfg, err := loadConfig(nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Register.ID != "S01R01" || !filepath.IsAbs(cfg.DataDir) {
		t.Fatalf("defaults %+v", cfg)
	}
}

func TestConfigFileAndFlags(t *testing.T) {
	path := filepath.Join(t.TempDir(), "register.json")
	os.WriteFile(path, []byte(`{"register":{"code":"B2R3"},"store":{"id":"B2","name":"Bäckerei","currency":"EUR","tax_mode":"inclusive","locale":"de"},
		"printer":{"kind":"escpos-tcp","address":"10.0.0.9:9100","profile":"58mm"}}`), 0o600)
	cfg, err := loadConfig([]string{"-config", path, "-headoffice", "http://127.0.0.1:8080", "-printer", "none", "-fullscreen"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Register.Code != "B2R3" || cfg.Store.Locale != "de" || cfg.Printer.Kind != "none" || cfg.HeadOffice.URL == "" || !cfg.FullScreen {
		t.Fatalf("got %+v", cfg)
	}
}

func TestConfigBadInputGetsClearErrors(t *testing.T) {
	dir := t.TempDir()
	n := 0
	write := func(body string) string {
		n++
		p := filepath.Join(dir, fmt.Sprintf("c%d.json", n))
		os.WriteFile(p, []byte(body), 0o600)
		return p
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"missing file", []string{"-config", filepath.Join(dir, "nope.json")}, []string{"no such file"}},
		{"not JSON", []string{"-config", write(`{register:`)}, []string{"c1.json", "invalid character"}},
		{"unknown field", []string{"-config", write(`{"printr":{}}`)}, []string{"unknown field"}},
		{"every problem at once", []string{"-config", write(`{"register":{"code":"bad code!"},"store":{"name":" ","currency":"EUROS","tax_mode":"gross","locale":"xx"},"printer":{"kind":"escpos-tcp","address":"nowhere","profile":"99mm"}}`)},
			[]string{"register.code", "store.name", "store.currency", "store.tax_mode", "store.locale", "printer.address", "printer.profile"}},
		{"bad head office URL", []string{"-headoffice", "ftp://x"}, []string{"headoffice.url"}},
		{"customer retention out of range", []string{"-config", write(`{"store":{"customer_retention_days":-1}}`)}, []string{"store.customer_retention_days"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadConfig(tt.args)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q: %v", w, err)
				}
			}
		})
	}
}
