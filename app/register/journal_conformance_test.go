package register_test

import (
	"testing"

	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/app/register/registertest"
)

// The fake journal the register's tests use behaves as store.DB does
// (store runs the same suite).
func TestFakeJournalConforms(t *testing.T) {
	registertest.RunJournalSuite(t, func(*testing.T) register.Journal { return register.NewFakeJournal() })
}
