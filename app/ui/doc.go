// Package ui owns the register's touchscreen screens: the sale (cart, quick
// keys, total, Pay), cash tendering and change due. It drives a
// *register.Register and never touches SQL or device bytes; slow register
// calls run off the UI goroutine and come back through fyne.Do.
package ui
