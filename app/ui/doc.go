// Package ui owns the register's touchscreen screens: the sale (cart, quick
// keys, total, Pay), cash tendering and change due. It drives a
// *register.Register and never touches SQL or device bytes; slow register
// calls run off the UI goroutine and come back through fyne.Do.
//
// The UI has a context of its own (UI.ctx), cancelled when the window
// closes; Close waits for the work it started (ui.go, serial).
//
// Known races under go test -race, from Fyne's test driver, not from this
// package: the driver runs fyne.Do's function on the calling goroutine
// (fyne.io/fyne/v2 v2.7.1 test/driver.go DoFromGoroutine ->
// internal/async.EnsureNotMain) instead of one UI goroutine, so a job's then
// lays out widgets on the job's goroutine; and Fyne's process-wide caches
// (internal/cache/base.go expiringCache.setAlive, written unlocked by
// GetFontMetrics from every MeasureText) are shared by parallel tests.
// The reports name internal/cache/base.go:121, canvas/base.go Size and
// Position, widget.go Visible and this package's tileRenderer.Layout
// reached from MeasureText. The real driver runs every fyne.Do on its one
// main goroutine, so the product does not race there.
package ui
