package syncclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tillpos/till/app/pos/catalogfile"
	"github.com/tillpos/till/sync/syncproto"
)

// CatalogStore is where pulled catalog changes go (package store
// implements it): each page, with the cursor it brings the catalog to, in
// one transaction.
type CatalogStore interface {
	CatalogCursor(ctx context.Context) (int64, error)
	ApplyCatalogPage(ctx context.Context, items []catalogfile.Item, cursor int64) error
	ApplyCatalogSnapshot(ctx context.Context, items []catalogfile.Item, cursor int64) error
}

// afterPass runs what Run does after every push pass: pull the catalog and
// wake the heartbeat loop when a beat is due (heartbeat.go). Their failures are logged and shown in
// the status; they do not slow down the pushing of sales. After a pass that
// did not reach the head office both wait for the retry.
func (s *Syncer) afterPass(ctx context.Context, passErr error) {
	s.noteRejection(ctx)
	s.noteBacklog(ctx)
	if passErr != nil && s.Status().State != StateOnline {
		return
	}
	if _, err := s.PullCatalog(ctx); err != nil && ctx.Err() == nil {
		s.log.InfoContext(ctx, "catalog pull failed; will retry after the next pass", "err", err)
	}
	if s.heartbeatDue() { // the first beat, or the first after being offline
		select {
		case s.beatNow <- struct{}{}:
		default:
		}
	}
}

func toItems(cs []syncproto.CatalogChange) []catalogfile.Item {
	out := make([]catalogfile.Item, len(cs))
	for i, c := range cs {
		out[i] = catalogfile.Item{Kind: c.Kind, ID: c.ID, Data: c.Data, Deleted: len(c.Data) == 0}
	}
	return out
}

// PullCatalog fetches the store's catalog changes since the saved cursor and
// applies them a page at a time, each page atomically with its cursor. When
// the head office no longer keeps changes that old (410), it takes the
// snapshot instead. It returns how many changes were applied. Sales are
// never blocked by it: an open sale keeps the prices it was rung up with.
func (s *Syncer) PullCatalog(ctx context.Context) (applied int, err error) {
	if s.cfg.Catalog == nil || s.cfg.StoreID == "" {
		return 0, nil
	}
	s.pull.Lock()
	defer s.pull.Unlock()
	defer func() { s.noteCatalog(err) }()
	cursor, err := s.cfg.Catalog.CatalogCursor(ctx)
	if err != nil {
		return 0, fmt.Errorf("syncclient: catalog cursor: %w", err)
	}
	limit := s.cfg.ChangesPageSize
	if limit <= 0 {
		limit = 500
	}
	base := s.cfg.BaseURL + "/v1/stores/" + url.PathEscape(s.cfg.StoreID)
	for {
		var page syncproto.ChangesResponse
		err := s.do(ctx, http.MethodGet, base+"/changes?cursor="+strconv.FormatInt(cursor, 10)+"&limit="+strconv.Itoa(limit), nil, &page)
		var he *HTTPError
		if errors.As(err, &he) && he.StatusCode == http.StatusGone {
			var snap syncproto.SnapshotResponse
			if err := s.do(ctx, http.MethodGet, base+"/snapshot", nil, &snap); err != nil {
				return applied, err
			}
			if err := s.cfg.Catalog.ApplyCatalogSnapshot(ctx, toItems(snap.Records), snap.Cursor); err != nil {
				return applied, fmt.Errorf("syncclient: apply catalog snapshot: %w", err)
			}
			s.log.InfoContext(ctx, "catalog replaced by the head office's snapshot", "records", len(snap.Records), "cursor", snap.Cursor)
			applied += len(snap.Records)
			cursor = snap.Cursor
			continue
		} else if err != nil {
			return applied, err
		}
		if len(page.Changes) > 0 || page.NextCursor != cursor {
			if err := s.cfg.Catalog.ApplyCatalogPage(ctx, toItems(page.Changes), page.NextCursor); err != nil {
				return applied, fmt.Errorf("syncclient: apply catalog page at cursor %d: %w", cursor, err)
			}
			applied += len(page.Changes)
		}
		if len(page.Changes) > 0 {
			s.log.InfoContext(ctx, "catalog changes applied", "changes", len(page.Changes), "cursor", page.NextCursor)
		}
		if !page.More || page.NextCursor <= cursor {
			cursor = page.NextCursor
			break
		}
		cursor = page.NextCursor
	}
	s.mu.Lock()
	s.extras.CatalogCursor = cursor
	s.mu.Unlock()
	return applied, nil
}

// noteCatalog records the outcome of a pull in the status.
func (s *Syncer) noteCatalog(err error) {
	s.mu.Lock()
	if err != nil {
		s.extras.CatalogError = "Prices and products could not be updated from the head office; the register keeps selling with the ones it has."
	} else {
		s.extras.CatalogError = ""
		s.extras.CatalogUpdated = s.cfg.Clock.Now()
	}
	s.mu.Unlock()
}

// extras are the parts of Status that outlive a push pass (a pass rewrites
// the rest); guarded by mu.
type extras struct {
	CatalogCursor  int64
	CatalogUpdated time.Time
	CatalogError   string
	Stuck          *Stuck
	DrainTotal     int
	Drained        int
	OldestUnsynced time.Time
}

// withExtras lays the kept parts over a pass's status; mu must be held.
func (s *Syncer) withExtras(st Status) Status {
	st.CatalogCursor, st.CatalogUpdated, st.CatalogError = s.extras.CatalogCursor, s.extras.CatalogUpdated, s.extras.CatalogError
	st.Stuck, st.DrainTotal, st.Drained, st.OldestUnsynced = s.extras.Stuck, s.extras.DrainTotal, s.extras.Drained, s.extras.OldestUnsynced
	return st
}
