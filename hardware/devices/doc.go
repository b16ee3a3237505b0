// Package devices owns the register's device manager: it builds the shop's
// devices from configuration (kind, transport, address, options), opens
// them, polls them (gousb has no hot-plug API, and serial ports vanish and
// come back all day), reopens them, and publishes their state — connected,
// disconnected, or an error the cashier can act on ("Printer: out of
// paper") — to the UI. It also drives ESC/POS receipt printers over TCP,
// serial and USB, reads the cash drawer sensor through the printer, and
// lists serial and USB devices with what they probably are for first-run
// setup. Nothing here ever blocks a sale: the register talks to devices
// through its spooler and drivers, and the manager only watches.
package devices
