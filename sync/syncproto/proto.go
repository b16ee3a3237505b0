package syncproto

import "strconv"

// Version is the protocol version this package speaks. A client sends it in
// the HeaderProtocol header; a server refuses writes without a version it knows.
const Version = 1

// Versions lists every protocol version this package can serve, oldest
// first. A server answers with its own (highest) version in HeaderProtocol
// and keeps accepting the older ones, so registers not yet upgraded go on
// syncing.
var Versions = []int{1}

// HeaderProtocol carries the protocol version on every request.
const HeaderProtocol = "Till-Protocol"

// VersionString is Version as sent in HeaderProtocol.
var VersionString = strconv.Itoa(Version)

// MaxBatch is the largest number of entries in one PushBatchRequest.
const MaxBatch = 500

// ContentType is the media type of every body.
const ContentType = "application/json"

// PushBatchRequest is the body of POST /v1/registers/{rid}/sales:batch.
type PushBatchRequest struct {
	Entries []Entry `json:"entries"`
}

// Status is the outcome of one entry of a batch.
type Status string

const (
	StatusStored    Status = "stored"    // new, verified and stored
	StatusDuplicate Status = "duplicate" // already stored earlier; nothing changed
	StatusRejected  Status = "rejected"  // refused; Reason says why
)

// EntryResult is the outcome for one entry, in the order of the request.
type EntryResult struct {
	ID     string `json:"id"`
	Seq    int64  `json:"seq"`
	Status Status `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// PushBatchResponse answers a PushBatchRequest. AckedThroughSeq is the
// highest seq up to which the head office holds every entry of the register:
// the register may drop everything up to it from its outbox.
type PushBatchResponse struct {
	Results         []EntryResult `json:"results"`
	AckedThroughSeq int64         `json:"acked_through_seq"`
}

// SyncState is what the head office holds of one register's journal
// (GET /v1/registers/{rid}/sync-state). LastHash is pos.GenesisHash when
// nothing is stored yet.
type SyncState struct {
	RegisterID string `json:"register_id"`
	LastSeq    int64  `json:"last_seq"`
	LastHash   string `json:"last_hash"`
}

// Error codes sent in Error.Code.
const (
	CodeBadRequest          = "bad_request"
	CodeBatchTooLarge       = "batch_too_large"
	CodeBodyTooLarge        = "body_too_large"
	CodeUnsupportedProtocol = "unsupported_protocol"
	CodeUnsupportedMedia    = "unsupported_media_type"
	CodeMethodNotAllowed    = "method_not_allowed"
	CodeNotFound            = "not_found"
	CodeUnauthorized        = "unauthorized"
	CodeUnavailable         = "unavailable"
	CodeInternal            = "internal"
)

// Error is the body of every non-2xx response: a stable code for programs and
// a sentence for people.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }
