package ui

import (
	"testing"

	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/app/register/registertest"
)

// The UI tests' fake journal behaves as store.DB does (the same suite).
func TestFakeJournalConforms(t *testing.T) {
	registertest.RunJournalSuite(t, func(*testing.T) register.Journal { return &fakeJournal{} })
}
