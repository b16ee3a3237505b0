// Package hqstore owns the head office's persistence: the journal entries
// every register has pushed, verified link by link, and the sale figures
// drawn from them for reports. Store is the one interface; SQLite is the
// default backend (OpenSQLite), PostgreSQL (OpenPostgres) the one for a chain
// that outgrows a file (docs/SCALING.md); both pass the same conformance
// suite (package hqstoretest).
package hqstore
