package devices

import (
	"context"

	"github.com/tillpos/till/hardware/escpos"
)

// KickDrawer opens the cash drawer wired to a printer's kick connector; it
// is the register's Drawer.
type KickDrawer struct {
	Printer *Printer
	Pin     escpos.DrawerPin
}

// OpenDrawer pulses the pin.
func (k KickDrawer) OpenDrawer(ctx context.Context) error { return k.Printer.OpenDrawer(ctx, k.Pin) }

// DrawerPin is the configured kick pin (option "pin": 2 or 5; default 2).
func (c Config) DrawerPin() escpos.DrawerPin {
	if c.Options["pin"] == "5" {
		return escpos.DrawerPin5
	}
	return escpos.DrawerPin2
}
