package usbdev

// NewBus reports ErrUSBWindows: gousb needs libusb, which Windows does not
// ship and whose WinUSB driver would take the printer away from its vendor
// driver; serial (COM) and network devices keep working.
func NewBus() (Bus, error) { return nil, ErrUSBWindows }
