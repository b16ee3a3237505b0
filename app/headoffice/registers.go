package headoffice

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/tillpos/till/app/pos"
)

// DefaultCodeTTL is how long an enrollment code stays valid.
const DefaultCodeTTL = 24 * time.Hour

// validID keeps store and register ids printable and short so they are
// safe in logs, URLs and file names (sync/syncserver checks the same).
var validID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// codeAlphabet has no 0/O, 1/I: a code is read off a screen and typed.
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newCode returns 16 characters (80 random bits) as XXXX-XXXX-XXXX-XXXX.
func newCode() string {
	b := make([]byte, 16)
	rand.Read(b)
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[int(c)%len(codeAlphabet)]) // 256 is a multiple of 32: no bias
	}
	return sb.String()
}

// EnrollmentCodeHash is what the head office keeps of an enrollment code:
// "abcd efgh-..." and "ABCDEFGH..." are the same code, and only the hex
// SHA-256 of its normal form is stored. The enroll endpoint looks codes up
// by it.
func EnrollmentCodeHash(code string) string {
	norm := strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ':
			return -1
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, code)
	h := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(h[:])
}

// AddStore creates a store.
func (h *HeadOffice) AddStore(ctx context.Context, s StoreInfo) error {
	if !validID.MatchString(s.ID) {
		return pos.Errorf(pos.EInvalid, "store id %q: use 1 to 64 letters, digits, '.', '_' or '-'", s.ID)
	}
	if strings.TrimSpace(s.Name) == "" {
		return pos.Errorf(pos.EInvalid, "give the store a name")
	}
	if err := checkStoreDetails(s); err != nil {
		return err
	}
	if err := h.d.Registry.AddStore(ctx, s); err != nil {
		return err
	}
	return h.audit(ctx, "store.add", s.ID, nil, s)
}

// checkStoreDetails checks the optional fields the back office sets; the
// command line sets only id and name.
func checkStoreDetails(s StoreInfo) error {
	switch {
	case s.Currency != "" && !currencyCode.MatchString(s.Currency):
		return pos.Errorf(pos.EInvalid, "the currency is a three-letter code like EUR")
	case s.TaxMode != "" && s.TaxMode != TaxInclusive && s.TaxMode != TaxExclusive:
		return pos.Errorf(pos.EInvalid, "the tax mode is %s or %s", TaxInclusive, TaxExclusive)
	case s.CashRounding < 0 || s.CashRounding > 100:
		return pos.Errorf(pos.EInvalid, "cash rounding is 0 (none) to 100 minor units")
	case len(s.Name) > 200 || len(s.Address) > 500 || len(s.VATID) > 40 || len(s.ReceiptHeader) > 500 || len(s.ReceiptFooter) > 500:
		return pos.Errorf(pos.EInvalid, "a store's texts are at most 500 characters (name 200, VAT id 40)")
	}
	if s.TimeZone != "" {
		if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "Local" {
			return pos.Errorf(pos.EInvalid, "time zone %q is not known; use a name like Europe/Berlin", s.TimeZone)
		}
	}
	return nil
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// RevokeRegister revokes a lost or stolen register: its token stops working
// at its next request and its key signs nothing the head office accepts.
func (h *HeadOffice) RevokeRegister(ctx context.Context, id string) error {
	before, err := h.d.Registry.RegisterAccounts(ctx)
	if err != nil {
		return err
	}
	if err := h.d.Registry.RevokeRegister(ctx, id, h.d.Now().UTC()); err != nil {
		return err
	}
	var was any
	for _, r := range before {
		if r.ID == id {
			was = struct {
				ID       string `json:"id"`
				StoreID  string `json:"store_id"`
				Enrolled bool   `json:"enrolled"`
			}{r.ID, r.StoreID, r.Enrolled()}
		}
	}
	return h.audit(ctx, "register.revoke", id, was, struct {
		Revoked bool `json:"revoked"`
	}{true})
}

// Stores lists the stores by id.
func (h *HeadOffice) Stores(ctx context.Context) ([]StoreInfo, error) {
	return h.d.Registry.Stores(ctx)
}

// RegisterAccounts lists the registers by id, enrolled or pending.
func (h *HeadOffice) RegisterAccounts(ctx context.Context) ([]RegisterAccount, error) {
	return h.d.Registry.RegisterAccounts(ctx)
}

// AddRegister creates register r of an existing store and returns its
// one-time enrollment code, valid for ttl (DefaultCodeTTL if 0). An empty
// r.ID becomes the store's next free STORE-Rnn, an empty name the id. Only
// the code's hash is stored.
func (h *HeadOffice) AddRegister(ctx context.Context, r RegisterAccount, ttl time.Duration) (RegisterAccount, string, error) {
	if r.ID == "" {
		all, err := h.d.Registry.RegisterAccounts(ctx)
		if err != nil {
			return r, "", err
		}
		taken := map[string]bool{}
		for _, a := range all {
			taken[a.ID] = true
		}
		for n := 1; r.ID == "" || taken[r.ID]; n++ {
			r.ID = fmt.Sprintf("%s-R%02d", r.StoreID, n)
		}
	}
	if !validID.MatchString(r.ID) {
		return r, "", pos.Errorf(pos.EInvalid, "register id %q: use 1 to 64 letters, digits, '.', '_' or '-'", r.ID)
	}
	if r.ID == LedgerRegister { // the head office's own stock journal
		return r, "", pos.Errorf(pos.EInvalid, "register id %q is reserved for the head office", r.ID)
	}
	if r.Name == "" {
		r.Name = r.ID
	}
	if ttl <= 0 {
		ttl = DefaultCodeTTL
	}
	code := newCode()
	r.Code = PendingCode{Hash: EnrollmentCodeHash(code), Hint: code[:4], ExpiresAt: h.d.Now().Add(ttl)}
	if err := h.d.Registry.AddRegister(ctx, r, r.Code); err != nil {
		return r, "", err
	}
	after := struct {
		ID       string `json:"id"`
		StoreID  string `json:"store_id"`
		Name     string `json:"name"`
		CodeHint string `json:"code_hint"`
	}{r.ID, r.StoreID, r.Name, r.Code.Hint}
	return r, code, h.audit(ctx, "register.add", r.ID, nil, after)
}

// RegisterLastSeen is when the register-facing API last heard from a
// register since this process started; zero if not.
func (h *HeadOffice) RegisterLastSeen(id string) time.Time {
	t, _, _ := h.d.Traffic.RegisterTraffic(id)
	return t
}
