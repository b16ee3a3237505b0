package syncclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/sync/syncproto"
)

// maxResponseBytes bounds what the syncer reads from the head office.
const maxResponseBytes = 4 << 20

func (s *Syncer) endpoint(suffix string) string {
	return s.cfg.BaseURL + "/v1/registers/" + url.PathEscape(s.cfg.RegisterID) + suffix
}

func (s *Syncer) push(ctx context.Context, entries []pos.Entry) (syncproto.PushBatchResponse, error) {
	var resp syncproto.PushBatchResponse
	wire := syncproto.FromPosAll(entries)
	if s.cfg.Key != nil {
		for i := range wire {
			wire[i].Sig = syncproto.SignEntryHash(s.cfg.Key, wire[i].Hash)
		}
	}
	body, err := json.Marshal(syncproto.PushBatchRequest{Entries: wire})
	if err != nil {
		return resp, fmt.Errorf("syncclient: encode batch: %w", err)
	}
	err = s.do(ctx, http.MethodPost, s.endpoint("/sales:batch"), body, &resp)
	if err == nil && len(resp.Results) != len(entries) {
		err = fmt.Errorf("syncclient: head office answered %d results for %d entries", len(resp.Results), len(entries))
	}
	return resp, err
}

// RemoteState asks the head office what it holds of this register's journal.
func (s *Syncer) RemoteState(ctx context.Context) (syncproto.SyncState, error) {
	var st syncproto.SyncState
	err := s.do(ctx, http.MethodGet, s.endpoint("/sync-state"), nil, &st)
	return st, err
}

func (s *Syncer) do(ctx context.Context, method, u string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("syncclient: %w", err)
	}
	req.Header.Set(syncproto.HeaderProtocol, syncproto.VersionString)
	req.Header.Set("Accept", syncproto.ContentType)
	req.Header.Set(syncproto.HeaderRegister, s.cfg.RegisterID) // names the caller on /v1/stores/ paths
	if s.cfg.Token != "" {
		req.Header.Set("Authorization", "Bearer "+s.cfg.Token)
	}
	if body != nil {
		req.Header.Set("Content-Type", syncproto.ContentType)
	}
	res, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("syncclient: %s %s: %w", method, u, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxResponseBytes))
	if err != nil {
		return fmt.Errorf("syncclient: read answer of %s: %w", u, err)
	}
	if res.StatusCode/100 != 2 {
		he := &HTTPError{StatusCode: res.StatusCode}
		var e syncproto.Error
		if json.Unmarshal(data, &e) == nil {
			he.Code, he.Message = e.Code, e.Message
		}
		if res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusServiceUnavailable {
			he.RetryAfter = parseRetryAfter(res.Header.Get("Retry-After"), s.cfg.Clock.Now())
		}
		return he
	}
	// Unknown fields are allowed here: a newer head office may add some.
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("syncclient: answer of %s is not valid: %w", u, err)
	}
	return nil
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 if absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		return max(time.Duration(n)*time.Second, 0)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}
