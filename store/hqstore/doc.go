// Package hqstore owns the head office's persistence: the journal entries
// every register has pushed, verified link by link, and the sale figures
// drawn from them for reports. Store is the one interface; SQLite is the
// default backend (OpenSQLite), PostgreSQL will follow behind the same
// interface and the same conformance suite (package hqstoretest).
package hqstore
