// Package store is the register's SQLite database: embedded migrations, the
// product catalog (with its JSON import and the demo seed), the append-only
// hash-chained sales journal and the outbox the background syncer drains.
//
// It uses the pure-Go modernc.org/sqlite driver in WAL mode with
// synchronous=FULL: a committed sale survives a power cut. All writes go
// through one connection; reads use a separate pool and never wait for them.
package store
