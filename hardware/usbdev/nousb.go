//go:build !cgo

package usbdev

// NewBus reports ErrNoUSB: this binary was built without cgo.
func NewBus() (Bus, error) { return nil, ErrNoUSB }
