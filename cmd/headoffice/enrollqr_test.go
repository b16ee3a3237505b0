package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tillpos/till/sync/syncproto"
)

// registers add prints the enrollment QR in the terminal and writes it as a
// PNG; both must carry exactly the link a register parses back to the URL,
// code and fingerprint printed beside them. QR encoding is deterministic,
// so the drawing is checked module by module against the expected payload.
func TestRegistersAddPrintsEnrollQR(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := admin(ctx, []string{"stores", "add", "--id", "S1", "--name", "Berlin", "-data", dir}, &out, &errOut); code != 0 {
		t.Fatalf("stores add: %d %s", code, errOut.String())
	}
	out.Reset()
	pngPath := filepath.Join(t.TempDir(), "enroll.png")
	args := []string{"registers", "add", "--store", "S1", "--url", "https://hq.example.com:8443", "--qr", pngPath, "-data", dir}
	if code := admin(ctx, args, &out, &errOut); code != 0 {
		t.Fatalf("registers add: %d %s", code, errOut.String())
	}
	m := regexp.MustCompile(`-headoffice (\S+) -code (\S+) -fingerprint ([0-9a-f]{64})`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("registers add printed:\n%s", out.String())
	}
	want := syncproto.EnrollLink{URL: m[1], Code: m[2], Fingerprint: m[3]}
	if want.URL != "https://hq.example.com:8443" {
		t.Fatalf("URL %q", want.URL)
	}
	q, err := enrollQR(want)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := syncproto.ParseEnrollLink(q.Content); err != nil || got != want {
		t.Fatalf("QR content %q parses to %+v, %v; want %+v", q.Content, got, err, want)
	}
	var drawn bytes.Buffer
	if err := writeTerminalQR(&drawn, q); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), drawn.String()) {
		t.Errorf("the terminal QR is not the one for %q:\n%s", q.Content, out.String())
	}
	bits := q.Bitmap()
	if rows := strings.Count(drawn.String(), "\n"); rows != (len(bits)+1)/2 {
		t.Errorf("%d terminal rows for %d modules", rows, len(bits))
	}
	if !strings.Contains(out.String(), "QR code image: "+pngPath) {
		t.Errorf("PNG path not printed:\n%s", out.String())
	}
	f, err := os.Open(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if fi, _ := f.Stat(); fi.Mode().Perm() != 0o600 {
		t.Errorf("PNG mode %v, want 0600 (it holds a live code)", fi.Mode().Perm())
	}
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// Sample the centre of every module of the PNG.
	size := img.Bounds().Dx()
	mod := float64(size) / float64(len(bits))
	for y := range bits {
		for x := range bits[y] {
			r, _, _, _ := img.At(int((float64(x)+0.5)*mod), int((float64(y)+0.5)*mod)).RGBA()
			if dark := r < 0x8000; dark != bits[y][x] {
				t.Fatalf("PNG module (%d,%d) dark=%v, want %v", x, y, dark, bits[y][x])
			}
		}
	}

	out.Reset()
	if code := admin(ctx, []string{"registers", "add", "--store", "S1", "--qr", "none", "-data", dir}, &out, &errOut); code != 0 {
		t.Fatalf("registers add --qr none: %d %s", code, errOut.String())
	}
	if strings.Contains(out.String(), "QR code image") || !strings.Contains(out.String(), "█") {
		t.Errorf("--qr none must print the QR but write no file:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "enroll-S1-R02.png")); err == nil {
		t.Error("--qr none wrote a PNG")
	}
}
