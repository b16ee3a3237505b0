package syncserver

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/sync/syncproto"
)

// routeCatalog adds the catalog feed and heartbeat endpoints.
func (s *Server) routeCatalog(mux *http.ServeMux) {
	mux.Handle("GET /v1/stores/{sid}/changes", s.storeAPI(s.changes))
	mux.Handle("GET /v1/stores/{sid}/snapshot", s.storeAPI(s.snapshot))
	mux.Handle("POST /v1/registers/{rid}/heartbeat", s.inFlight(s.registerAPI(true, s.metrics.instrument(false, s.heartbeat))))
	mux.Handle("/v1/registers/{rid}/heartbeat", methodNotAllowed(http.MethodPost))
}

// storeAPI is the middleware of /v1/stores/{sid}/: the register named in
// Till-Register authenticates with its token and may read only its own
// store.
func (s *Server) storeAPI(next func(http.ResponseWriter, *http.Request, string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(syncproto.HeaderProtocol, s.ownVersion)
		sid, rid := r.PathValue("sid"), r.Header.Get(syncproto.HeaderRegister)
		if !validRegisterID.MatchString(sid) {
			writeError(w, http.StatusBadRequest, syncproto.CodeBadRequest, "store id must be 1 to 64 letters, digits, '.', '_' or '-'")
			return
		}
		if !s.versionOK(w, r, false) {
			return
		}
		if !s.cfg.AllowUnenrolled {
			acct, err := s.authenticate(w, r, rid)
			if err != nil {
				return
			}
			if acct.StoreID != sid {
				s.log.WarnContext(r.Context(), "register asked for another store", "register", rid, "own_store", acct.StoreID, "store", sid)
				writeError(w, http.StatusForbidden, syncproto.CodeForbidden, "a register may read only its own store's catalog")
				return
			}
		}
		if auth := s.cfg.AuthenticateRegister; auth != nil {
			if err := auth(r, rid); err != nil {
				writeError(w, http.StatusUnauthorized, syncproto.CodeUnauthorized, "this register is not allowed to sync")
				return
			}
		}
		next(w, r, sid)
	})
}

func wireChanges(cs []hqstore.Change) []syncproto.CatalogChange {
	out := make([]syncproto.CatalogChange, len(cs))
	for i, c := range cs {
		out[i] = syncproto.CatalogChange{Cursor: c.Cursor, Kind: c.Kind, ID: c.ID, Data: c.Data}
	}
	return out
}

func (s *Server) changes(w http.ResponseWriter, r *http.Request, sid string) {
	q := r.URL.Query()
	cursor, err1 := strconv.ParseInt(cmpOr(q.Get("cursor"), "0"), 10, 64)
	limit, err2 := strconv.Atoi(cmpOr(q.Get("limit"), "0"))
	if err1 != nil || err2 != nil || cursor < 0 || limit < 0 {
		writeError(w, http.StatusBadRequest, syncproto.CodeBadRequest, "cursor and limit must be whole numbers >= 0")
		return
	}
	page, err := s.cfg.Store.CatalogChanges(r.Context(), sid, cursor, limit)
	if errors.Is(err, hqstore.ErrCursorGone) {
		writeError(w, http.StatusGone, syncproto.CodeCursorGone,
			"the head office no longer keeps changes that old; fetch /v1/stores/"+sid+"/snapshot")
		return
	} else if err != nil {
		s.log.ErrorContext(r.Context(), "catalog changes failed", "store", sid, "err", err)
		writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "the head office could not read its catalog; retry later")
		return
	}
	writeJSON(w, http.StatusOK, syncproto.ChangesResponse{StoreID: sid, Changes: wireChanges(page.Changes),
		NextCursor: page.NextCursor, More: page.More})
}

func (s *Server) snapshot(w http.ResponseWriter, r *http.Request, sid string) {
	snap, err := s.cfg.Store.CatalogSnapshot(r.Context(), sid)
	if err != nil {
		s.log.ErrorContext(r.Context(), "catalog snapshot failed", "store", sid, "err", err)
		writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "the head office could not read its catalog; retry later")
		return
	}
	writeJSON(w, http.StatusOK, syncproto.SnapshotResponse{StoreID: sid, Cursor: snap.Cursor, Records: wireChanges(snap.Records)})
}

func (s *Server) heartbeat(w http.ResponseWriter, r *http.Request, rid string) {
	var req syncproto.HeartbeatRequest
	if status, code, msg := decodeStrict(w, r, syncproto.MaxHeartbeatBytes, &req); status != 0 {
		s.metrics.refused("heartbeat_invalid")
		writeError(w, status, code, msg)
		return
	}
	// Every name and figure becomes metric series and rows: only the known
	// ones, within bounds (a negative counter once panicked the metrics).
	if err := req.Check(); err != nil {
		s.metrics.refused("heartbeat_invalid")
		s.sampled.Warn(r.Context(), "heartbeat refused", "register", rid, "err", err)
		writeError(w, http.StatusBadRequest, syncproto.CodeInvalid, err.Error())
		return
	}
	now := s.cfg.Now()
	h := hqstore.RegisterHealth{RegisterID: rid, ReceivedAt: now, AppVersion: req.AppVersion,
		OutboxDepth: req.OutboxDepth, OldestUnsynced: time.Duration(req.OldestUnsyncedMS) * time.Millisecond,
		ClockOffset: time.Duration(req.ClockOffsetMS) * time.Millisecond, Devices: req.Devices, Counters: req.Counters,
		SyncState: req.SyncState, SyncProblem: req.SyncProblem}
	if len(req.Latencies) > 0 {
		h.Latencies = map[string]hqstore.LatencySummary{}
		for k, l := range req.Latencies {
			h.Latencies[k] = hqstore.LatencySummary{Count: l.Count, P50: msDuration(l.P50MS), P99: msDuration(l.P99MS)}
		}
	}
	if err := s.cfg.Store.PutRegisterHealth(r.Context(), h); err != nil {
		s.log.ErrorContext(r.Context(), "heartbeat not stored", "register", rid, "err", err)
		writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "the head office could not store the heartbeat; retry later")
		return
	}
	s.metrics.recordHealth(h)
	writeJSON(w, http.StatusOK, syncproto.HeartbeatResponse{ServerTime: now})
}

func msDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
