// Package barcode owns what the register reads out of a scanned code: the
// GTIN of an EAN-13, EAN-8, UPC-A or UPC-E (UPC-E expanded to UPC-A), check
// digits, the canonical lookup key, in-store variable-measure codes (EAN-13
// prefixes 20-29 and UPC-A number system 2) with their embedded price or
// weight under configurable rules, and GS1 element strings (GS1-128, DataBar,
// GS1 DataMatrix/QR) with their Application Identifiers. It has no I/O and
// imports only the standard library: scanners, the keyboard wedge and tests
// all feed it strings.
package barcode
