package pos

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Purposes a customer's data may be kept for (data minimisation: each field
// is kept only when a purpose needs it; docs/PRIVACY.md).
const (
	// PurposeReceipt: digital receipts by e-mail; needs Email.
	PurposeReceipt = "digital_receipt"
	// PurposeLoyalty: recognise the customer by card or phone; needs Card or Phone.
	PurposeLoyalty = "loyalty"
)

// Consent records what the customer agreed to, when and where.
type Consent struct {
	What  string    `json:"what"`  // the text or purposes agreed to
	At    time.Time `json:"at"`    // when
	Where string    `json:"where"` // which register or page
}

// Customer is an entry of the customer directory. It never enters the
// journal: a sale refers to it by ID only, so erasing the customer erases
// their data and leaves every sale (and the hash chain) intact.
type Customer struct {
	ID       string    `json:"id"` // random, says nothing about the person
	Name     string    `json:"name,omitempty"`
	Phone    string    `json:"phone,omitempty"`
	Email    string    `json:"email,omitempty"`
	Card     string    `json:"card,omitempty"` // a loyalty card's scanned code
	Purposes []string  `json:"purposes"`
	Consent  Consent   `json:"consent"`
	Created  time.Time `json:"created"`
	LastSeen time.Time `json:"last_seen"` // last sale or visit; retention counts from here
}

// Bounds of a customer's fields; the head office refuses more.
const (
	MaxCustomerField = 200
	MaxPurposes      = 4
)

// IsZero reports whether nothing identifying was entered.
func (c Customer) IsZero() bool {
	return strings.TrimSpace(c.Name+c.Phone+c.Email+c.Card) == ""
}

// Has says whether the customer agreed to purpose p.
func (c Customer) Has(p string) bool {
	for _, q := range c.Purposes {
		if q == p {
			return true
		}
	}
	return false
}

// Check refuses a customer record that keeps data no purpose needs, has no
// recorded consent, or is out of bounds.
func (c Customer) Check() error {
	if c.ID == "" || len(c.ID) > 64 {
		return Errorf(EInvalid, "customer id missing or too long")
	}
	for _, f := range []string{c.Name, c.Phone, c.Email, c.Card, c.Consent.What, c.Consent.Where} {
		if len(f) > MaxCustomerField || !utf8.ValidString(f) {
			return Errorf(EInvalid, "customer field too long or not text")
		}
	}
	if len(c.Purposes) == 0 || len(c.Purposes) > MaxPurposes {
		return Errorf(EInvalid, "a customer is kept only for a purpose (digital receipt, loyalty)")
	}
	for _, p := range c.Purposes {
		if p != PurposeReceipt && p != PurposeLoyalty {
			return Errorf(EInvalid, "unknown purpose %q", p)
		}
	}
	if c.Consent.At.IsZero() || c.Consent.What == "" || c.Consent.Where == "" {
		return Errorf(EInvalid, "the customer's consent (what, when, where) must be recorded")
	}
	if c.Email != "" && !c.Has(PurposeReceipt) {
		return Errorf(EInvalid, "an e-mail is kept only for digital receipts")
	}
	if (c.Card != "" || c.Phone != "") && !c.Has(PurposeLoyalty) {
		return Errorf(EInvalid, "a phone or card is kept only for loyalty")
	}
	if c.Has(PurposeReceipt) && c.Email == "" {
		return Errorf(EInvalid, "a digital receipt needs an e-mail")
	}
	return nil
}

// Label is how a screen names the customer (a name, else phone, e-mail or card).
func (c Customer) Label() string {
	for _, s := range []string{c.Name, c.Phone, c.Email, c.Card} {
		if s != "" {
			return s
		}
	}
	return ""
}
