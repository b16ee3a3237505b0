package headoffice

import (
	"context"
	"encoding/json"
	"time"
)

// AuditEntry is one change made through the back office or its admin API:
// who made it, when, to what, and the thing before and after as JSON ("" for
// nothing).
type AuditEntry struct {
	ID     int64
	At     time.Time
	Actor  string // account name, or "admin-token" for the API's bearer token
	Action string // e.g. "account.add", "price.set"
	Target string // what was changed, e.g. "S01/cola"
	Before string
	After  string
}

// AuditFilter selects audit entries; zero fields match everything.
type AuditFilter struct {
	Actor    string
	Action   string
	From, To time.Time // At in [From, To)
	Limit    int       // 0: DefaultAuditLimit
}

// DefaultAuditLimit caps an audit listing.
const DefaultAuditLimit = 1000

// Audit is the append-only audit log (store/hqstore).
type Audit interface {
	AppendAudit(ctx context.Context, e AuditEntry) error
	// AuditLog lists matching entries, newest first.
	AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
}

// Actor says who is acting, for the audit log.
type Actor string

type actorKey struct{}

// WithActor marks ctx as acting for actor: the back office sets the
// logged-in account (or the admin token), the command line "cli".
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf is who ctx acts for; "unknown" if nobody said.
func ActorOf(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok && a != "" {
		return a
	}
	return "unknown"
}

// audit records a change by ctx's actor; before and after are marshalled
// to JSON (nil for nothing).
func (h *HeadOffice) audit(ctx context.Context, action, target string, before, after any) error {
	actor := ActorOf(ctx)
	if h.d.Audit == nil {
		return nil
	}
	enc := func(v any) (string, error) {
		if v == nil {
			return "", nil
		}
		b, err := json.Marshal(v)
		return string(b), err
	}
	b, err := enc(before)
	if err != nil {
		return err
	}
	a, err := enc(after)
	if err != nil {
		return err
	}
	return h.d.Audit.AppendAudit(ctx, AuditEntry{At: h.d.Now().UTC(), Actor: string(actor), Action: action, Target: target, Before: b, After: a})
}

// AuditLog lists the audit log, newest first.
func (h *HeadOffice) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if h.d.Audit == nil {
		return nil, nil
	}
	if f.Limit <= 0 || f.Limit > DefaultAuditLimit {
		f.Limit = DefaultAuditLimit
	}
	return h.d.Audit.AuditLog(ctx, f)
}
