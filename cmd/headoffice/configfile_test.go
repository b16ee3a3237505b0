package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "headoffice.json")
	if err := os.WriteFile(p, []byte(body), 0o640); err != nil {
		t.Fatal(err)
	}
	return p
}

// The packaged unit runs "headoffice -config /etc/till/headoffice.json":
// the file sets the flags, a flag on the command line wins, and a typo is
// an error rather than a silent default.
func TestConfigFile(t *testing.T) {
	t.Parallel()
	p := writeConfig(t, `{"addr": "0.0.0.0:8443", "data": "/var/lib/till-headoffice", "insecure-loopback": false, "url": "https://hq:8443"}`)
	c, err := parseFlags([]string{"-config", p}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.addr != "0.0.0.0:8443" || c.dataDir != "/var/lib/till-headoffice" || c.insecureLoopback {
		t.Errorf("from file: %+v", c)
	}
	c, err = parseFlags([]string{"-addr", "127.0.0.1:9", "-config", p}, io.Discard)
	if err != nil || c.addr != "127.0.0.1:9" || c.dataDir != "/var/lib/till-headoffice" {
		t.Errorf("flag must win over file: %+v %v", c, err)
	}
	for _, tc := range []struct{ body, want string }{
		{`{"adr": "x:1", "data": "/d"}`, `unknown setting "adr"`},
		{`{"data": 5}`, `"data" must be a string`},
		{`{"addr": "nohostport", "data": "/d"}`, `want host:port`},
		{`{"insecure-loopback": "perhaps", "data": "/d"}`, `"insecure-loopback"`},
		{`{"data": "/d"`, `unexpected EOF`},
		{`{"data": "` + strings.Repeat("x", maxConfigSize) + `"}`, "larger than"},
	} {
		if _, err := parseFlags([]string{"-config", writeConfig(t, tc.body)}, io.Discard); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.40s: err %v, want %q", tc.body, err, tc.want)
		}
	}
	if _, err := parseFlags([]string{"-config", filepath.Join(t.TempDir(), "missing.json")}, io.Discard); err == nil {
		t.Error("a missing config file was accepted")
	}
}

// The admin commands read the same file: its data directory and url.
func TestAdminReadsConfigFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := writeConfig(t, `{"addr": "0.0.0.0:8443", "data": "`+dir+`", "url": "https://hq.shop.example:8443"}`)
	var out, errOut bytes.Buffer
	ctx := context.Background()
	if code := admin(ctx, []string{"stores", "add", "--id", "S1", "--name", "B", "-config", p}, &out, &errOut); code != 0 {
		t.Fatalf("stores add: %s", errOut.String())
	}
	if code := admin(ctx, []string{"registers", "add", "--store", "S1", "-config", p}, &out, &errOut); code != 0 {
		t.Fatalf("registers add: %s", errOut.String())
	}
	if !strings.Contains(out.String(), "-headoffice https://hq.shop.example:8443 ") {
		t.Errorf("url from the file not used:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "headoffice.db")); err != nil {
		t.Errorf("data directory from the file not used: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "enroll-S1-R01.png")); err != nil {
		t.Errorf("QR PNG not in the data directory: %v", err)
	}
}
