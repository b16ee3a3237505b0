package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/tillpos/till/store/powercut"
	"github.com/tillpos/till/store/testseed"
)

// TestCreateOnceSurvivesPowerCut: a file createOnce reported created (the
// admin token, the TLS key and certificate) is whole after a power cut.
// Without the directory fsync the cut took the new name away: the head
// office restarted without the token it had printed, or with a key and no
// certificate.
func TestCreateOnceSurvivesPowerCut(t *testing.T) {
	if why := powercut.Available(); why != "" {
		t.Skip("power cuts need FUSE as root: " + why)
	}
	seed := testseed.For(t)
	for _, mode := range powercut.Modes {
		t.Run(mode.String(), func(t *testing.T) {
			backing, mnt := t.TempDir(), t.TempDir()
			pc, err := powercut.New(backing)
			if err != nil {
				t.Fatal(err)
			}
			if err := pc.Mount(mnt); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { pc.Unmount() })
			data := bytes.Repeat([]byte("token-"), 100)
			won, err := createOnce(filepath.Join(mnt, "admin-token"), data, 0o600)
			if err != nil || !won {
				t.Fatalf("createOnce: %v, %v", won, err)
			}
			if err := pc.Unmount(); err != nil {
				t.Fatal(err)
			}
			if _, err := pc.Cut(mode, testseed.Rand(seed, 1)); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(backing, "admin-token"))
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("after a %v power cut: %d bytes, %v; want the %d created", mode, len(got), err, len(data))
			}
		})
	}
}
