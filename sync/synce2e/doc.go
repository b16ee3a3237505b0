// Package synce2e holds the end-to-end tests of exactly-once sync: a real
// register database (package store) as the outbox, the syncclient, the
// fault proxy, the syncserver and both hqstore backends. It has no code of
// its own; everything is in its _test.go files.
package synce2e
