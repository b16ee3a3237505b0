// Package catalogfile is the catalog format both sides share: the JSON file
// a shop imports (File and its records), its strict decoding and its
// validation (ImportError lists the problems), and Item, one record of it as
// the head office's change feed carries it to the register.
//
// It imports only app/pos and the standard library, so the head office reads
// the register's format without linking the register's database (store),
// and the register without linking the head office's (store/hqstore). It is
// a package of its own rather than part of app/pos because it reads outside
// bytes (io.Reader, JSON) and app/pos does no I/O. A PIN hash in a file is
// checked by a function the caller passes (app/pinhash.Valid): hashing needs
// golang.org/x/crypto, which this package must not import.
package catalogfile
