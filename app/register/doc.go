// Package register holds the register's use cases: the sale flow, tendering,
// completing and printing. It declares the small interfaces it needs (catalog,
// journal, printer, clock) and knows nothing of SQL, Fyne or device bytes.
package register
