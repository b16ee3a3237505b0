// Package pos is Till's domain: money, products, taxes, sales, tenders and the
// hash-chained journal entry format. It does no I/O and imports only the
// standard library, so every rule here is testable in isolation and shared by
// the register and the head office.
package pos
