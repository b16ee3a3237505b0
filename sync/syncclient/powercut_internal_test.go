package syncclient

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/tillpos/till/store/powercut"
	"github.com/tillpos/till/store/testseed"
)

// TestCredentialsSurvivePowerCut: once writeFile0600 returns, the file holds
// the new bytes after a power cut, however the cut falls. Before the fsync
// and the directory fsync were added, a cut left enrollment.json empty or
// missing: the register could not start and had to be enrolled again.
func TestCredentialsSurvivePowerCut(t *testing.T) {
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
			data := bytes.Repeat([]byte(`{"register_id":"R1"}`), 300)
			if err := writeFile0600(filepath.Join(mnt, CredentialsFile), data); err != nil {
				t.Fatal(err)
			}
			if err := pc.Unmount(); err != nil {
				t.Fatal(err)
			}
			if _, err := pc.Cut(mode, testseed.Rand(seed, 1)); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(backing, CredentialsFile))
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("after a %v power cut: %d bytes, %v; want the %d written", mode, len(got), err, len(data))
			}
		})
	}
}
