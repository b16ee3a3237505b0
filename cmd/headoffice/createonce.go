package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// createOnce puts data at path only if nothing is there yet, atomically: the
// bytes go to a private temporary file first and are hard-linked into place,
// so a reader never sees a half-written file and, of several processes
// starting at once (make run starts the server and its CLI together), exactly
// one wins. Data and name are fsynced: the file survives a power cut whole.
// It reports whether this call created the file.
func createOnce(path string, data []byte, mode fs.FileMode) (bool, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return false, err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Close(); err != nil {
		return false, err
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	// The new name must survive a power cut too: fsync the directory. (The
	// temporary name's removal may be lost; a stray dot file is harmless.)
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return true, err
	}
	err = dir.Sync()
	if cerr := dir.Close(); err == nil {
		err = cerr
	}
	return true, err
}

// waitForFile waits for another process to finish creating path.
func waitForFile(path string, within time.Duration) ([]byte, error) {
	deadline := time.Now().Add(within)
	for {
		b, err := os.ReadFile(path)
		if err == nil || !errors.Is(err, fs.ErrNotExist) || time.Now().After(deadline) {
			if err != nil {
				return nil, fmt.Errorf("waiting for %s: %w", filepath.Base(path), err)
			}
			return b, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
}
