package main

import (
	"sync"
	"testing"
)

// TestConcurrentFirstStartAgrees: make run starts the server and its CLI
// commands at the same moment on an empty data folder. Every one of them must
// end up with the same certificate (a key matching its certificate) and the
// same admin token; before createOnce, two processes could pair one's key
// with the other's certificate ("private key does not match public key").
func TestConcurrentFirstStartAgrees(t *testing.T) {
	t.Parallel()
	for round := range 5 {
		dir := t.TempDir()
		const n = 8
		fps, toks := make([]string, n), make([]string, n)
		errs := make([]error, 2*n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(2)
			go func() {
				defer wg.Done()
				_, fps[i], errs[i] = loadOrCreateCert(dir)
			}()
			go func() {
				defer wg.Done()
				toks[i], _, errs[n+i] = loadOrCreateAdminToken(dir)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, caller %d: %v", round, i, err)
			}
		}
		for i := 1; i < n; i++ {
			if fps[i] != fps[0] || toks[i] != toks[0] {
				t.Fatalf("round %d: callers disagree: %v / %v", round, fps, toks)
			}
		}
		// A later start loads exactly that pair.
		if _, fp, err := loadOrCreateCert(dir); err != nil || fp != fps[0] {
			t.Fatalf("round %d: reload %s %v, want %s", round, fp, err, fps[0])
		}
		if tok, created, err := loadOrCreateAdminToken(dir); err != nil || created || tok != toks[0] {
			t.Fatalf("round %d: token reload %q %v %v", round, tok, created, err)
		}
	}
}
