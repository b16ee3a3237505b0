package store

import (
	"testing"

	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/app/register/registertest"
)

// store.DB is the register's Journal: it passes the suite the register's
// fake journals pass too.
func TestJournalConforms(t *testing.T) {
	registertest.RunJournalSuite(t, func(t *testing.T) register.Journal { return MustOpenDB(t) })
}
