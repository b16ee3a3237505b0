package syncproto

import (
	"encoding/json"
	"time"
)

// HeaderRegister names the calling register on store-scoped requests
// (/v1/stores/{sid}/...), whose path has no register id: the bearer token
// is checked against this register, which must belong to the store.
const HeaderRegister = "Till-Register"

// More error codes.
const (
	// CodeCursorGone answers 410 to a changes request whose cursor is older
	// than the changes the head office keeps: fetch the snapshot.
	CodeCursorGone = "cursor_gone"
	CodeInvalid    = "invalid"
)

// CatalogChange is one catalog record in the catalog file's JSON
// (app/pos/catalogfile; kind "product": catalogfile.Product, priced for the
// asking store; "tax_rate", "category", "employee" with a PIN hash only,
// "setting": a JSON string). Data is absent when the record was deleted.
type CatalogChange struct {
	Cursor int64           `json:"cursor,omitempty"`
	Kind   string          `json:"kind"`
	ID     string          `json:"id"`
	Data   json.RawMessage `json:"data,omitempty"`
}

// ChangesResponse answers GET /v1/stores/{sid}/changes?cursor=N&limit=M:
// the changes after cursor N in order. Ask again from NextCursor; More says
// whether another page is waiting already.
type ChangesResponse struct {
	StoreID    string          `json:"store_id"`
	Changes    []CatalogChange `json:"changes"`
	NextCursor int64           `json:"next_cursor"`
	More       bool            `json:"more"`
}

// SnapshotResponse answers GET /v1/stores/{sid}/snapshot: the store's whole
// catalog, and the cursor to pull changes from afterwards.
type SnapshotResponse struct {
	StoreID string          `json:"store_id"`
	Cursor  int64           `json:"cursor"`
	Records []CatalogChange `json:"records"`
}

// LatencySummary summarises one latency on the register.
type LatencySummary struct {
	Count int64   `json:"count"`
	P50MS float64 `json:"p50_ms"`
	P99MS float64 `json:"p99_ms"`
}

// HeartbeatRequest is the body of POST /v1/registers/{rid}/heartbeat.
type HeartbeatRequest struct {
	AppVersion       string    `json:"app_version"`
	SentAt           time.Time `json:"sent_at"`                // the register's clock
	OutboxDepth      int64     `json:"outbox_depth"`           // journal entries not yet acknowledged
	OldestUnsyncedMS int64     `json:"oldest_unsynced_ms"`     // age of the oldest of them; 0 when none
	ClockOffsetMS    int64     `json:"clock_offset_ms"`        // register minus head office, from the last answer
	CatalogCursor    int64     `json:"catalog_cursor"`         // how far the catalog feed is applied
	SyncState        string    `json:"sync_state,omitempty"`   // online, offline, diverged, stuck
	SyncProblem      string    `json:"sync_problem,omitempty"` // the manager's sentence, if any
	// Devices maps a device ("printer", "terminal", "scanner" ...) to its
	// state in a word or two ("ok", "paper out", "unplugged").
	Devices   map[string]string         `json:"devices,omitempty"`
	Counters  map[string]int64          `json:"counters,omitempty"`  // since the register started
	Latencies map[string]LatencySummary `json:"latencies,omitempty"` // "scan_to_line", "commit"
}

// HeartbeatResponse tells the register the head office's time, from which
// it computes its clock offset (NTP-style, half the round trip).
type HeartbeatResponse struct {
	ServerTime time.Time `json:"server_time"`
}

// Counter names a register sends in HeartbeatRequest.Counters.
const (
	CounterSalesCompleted = "sales_completed"
	CounterSalesFailed    = "sales_failed"
	CounterCardApproved   = "card_approved"
	CounterCardDeclined   = "card_declined"
	CounterCardErrors     = "card_errors"
	CounterPrintFailures  = "print_failures"
)

// Latency names in HeartbeatRequest.Latencies.
const (
	LatencyScanToLine = "scan_to_line"
	LatencyCommit     = "commit"
)
