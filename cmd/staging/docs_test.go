package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStagingDocShowsTheCommittedRun keeps docs/STAGING.md and the
// committed report (docs/staging/report.json, written by make staging)
// together: the doc's figures are the run's, and that run passed its checks.
func TestStagingDocShowsTheCommittedRun(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "docs", "STAGING.md"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "docs", "staging", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r results
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	if err := r.check(); err != nil {
		t.Errorf("the committed run did not pass: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "docs", "staging", "report.html")); err != nil {
		t.Error(err)
	}
	for _, want := range []string{fmt.Sprint(r.Seed), r.Took, fmt.Sprint(r.Sales), r.CommitP50, r.CommitP99, r.ScanP99,
		r.SyncLagP50, r.SyncLagP99, r.IngestP50, r.IngestP99} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("docs/STAGING.md lacks the committed run's figure %q", want)
		}
	}
}
