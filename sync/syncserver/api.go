package syncserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/sync/syncproto"
)

func (s *Server) pushBatch(w http.ResponseWriter, r *http.Request, rid string) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != syncproto.ContentType {
		writeError(w, http.StatusUnsupportedMediaType, syncproto.CodeUnsupportedMedia, "send Content-Type: application/json")
		return
	}
	req, status, code, msg := decodeBatch(w, r, s.cfg.MaxBodyBytes)
	if status != 0 {
		s.metrics.refused("batch_invalid")
		writeError(w, status, code, msg)
		return
	}
	entries := make([]pos.Entry, len(req.Entries))
	for i, we := range req.Entries {
		e, err := we.ToPos()
		if err != nil {
			writeError(w, http.StatusBadRequest, syncproto.CodeBadRequest, fmt.Sprintf("entries[%d]: %v", i, err))
			return
		}
		entries[i] = e
	}

	// With enrollment, entries are screened for signature and store first;
	// the first that fails and everything after it are rejected, as a
	// broken chain would be.
	cut, cutReason := len(entries), ""
	if acct, ok := accountFrom(r.Context()); ok {
		cut, cutReason = screenEntries(acct, req.Entries, entries)
	}
	outcomes, acked, err := s.cfg.Store.IngestBatch(r.Context(), rid, entries[:cut])
	for i := cut; err == nil && i < len(entries); i++ {
		reason := hqstore.ReasonOutOfSequence
		if i == cut {
			reason = cutReason
		}
		outcomes = append(outcomes, hqstore.Outcome{ID: entries[i].ID, Seq: entries[i].Seq, Status: hqstore.Rejected, Reason: reason})
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "ingest failed", "register", rid, "entries", len(entries), "err", err)
		writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "the head office could not store the batch; retry later")
		s.metrics.batchFailed()
		return
	}
	resp := syncproto.PushBatchResponse{Results: make([]syncproto.EntryResult, len(outcomes)), AckedThroughSeq: acked}
	var stored, dup, rejected int
	for i, o := range outcomes {
		resp.Results[i] = syncproto.EntryResult{ID: o.ID, Seq: o.Seq, Status: syncproto.Status(o.Status), Reason: o.Reason}
		switch o.Status {
		case hqstore.Stored:
			stored++
		case hqstore.Duplicate:
			dup++
		case hqstore.Rejected:
			if rejected == 0 { // the rest of the batch is "out of sequence": log the cause once
				s.log.WarnContext(r.Context(), "entry rejected", "register", rid, "seq", o.Seq, "id", o.ID, "reason", o.Reason)
			}
			rejected++
		}
	}
	s.log.InfoContext(r.Context(), "batch ingested", "register", rid, "stored", stored, "duplicate", dup,
		"rejected", rejected, "acked_through", acked)
	s.metrics.observeBatch(rid, stored, dup, rejected)
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) syncState(w http.ResponseWriter, r *http.Request, rid string) {
	st, err := s.cfg.Store.SyncState(r.Context(), rid)
	if err != nil {
		s.log.ErrorContext(r.Context(), "sync state failed", "register", rid, "err", err)
		writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "the head office could not read its state; retry later")
		return
	}
	writeJSON(w, http.StatusOK, syncproto.SyncState{RegisterID: st.RegisterID, LastSeq: st.LastSeq, LastHash: st.LastHash})
}

func (s *Server) livez(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "live"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		s.log.ErrorContext(r.Context(), "not ready", "err", err)
		writeError(w, http.StatusServiceUnavailable, syncproto.CodeUnavailable, "the database is not reachable")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// decodeBatch reads a PushBatchRequest entry by entry and stops as soon as
// the body passes limit bytes or the batch passes syncproto.MaxBatch
// entries: memory is bounded by what a valid batch needs, never by what a
// caller sends. Strict as decodeStrict: one object, its one key "entries"
// (once), no unknown fields, nothing after it.
func decodeBatch(w http.ResponseWriter, r *http.Request, limit int64) (req syncproto.PushBatchRequest, status int, code, msg string) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	fail := func(err error) (syncproto.PushBatchRequest, int, string, string) {
		st, c, m := decodeError(err)
		return syncproto.PushBatchRequest{}, st, c, m
	}
	if err := expectDelim(dec, '{'); err != nil {
		return fail(err)
	}
	seen := false
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		if key != "entries" || seen {
			return fail(fmt.Errorf("unexpected key %q: the body is {\"entries\":[...]}", key))
		}
		seen = true
		if t, err := dec.Token(); err != nil {
			return fail(err)
		} else if t == nil {
			continue // "entries": null is an empty batch, as json.Unmarshal reads it
		} else if t != json.Delim('[') {
			return fail(fmt.Errorf("entries must be an array, got %v", t))
		}
		for dec.More() {
			if len(req.Entries) == syncproto.MaxBatch {
				return syncproto.PushBatchRequest{}, http.StatusBadRequest, syncproto.CodeBatchTooLarge,
					fmt.Sprintf("a batch holds at most %d entries; send smaller batches", syncproto.MaxBatch)
			}
			var e syncproto.Entry
			if err := dec.Decode(&e); err != nil {
				return fail(err)
			}
			if n := len(e.Payload) + len(e.PayloadB64); n > syncproto.MaxPayloadBytes {
				return syncproto.PushBatchRequest{}, http.StatusBadRequest, syncproto.CodeBadRequest,
					fmt.Sprintf("entries[%d]: payload of %d bytes is over the limit of %d", len(req.Entries), n, syncproto.MaxPayloadBytes)
			}
			req.Entries = append(req.Entries, e)
		}
		if err := expectDelim(dec, ']'); err != nil {
			return fail(err)
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return fail(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fail(cmpOrErr(err, errors.New("unexpected data after the JSON body")))
	}
	return req, 0, "", ""
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t != d {
		return fmt.Errorf("want %v, got %v", d, t)
	}
	return nil
}

func cmpOrErr(err, otherwise error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	return otherwise
}

// decodeStrict reads exactly one JSON value with no unknown fields into v.
// It returns a zero status on success, else the error response to send.
func decodeStrict(w http.ResponseWriter, r *http.Request, limit int64, v any) (status int, code, msg string) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); !errors.Is(extra, io.EOF) {
			err = errors.New("unexpected data after the JSON body")
		}
	}
	if err == nil {
		return 0, "", ""
	}
	return decodeError(err)
}

// decodeError is the answer to a body that failed to decode.
func decodeError(err error) (status int, code, msg string) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, syncproto.CodeBodyTooLarge,
			fmt.Sprintf("the body is larger than %d bytes; send smaller batches", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return http.StatusBadRequest, syncproto.CodeBadRequest, "the body is empty"
	default:
		return http.StatusBadRequest, syncproto.CodeBadRequest, "malformed JSON: " + err.Error()
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // only our own wire types get here; they always marshal
		status, body = http.StatusInternalServerError, []byte(`{"code":"internal","message":"internal error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", syncproto.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, syncproto.Error{Code: code, Message: msg})
}
