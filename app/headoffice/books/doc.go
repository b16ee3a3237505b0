// Package books turns a store's business day of money facts into balanced
// double-entry postings and exports them for the accountant: a DATEV
// Buchungsstapel (EXTF CSV) and an hledger journal. It is pure: facts in,
// postings and bytes out, no I/O beyond the io.Writer it is given, so the
// head office's projection feeds it and tests check every cent.
package books
