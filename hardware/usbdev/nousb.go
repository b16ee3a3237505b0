//go:build !cgo && !windows

package usbdev

// NewBus reports ErrNoUSB: this binary was built without cgo.
func NewBus() (Bus, error) { return nil, ErrNoUSB }
