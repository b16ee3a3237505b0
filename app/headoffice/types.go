package headoffice

import (
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// The value types below cross the ports; store/hqstore aliases them, so a
// backend returns them without converting.

// Errors a port returns; compare with errors.Is.
var (
	ErrNotFound    = errors.New("hqstore: not found")
	ErrExists      = errors.New("hqstore: already exists")
	ErrCodeInvalid = errors.New("hqstore: enrollment code unknown or already used")
	ErrCodeExpired = errors.New("hqstore: enrollment code expired")
	// ErrCursorGone: the feed no longer reaches back to the cursor.
	ErrCursorGone = errors.New("hqstore: catalog cursor is older than the kept changes; take a snapshot")
)

// StoreInfo is a shop of the chain.
type StoreInfo struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Address       string `json:"address,omitempty"`
	VATID         string `json:"vat_id,omitempty"`
	Currency      string `json:"currency,omitempty"`       // ISO 4217, e.g. EUR
	TaxMode       string `json:"tax_mode,omitempty"`       // TaxInclusive or TaxExclusive
	TimeZone      string `json:"time_zone,omitempty"`      // IANA, e.g. Europe/Berlin
	ReceiptHeader string `json:"receipt_header,omitempty"` //
	ReceiptFooter string `json:"receipt_footer,omitempty"` //
	CashRounding  int64  `json:"cash_rounding,omitempty"`  // cash totals round to this many minor units; 0 none
}

// Tax modes of a store: shelf prices include tax, or tax is added.
const (
	TaxInclusive = "inclusive"
	TaxExclusive = "exclusive"
)

// PendingCode is a one-time enrollment code as the head office keeps it.
type PendingCode struct {
	Hash      string    // hex SHA-256 of the code
	Hint      string    // its first characters, for the status page
	ExpiresAt time.Time // after this, Enroll refuses it
}

// RegisterAccount is a register as the head office knows it.
type RegisterAccount struct {
	ID      string
	StoreID string
	Name    string

	Code PendingCode // zero once enrolled

	EnrolledAt time.Time // zero while pending
	PublicKey  []byte    // Ed25519, 32 bytes; nil while pending
	TokenHash  string    // hex SHA-256 of the bearer token; "" while pending
	RevokedAt  time.Time // zero unless revoked; then token and key are gone
}

// Revoked reports whether the register was revoked (lost or stolen).
func (r RegisterAccount) Revoked() bool { return !r.RevokedAt.IsZero() }

// Enrolled reports whether the register has completed enrollment.
func (r RegisterAccount) Enrolled() bool { return !r.EnrolledAt.IsZero() }

// SalesFilter selects sales; zero fields match everything.
type SalesFilter struct {
	RegisterID string
	StoreID    string
	From, To   time.Time // completed in [From, To)
	Limit      int       // 0: DefaultSalesLimit
}

// DefaultSalesLimit caps a sales listing when the filter sets no limit.
const DefaultSalesLimit = 1000

// Sale is the report view of a stored "sale" entry.
type Sale struct {
	EntryID     string
	RegisterID  string
	Seq         int64
	SaleID      string
	StoreID     string
	ReceiptNo   string
	Currency    string
	TotalGross  int64 // minor units of Currency
	CompletedAt time.Time
}

// Amount is a sum of money in one currency.
type Amount struct {
	Currency string
	Minor    int64
}

// RegisterSummary is one row of the head office's register list.
type RegisterSummary struct {
	RegisterID  string
	LastSeq     int64
	LastHash    string
	LastEntryAt time.Time // created_at of the last stored entry
	SalesCount  int64     // all stored sales
	SalesSince  int64     // sales completed at or after the asked time
	GrossSince  []Amount  // their gross total per currency, by currency code
}

// HourlySales is what one store sold in one currency in one local clock
// hour: the dashboard's "today" chart without reading every sale.
type HourlySales struct {
	StoreID  string
	Hour     int // 0–23 on the clock of the location asked for
	Currency string
	Sales    int64
	Gross    int64 // minor units
}

// RegisterHealth is a register's last heartbeat as the head office keeps it.
type RegisterHealth struct {
	RegisterID     string                    `json:"register_id"`
	ReceivedAt     time.Time                 `json:"received_at"`
	AppVersion     string                    `json:"app_version"`
	OutboxDepth    int64                     `json:"outbox_depth"`
	OldestUnsynced time.Duration             `json:"oldest_unsynced"` // age of the oldest sale not yet here
	ClockOffset    time.Duration             `json:"clock_offset"`    // register clock minus head-office clock
	Devices        map[string]string         `json:"devices,omitempty"`
	Counters       map[string]int64          `json:"counters,omitempty"`
	Latencies      map[string]LatencySummary `json:"latencies,omitempty"`
	SyncState      string                    `json:"sync_state,omitempty"`
	SyncProblem    string                    `json:"sync_problem,omitempty"`
}

// LatencySummary summarises one latency over the register's recent samples.
type LatencySummary struct {
	Count int64         `json:"count"`
	P50   time.Duration `json:"p50"`
	P99   time.Duration `json:"p99"`
}

// CatalogRecord is one record in catalog-file JSON: a tax rate, category,
// product (base price), employee (PIN hash only) or a JSON string for a
// setting.
type CatalogRecord struct {
	Kind string
	ID   string
	Data json.RawMessage
}

// StorePrice overrides a product's base price in one store; Clear removes
// the override.
type StorePrice struct {
	StoreID   string
	ProductID string
	Price     int64 // minor units
	Clear     bool
}

// CatalogBatch is one administrative change: records, then store prices.
type CatalogBatch struct {
	Records []CatalogRecord
	Prices  []StorePrice
}

// Change is one entry of the feed: the record as written then, priced for
// the asking store. Data is empty when the record was deleted.
type Change struct {
	Cursor int64
	Kind   string
	ID     string
	Data   json.RawMessage
}

// ChangePage is one page of the feed. NextCursor is where the next page
// starts; More says whether it has anything yet.
type ChangePage struct {
	Changes    []Change
	NextCursor int64
	More       bool
}

// CatalogSnapshot is a store's whole catalog at Cursor.
type CatalogSnapshot struct {
	Cursor  int64
	Records []Change // Cursor 0; tax rates, categories, products, employees, settings
}

// CatalogError lists why a catalog batch was refused; its message is fit
// for the administrator.
type CatalogError struct{ Problems []string }

func (e *CatalogError) Error() string {
	return "catalog change refused: " + strings.Join(e.Problems, "; ")
}
