package register

// NewFakeJournal is the in-memory journal of these tests, for the
// conformance suite in journal_conformance_test.go (package register_test).
func NewFakeJournal() Journal { return &fakeJournal{} }
