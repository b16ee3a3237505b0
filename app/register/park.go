package register

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tillpos/till/app/pos"
)

// ParkedSale is an open sale put aside, with what the list of parked sales
// shows. A parked sale is not in the hash-chained journal (it is not a sale
// yet) but it must survive a restart: the store keeps it in its own table.
type ParkedSale struct {
	ID        string // the sale's id
	ParkedAt  time.Time
	CashierID string
	Cashier   string
	Gross     int64
	Items     pos.Qty
	Label     string // a customer's name or the note, to find it again
	Sale      []byte // the pos.Sale as JSON
}

// ParkedSales keeps parked sales durably (store implements it).
type ParkedSales interface {
	Park(ctx context.Context, p ParkedSale) error
	ParkedSales(ctx context.Context) ([]ParkedSale, error) // oldest first
	// Unpark removes a parked sale and returns it; ENotFound when gone.
	Unpark(ctx context.Context, id string) (ParkedSale, error)
}

// ErrNoParking means no parked-sales store is configured.
var ErrNoParking = pos.Errorf(pos.EUnavailable, "Parking sales is not set up on this register.")

// ErrReturnNotParked refuses to park a return.
var ErrReturnNotParked = pos.Errorf(pos.EConflict, "A return cannot be parked: refund it or cancel it.")

// Park puts the open sale aside (durably) and starts a new one.
func (r *Register) Park(ctx context.Context) (ParkedSale, error) {
	if r.deps.Parked == nil {
		return ParkedSale{}, ErrNoParking
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case len(r.sale.Lines) == 0:
		return ParkedSale{}, pos.Errorf(pos.EConflict, "The sale is empty: nothing to park.")
	case r.sale.Return:
		// A parked return is not in the journal, so nothing would count it
		// against the receipt: the same goods could come back twice.
		return ParkedSale{}, ErrReturnNotParked
	case r.sale.PaymentLock != "":
		return ParkedSale{}, pos.ErrPaymentPending
	case len(r.sale.Tenders) > 0:
		return ParkedSale{}, pos.Errorf(pos.EConflict, "Payments were taken: finish the sale or remove them first.")
	}
	data, err := json.Marshal(r.sale)
	if err != nil {
		return ParkedSale{}, fmt.Errorf("park: encode: %w", err)
	}
	t, _ := r.sale.Totals()
	p := ParkedSale{ID: r.sale.ID, ParkedAt: r.deps.Clock.Now().UTC(), CashierID: r.cashier.ID, Cashier: r.cashier.Name,
		Gross: t.Gross, Items: t.Items, Label: r.sale.Note, Sale: data}
	// The label stays the note: a customer's name would outlive their
	// erasure in the parked_sales table.
	if err := r.deps.Parked.Park(ctx, p); err != nil {
		return ParkedSale{}, fmt.Errorf("%w: %w", pos.Errorf(pos.EInternal, "The sale could not be parked. It is still open."), err)
	}
	r.sale = r.newSale()
	return p, nil
}

// ParkedSales lists the parked sales, oldest first.
func (r *Register) ParkedSales(ctx context.Context) ([]ParkedSale, error) {
	if r.deps.Parked == nil {
		return nil, nil
	}
	return r.deps.Parked.ParkedSales(ctx)
}

// Resume makes a parked sale the open sale again. The open sale must be
// empty: park or finish it first. The current cashier takes the sale over.
func (r *Register) Resume(ctx context.Context, id string) error {
	if r.deps.Parked == nil {
		return ErrNoParking
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.sale.Lines) > 0 || len(r.sale.Tenders) > 0 {
		return pos.Errorf(pos.EConflict, "Park or finish the open sale first.")
	}
	p, err := r.deps.Parked.Unpark(ctx, id)
	if err != nil {
		return err
	}
	var s pos.Sale
	if err := json.Unmarshal(p.Sale, &s); err != nil {
		return fmt.Errorf("resume %s: decode: %w", id, err)
	}
	s.CashierID, s.Cashier = r.cashier.ID, r.cashier.Name
	s.CashRounding = r.cfg.CashRounding
	// The parked JSON keeps only the customer's id; fetch them again for
	// the screen. An erased customer leaves the sale without one.
	if s.CustomerID != "" && r.deps.Customers != nil {
		if c, err := r.deps.Customers.Customer(ctx, s.CustomerID); err == nil {
			s.Customer = &c
		} else if pos.ErrorCode(err) == pos.ENotFound {
			s.CustomerID = ""
		}
	}
	r.sale = &s
	return nil
}
