package powercut_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/tillpos/till/store/powercut"
	"github.com/tillpos/till/store/testseed"
)

// mounted mounts a fresh power-cut file system, skipping only where FUSE
// cannot mount. It unmounts at the end of the test.
func mounted(t *testing.T) (pc *powercut.FS, mnt, backing string) {
	t.Helper()
	if why := powercut.Available(); why != "" {
		t.Skip("powercut needs FUSE as root: " + why)
	}
	backing, mnt = t.TempDir(), t.TempDir()
	pc, err := powercut.New(backing)
	if err != nil {
		t.Fatal(err)
	}
	if err := pc.Mount(mnt); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Unmount() })
	return pc, mnt, backing
}

// syncDir fsyncs a directory: the names created in it become durable.
func syncDir(t *testing.T, dir string) {
	t.Helper()
	d, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		t.Fatal(err)
	}
}

// step is one thing done to the file "f" before the cut.
type step struct {
	write []byte // written at off
	off   int64
	trunc int64 // >= 0 with no write: truncate to it
	sync  bool
}

func w(off int64, s string) step { return step{write: []byte(s), off: off, trunc: -1} }
func tr(n int64) step            { return step{trunc: n} }
func fsync() step                { return step{sync: true, trunc: -1} }

// model applies steps to a byte slice the way a disk would.
func apply(b []byte, s step) []byte {
	if s.write != nil {
		if end := s.off + int64(len(s.write)); end > int64(len(b)) {
			b = append(b, make([]byte, end-int64(len(b)))...)
		}
		copy(b[s.off:], s.write)
		return b
	}
	if s.trunc >= 0 {
		if s.trunc <= int64(len(b)) {
			return b[:s.trunc]
		}
		return append(b, make([]byte, s.trunc-int64(len(b)))...)
	}
	return b
}

// outcomes lists every content the file may have after a cut in mode: the
// synced state plus each prefix of the unsynced steps (and, torn, each
// proper part of the next write).
func outcomes(steps []step, mode powercut.Mode) (synced []byte, possible [][]byte) {
	var pending []step
	for _, s := range steps {
		if s.sync {
			for _, p := range pending {
				synced = apply(synced, p)
			}
			pending = nil
			continue
		}
		pending = append(pending, s)
	}
	clone := func(b []byte) []byte { return append([]byte{}, b...) }
	possible = [][]byte{clone(synced)}
	if mode == powercut.DropAll {
		return synced, possible
	}
	cur := clone(synced)
	for _, p := range pending {
		if mode == powercut.Torn && p.write != nil {
			for n := 1; n < len(p.write); n++ {
				possible = append(possible, apply(clone(cur), step{write: p.write[:n], off: p.off, trunc: -1}))
			}
		}
		cur = apply(cur, p)
		possible = append(possible, clone(cur))
	}
	return synced, possible
}

var cases = []struct {
	name  string
	steps []step
}{
	{"nothing synced", []step{w(0, "hello"), w(5, " world")}},
	{"write fsync write", []step{w(0, "synced"), fsync(), w(6, "-lost")}},
	{"overwrite after fsync", []step{w(0, "AAAAAAAA"), fsync(), w(2, "bb"), w(4, "cc")}},
	{"truncate after fsync", []step{w(0, "0123456789"), fsync(), tr(3), w(3, "x")}},
	{"extend past end", []step{w(0, "ab"), fsync(), w(10, "far"), tr(20)}},
	{"all synced", []step{w(0, "one"), w(3, "two"), fsync()}},
	{"two syncs", []step{w(0, "first"), fsync(), w(0, "second"), fsync(), w(0, "THIRD-unsynced")}},
	{"many small writes", []step{w(0, "a"), w(1, "b"), w(2, "c"), w(3, "d"), fsync(), w(4, "e"), w(5, "f"), w(6, "g"), w(1, "ZZZZ")}},
}

// TestCutLosesOnlyUnsynced: after a cut a file holds its synced content plus,
// per mode, nothing / a prefix / a prefix and a torn write of what followed:
// never less than was synced, never a write without those before it. Reads
// before the cut see every write.
func TestCutLosesOnlyUnsynced(t *testing.T) {
	seed := testseed.For(t)
	for _, mode := range powercut.Modes {
		for i, c := range cases {
			t.Run(mode.String()+"/"+c.name, func(t *testing.T) {
				pc, mnt, backing := mounted(t)
				f, err := os.OpenFile(filepath.Join(mnt, "f"), os.O_RDWR|os.O_CREATE, 0o644)
				if err != nil {
					t.Fatal(err)
				}
				syncDir(t, mnt)
				var all []byte
				for _, s := range c.steps {
					switch {
					case s.sync:
						err = f.Sync()
					case s.write != nil:
						_, err = f.WriteAt(s.write, s.off)
					default:
						err = f.Truncate(s.trunc)
					}
					if err != nil {
						t.Fatal(err)
					}
					all = apply(all, s)
				}
				// Page-cache semantics: a reader sees every write, synced or not.
				if got, err := os.ReadFile(filepath.Join(mnt, "f")); err != nil || !bytes.Equal(got, all) {
					t.Fatalf("read before cut = %q, %v; want %q", got, err, all)
				}
				f.Close()
				if err := pc.Unmount(); err != nil {
					t.Fatal(err)
				}
				rep, err := pc.Cut(mode, testseed.Rand(seed, uint64(i)))
				if err != nil {
					t.Fatal(err)
				}
				got, err := os.ReadFile(filepath.Join(backing, "f"))
				if err != nil {
					t.Fatal(err)
				}
				synced, possible := outcomes(c.steps, mode)
				if !bytes.HasPrefix(got, synced[:min(len(synced), len(got))]) && !contains(possible, got) {
					t.Fatalf("after cut: %q lost synced data %q", got, synced)
				}
				if !contains(possible, got) {
					t.Fatalf("after %v cut: %q is none of the allowed %q", mode, got, possible)
				}
				if mode == powercut.DropAll && !bytes.Equal(got, synced) {
					t.Fatalf("drop-all: %q, want the synced %q", got, synced)
				}
				if err := pc.Mount(mnt); err != nil {
					t.Fatal(err)
				}
				if again, err := os.ReadFile(filepath.Join(mnt, "f")); err != nil || !bytes.Equal(again, got) {
					t.Fatalf("remounted read %q, %v; want %q", again, err, got)
				}
				t.Logf("%+v", rep)
			})
		}
	}
}

func contains(list [][]byte, b []byte) bool {
	for _, x := range list {
		if bytes.Equal(x, b) {
			return true
		}
	}
	return false
}

// TestModesReachEveryOutcome: over seeds, keep-prefix and torn each produce
// more than one outcome (they are not drop-all in disguise), torn tears some
// writes and drop-all always loses everything unsynced.
func TestModesReachEveryOutcome(t *testing.T) {
	seed := testseed.For(t)
	steps := []step{w(0, "synced!"), fsync(), w(7, "-one"), w(11, "-two"), w(15, "-three")}
	for _, mode := range powercut.Modes {
		seen := map[string]bool{}
		var torn, lost int
		pc, mnt, backing := mounted(t)
		for k := range 12 {
			name := filepath.Join(mnt, "f")
			os.Remove(name)
			f, err := os.Create(name)
			if err != nil {
				t.Fatal(err)
			}
			syncDir(t, mnt)
			for _, s := range steps {
				if s.sync {
					f.Sync()
				} else {
					f.WriteAt(s.write, s.off)
				}
			}
			f.Close()
			if err := pc.Unmount(); err != nil {
				t.Fatal(err)
			}
			rep, err := pc.Cut(mode, testseed.Rand(seed, uint64(k)))
			if err != nil {
				t.Fatal(err)
			}
			torn += rep.TornWrites
			lost += rep.LostWrites
			got, _ := os.ReadFile(filepath.Join(backing, "f"))
			seen[string(got)] = true
			if err := pc.Mount(mnt); err != nil {
				t.Fatal(err)
			}
		}
		switch mode {
		case powercut.DropAll:
			if len(seen) != 1 || !seen["synced!"] || lost != 12*3 {
				t.Errorf("drop-all: outcomes %q, %d writes lost; want only the synced content, 36 lost", keys(seen), lost)
			}
		case powercut.KeepPrefix:
			if len(seen) < 2 || torn != 0 {
				t.Errorf("keep-prefix: outcomes %q, %d torn", keys(seen), torn)
			}
		case powercut.Torn:
			if len(seen) < 2 || torn == 0 {
				t.Errorf("torn: outcomes %q, %d torn", keys(seen), torn)
			}
		}
	}
}

func keys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// TestSameSeedSameCut: a cut is a function of the writes and the seed.
func TestSameSeedSameCut(t *testing.T) {
	seed := testseed.For(t)
	run := func() []byte {
		pc, mnt, backing := mounted(t)
		f, err := os.Create(filepath.Join(mnt, "f"))
		if err != nil {
			t.Fatal(err)
		}
		syncDir(t, mnt)
		rng := rand.New(rand.NewPCG(seed, 99))
		for range 40 {
			buf := make([]byte, 1+rng.IntN(300))
			for i := range buf {
				buf[i] = byte('a' + rng.IntN(26))
			}
			f.WriteAt(buf, int64(rng.IntN(2000)))
			if rng.IntN(8) == 0 {
				f.Sync()
			}
		}
		f.Close()
		if err := pc.Unmount(); err != nil {
			t.Fatal(err)
		}
		if _, err := pc.Cut(powercut.Torn, testseed.Rand(seed, 1)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(backing, "f"))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if a, b := run(), run(); !bytes.Equal(a, b) {
		t.Fatalf("seed %d: two cuts of the same writes differ (%d vs %d bytes)", seed, len(a), len(b))
	}
}

// TestRenameKeepsPageCache: the page cache follows the inode: a file written
// then renamed loses its unsynced data under the new name; synced data
// survives the rename. O_TRUNC and O_APPEND go through the page cache too.
func TestRenameKeepsPageCache(t *testing.T) {
	pc, mnt, backing := mounted(t)
	if err := os.WriteFile(filepath.Join(mnt, "a.tmp"), []byte("unsynced"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(mnt, "a.tmp"), filepath.Join(mnt, "a")); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(mnt, "b.tmp"))
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("synced")
	f.Sync()
	f.Close()
	if err := os.Rename(filepath.Join(mnt, "b.tmp"), filepath.Join(mnt, "b")); err != nil {
		t.Fatal(err)
	}
	syncDir(t, mnt) // the names are durable; only data is at stake below
	// c: synced, then reopened with O_TRUNC and appended to, unsynced.
	if err := os.WriteFile(filepath.Join(mnt, "c"), []byte("old content"), 0o644); err != nil {
		t.Fatal(err)
	}
	if f, err := os.OpenFile(filepath.Join(mnt, "c"), os.O_RDWR, 0); err == nil {
		f.Sync()
		f.Close()
	}
	syncDir(t, mnt)
	f, err = os.OpenFile(filepath.Join(mnt, "c"), os.O_WRONLY|os.O_TRUNC|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("new")
	f.WriteString("+more")
	f.Close()
	if got, _ := os.ReadFile(filepath.Join(mnt, "c")); string(got) != "new+more" {
		t.Fatalf("c before cut = %q", got)
	}
	if err := pc.Unmount(); err != nil {
		t.Fatal(err)
	}
	if _, err := pc.Cut(powercut.DropAll, nil); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"a": "", "b": "synced", "c": "old content"} {
		if got, err := os.ReadFile(filepath.Join(backing, name)); err != nil || string(got) != want {
			t.Errorf("%s after cut = %q, %v; want %q", name, got, err, want)
		}
	}
}

// TestCutRefusedWhileMounted: the kernel's page cache would still show what
// the cut dropped.
func TestCutRefusedWhileMounted(t *testing.T) {
	pc, _, _ := mounted(t)
	if _, err := pc.Cut(powercut.DropAll, nil); err == nil {
		t.Fatal("cut while mounted was accepted")
	}
}

// TestNamesNeedDirectoryFsync: a name created or renamed into a directory
// since its last fsync is undone by a cut, even if the file's data was
// synced; a rename over a file brings the replaced file back.
func TestNamesNeedDirectoryFsync(t *testing.T) {
	seed := testseed.For(t)
	write := func(t *testing.T, path, data string) {
		t.Helper()
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(data)
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	for _, dirSync := range []bool{false, true} {
		t.Run(fmt.Sprintf("dirsync=%v", dirSync), func(t *testing.T) {
			pc, mnt, backing := mounted(t)
			write(t, filepath.Join(mnt, "cfg"), "old")
			if err := os.Mkdir(filepath.Join(mnt, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
			syncDir(t, mnt)
			write(t, filepath.Join(mnt, "new"), "synced data")
			write(t, filepath.Join(mnt, "sub", "inner"), "synced data")
			write(t, filepath.Join(mnt, "cfg.tmp"), "new")
			if err := os.Rename(filepath.Join(mnt, "cfg.tmp"), filepath.Join(mnt, "cfg")); err != nil {
				t.Fatal(err)
			}
			if dirSync {
				syncDir(t, mnt)
				syncDir(t, filepath.Join(mnt, "sub"))
			}
			if err := pc.Unmount(); err != nil {
				t.Fatal(err)
			}
			rep, err := pc.Cut(powercut.DropAll, testseed.Rand(seed, 1))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"cfg": "old", "new": "", "sub/inner": "", "cfg.tmp": ""}
			if dirSync {
				want = map[string]string{"cfg": "new", "new": "synced data", "sub/inner": "synced data", "cfg.tmp": ""}
			}
			for name, w := range want {
				got, err := os.ReadFile(filepath.Join(backing, name))
				if w == "" && !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s after cut: %q, %v; want it gone", name, got, err)
				} else if w != "" && string(got) != w {
					t.Errorf("%s after cut: %q, %v; want %q", name, got, err, w)
				}
			}
			if wantLost := map[bool]int{false: 4, true: 0}[dirSync]; rep.LostNames != wantLost {
				t.Errorf("lost %d names, want %d", rep.LostNames, wantLost)
			}
		})
	}
}
