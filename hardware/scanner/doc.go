// Package scanner owns barcode scanner input other than the keyboard wedge:
// a serial (or USB CDC-ACM) scanner driver that reassembles codes from the
// byte stream and reconnects by polling its path, and the decoder of USB
// HID boot keyboard reports (fed by the USB transport) into codes, so a
// scanner read directly does not type into other windows. Codes come out as
// strings; hardware/barcode parses them.
package scanner
