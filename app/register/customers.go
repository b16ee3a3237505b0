package register

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/tillpos/till/app/pos"
)

// Customers is the register's customer directory: personal data kept apart
// from the journal, encrypted per customer, erasable (docs/PRIVACY.md).
type Customers interface {
	// SaveCustomer inserts or replaces a customer.
	SaveCustomer(ctx context.Context, c pos.Customer) error
	// Customer returns one customer; ENotFound once erased.
	Customer(ctx context.Context, id string) (pos.Customer, error)
	// FindCustomers returns the customers whose phone, e-mail or card is
	// exactly key (normalised by NormalizeContact).
	FindCustomers(ctx context.Context, key string) ([]pos.Customer, error)
	// EraseCustomer deletes the customer and their key; erasing an unknown
	// id is not an error (the head office's feed may repeat erasures).
	EraseCustomer(ctx context.Context, id string) error
	// InactiveCustomers lists the ids of customers last seen before t.
	InactiveCustomers(ctx context.Context, before time.Time) ([]string, error)
}

// ErrNoDirectory: the register was started without a customer directory.
var ErrNoDirectory = pos.Errorf(pos.EUnavailable, "No customer directory on this register.")

// CustomerCardPrefix starts the code on the register's own customer cards
// and QR codes; the code after it is random, so the card says nothing about
// its holder.
const CustomerCardPrefix = "TILLC"

// IsCustomerCard says whether a scanned code is a customer card.
func IsCustomerCard(code string) bool {
	return len(code) > len(CustomerCardPrefix) && len(code) <= 64 && strings.HasPrefix(code, CustomerCardPrefix)
}

// NormalizeContact makes a phone, e-mail or card code comparable: e-mails
// lower-cased, phones without spaces and punctuation.
func NormalizeContact(s string) string {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "@") {
		return strings.ToLower(s)
	}
	if strings.Trim(s, "0123456789+-/ ().") == "" {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || r == '+' {
				return r
			}
			return -1
		}, s)
	}
	return s
}

// FindCustomers looks a customer up by phone, e-mail or scanned card.
func (r *Register) FindCustomers(ctx context.Context, key string) ([]pos.Customer, error) {
	if r.deps.Customers == nil {
		return nil, ErrNoDirectory
	}
	key = NormalizeContact(key)
	if key == "" {
		return nil, nil
	}
	return r.deps.Customers.FindCustomers(ctx, key)
}

// NewCustomer is what the cashier enters for a new customer; the purposes
// follow from what is given (an e-mail: digital receipts; a phone or card:
// loyalty) and the customer's consent to them is recorded with the register
// and the time.
type NewCustomer struct {
	Name, Phone, Email, Card string
}

// AddCustomer adds a customer to the directory and attaches them to the
// open sale, in one step (the second tap of find-or-add).
func (r *Register) AddCustomer(ctx context.Context, n NewCustomer) (pos.Customer, error) {
	if r.deps.Customers == nil {
		return pos.Customer{}, ErrNoDirectory
	}
	id, err := newCustomerID()
	if err != nil {
		return pos.Customer{}, err
	}
	now := r.deps.Clock.Now().UTC()
	c := pos.Customer{ID: id, Name: strings.TrimSpace(n.Name), Phone: NormalizeContact(n.Phone),
		Email: NormalizeContact(n.Email), Card: strings.TrimSpace(n.Card), Created: now, LastSeen: now}
	if c.Email != "" {
		c.Purposes = append(c.Purposes, pos.PurposeReceipt)
	}
	if c.Phone != "" || c.Card != "" || (c.Email == "" && c.Name != "") {
		c.Purposes = append(c.Purposes, pos.PurposeLoyalty)
	}
	c.Consent = pos.Consent{What: strings.Join(c.Purposes, ","), At: now, Where: "register " + r.cfg.RegisterID}
	if err := c.Check(); err != nil {
		return pos.Customer{}, err
	}
	if err := r.deps.Customers.SaveCustomer(ctx, c); err != nil {
		return pos.Customer{}, fmt.Errorf("%w: %w", pos.Errorf(pos.EInternal, "The customer could not be saved."), err)
	}
	r.AttachCustomer(c)
	return c, nil
}

// AttachCustomer attaches a directory customer to the open sale (a zero
// Customer detaches). Only the id goes into the sale record.
func (r *Register) AttachCustomer(c pos.Customer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.ID == "" {
		r.sale.CustomerID, r.sale.Customer = "", nil
		return
	}
	r.sale.CustomerID, r.sale.Customer = c.ID, &c
}

// EraseCustomer erases a customer from this register's directory (the
// head office's erasure feed, or retention); sales keep the bare id.
func (r *Register) EraseCustomer(ctx context.Context, id string) error {
	if r.deps.Customers == nil {
		return nil
	}
	if err := r.deps.Customers.EraseCustomer(ctx, id); err != nil {
		return err
	}
	r.deps.Log.Info("customer erased", "customer_id", id) // the id only: it names nobody once erased
	return nil
}

// newCustomerID is 128 random bits: unlike a UUIDv7 it tells nothing about
// when or where the customer was added.
func newCustomerID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("register: customer id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// EraseInactiveCustomers is retention: it erases every customer not seen for
// keep (by the injected clock) and returns how many. A sale with the
// customer attached counts as seen (TouchCustomer).
func (r *Register) EraseInactiveCustomers(ctx context.Context, keep time.Duration) (int, error) {
	if r.deps.Customers == nil || keep <= 0 {
		return 0, nil
	}
	ids, err := r.deps.Customers.InactiveCustomers(ctx, r.deps.Clock.Now().Add(-keep))
	if err != nil {
		return 0, err
	}
	for i, id := range ids {
		if err := r.deps.Customers.EraseCustomer(ctx, id); err != nil {
			return i, err
		}
	}
	return len(ids), nil
}

// TouchCustomer records that the customer was seen now (a sale), which
// restarts their retention period.
func (r *Register) TouchCustomer(ctx context.Context, id string) error {
	if r.deps.Customers == nil || id == "" {
		return nil
	}
	c, err := r.deps.Customers.Customer(ctx, id)
	if err != nil {
		return err
	}
	c.LastSeen = r.deps.Clock.Now().UTC()
	return r.deps.Customers.SaveCustomer(ctx, c)
}

// RunRetention erases inactive customers (EraseInactiveCustomers) now and
// then every period until ctx ends; a failure is logged and retried next
// period. keep <= 0 turns retention off.
func (r *Register) RunRetention(ctx context.Context, keep, every time.Duration) error {
	if keep <= 0 || r.deps.Customers == nil {
		return nil
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := r.EraseInactiveCustomers(ctx, keep); err != nil {
			r.deps.Log.Warn("customer retention", "err", err)
		} else if n > 0 {
			r.deps.Log.Info("customer retention: inactive customers erased", "count", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
