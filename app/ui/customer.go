package ui

import (
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// customerEntered finds the customer by the phone, e-mail or card code typed
// or scanned into the customer dialog and attaches them; when nobody has
// it, the entry becomes a new directory customer (find or add: two taps,
// Customer then OK). An empty entry detaches the customer. Only the
// customer's id reaches the sale record.
func (x *selling) customerEntered(v string) {
	c := parseCustomer(v)
	if c.IsZero() {
		x.u.reg.AttachCustomer(pos.Customer{})
		x.u.sale.refresh()
		return
	}
	var err error
	x.u.run(func() {
		for _, key := range []string{c.Card, c.Phone, c.Email} {
			if key == "" {
				continue
			}
			var found []pos.Customer
			if found, err = x.u.reg.FindCustomers(x.u.ctx(), key); err != nil || len(found) > 0 {
				if err == nil {
					x.u.reg.AttachCustomer(found[0])
					err = x.u.reg.TouchCustomer(x.u.ctx(), found[0].ID) // a visit restarts retention
				}
				return
			}
		}
		_, err = x.u.reg.AddCustomer(x.u.ctx(), register.NewCustomer{Name: c.Name, Phone: c.Phone, Email: c.Email, Card: c.Card})
	}, func() {
		if err != nil {
			x.u.fail("customer", err)
			return
		}
		x.u.sale.refresh()
	})
}

// onCustomerCardScan attaches the holder of a scanned customer card from any
// selling screen (one scan, no tap); an unknown card becomes a new customer
// known only by the card.
func (u *UI) onCustomerCardScan(code string) bool {
	if !register.IsCustomerCard(code) {
		return false
	}
	u.selling().customerEntered(code)
	return true
}
