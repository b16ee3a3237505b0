package registertest_test

import (
	"testing"

	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/app/register/registertest"
)

func TestMemJournalConforms(t *testing.T) {
	registertest.RunJournalSuite(t, func(*testing.T) register.Journal { return &registertest.MemJournal{} })
}
