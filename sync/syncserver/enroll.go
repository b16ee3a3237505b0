package syncserver

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/sync/syncproto"
)

// hashSecret is what is kept of a bearer token: its hex SHA-256.
func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// enroll is POST /v1/enroll.
func (s *Server) enroll(w http.ResponseWriter, r *http.Request) {
	w.Header().Set(syncproto.HeaderProtocol, s.ownVersion)
	if !s.versionOK(w, r, true) {
		return
	}
	// Every attempt counts, not only failures: a code is 80 random bits,
	// but each guess costs a write lock on the database.
	if ok, wait := s.enrollLim.allow(sourceIP(r), s.cfg.Now()); !ok {
		s.metrics.refused("rate_limited")
		s.sampled.Warn(r.Context(), "enrollment rate-limited", "remote", sourceIP(r))
		tooMany(w, wait, "too many enrollment attempts; retry later")
		return
	}
	var req syncproto.EnrollRequest
	if status, code, msg := decodeStrict(w, r, 64<<10, &req); status != 0 {
		writeError(w, status, code, msg)
		return
	}
	pub, err := base64.StdEncoding.DecodeString(req.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		writeError(w, http.StatusBadRequest, syncproto.CodeBadRequest, "public_key must be a base64 Ed25519 public key (32 bytes)")
		return
	}
	token := make([]byte, 32)
	rand.Read(token)
	tok := base64.RawURLEncoding.EncodeToString(token)
	acct, err := s.cfg.Store.Enroll(r.Context(), headoffice.EnrollmentCodeHash(req.Code), pub, hashSecret(tok), s.cfg.Now())
	switch {
	case errors.Is(err, hqstore.ErrCodeInvalid):
		s.sampled.Warn(r.Context(), "enrollment refused: unknown or used code", "remote", r.RemoteAddr)
		writeError(w, http.StatusUnauthorized, syncproto.CodeEnrollmentInvalid, "this enrollment code is unknown or was already used; ask the head office for a new one")
		return
	case errors.Is(err, hqstore.ErrCodeExpired):
		s.sampled.Warn(r.Context(), "enrollment refused: expired code", "remote", r.RemoteAddr)
		writeError(w, http.StatusUnauthorized, syncproto.CodeEnrollmentExpired, "this enrollment code has expired; ask the head office for a new one")
		return
	case err != nil:
		s.log.ErrorContext(r.Context(), "enroll failed", "err", err)
		writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "the head office could not enroll the register; retry later")
		return
	}
	s.log.InfoContext(r.Context(), "register enrolled", "register", acct.ID, "store", acct.StoreID, "remote", r.RemoteAddr)
	writeJSON(w, http.StatusOK, syncproto.EnrollResponse{RegisterID: acct.ID, StoreID: acct.StoreID, Token: tok,
		CertFingerprint: s.cfg.CertFingerprint})
}

type accountKey struct{}

// accountFrom is the authenticated register of a request, if enrollment is required.
func accountFrom(ctx context.Context) (hqstore.RegisterAccount, bool) {
	a, ok := ctx.Value(accountKey{}).(hqstore.RegisterAccount)
	return a, ok
}

// errNotAllowed is what every authentication failure looks like from outside:
// the log has the detail, the client learns nothing about which part failed.
var errNotAllowed = errors.New("not allowed")

// authenticateToken checks the bearer token of r against registerID's
// stored token hash and returns the account.
func (s *Server) authenticateToken(r *http.Request, registerID string) (hqstore.RegisterAccount, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		return hqstore.RegisterAccount{}, fmt.Errorf("%w: no bearer token", errNotAllowed)
	}
	acct, err := s.cfg.Store.RegisterAccount(r.Context(), registerID)
	if errors.Is(err, hqstore.ErrNotFound) {
		return hqstore.RegisterAccount{}, fmt.Errorf("%w: register not known", errNotAllowed)
	} else if err != nil {
		return hqstore.RegisterAccount{}, err
	}
	if acct.Revoked() { // its token hash is wiped too; this names why in the log
		return hqstore.RegisterAccount{}, fmt.Errorf("%w: register revoked", errNotAllowed)
	}
	if !acct.Enrolled() {
		return hqstore.RegisterAccount{}, fmt.Errorf("%w: register not enrolled yet", errNotAllowed)
	}
	if subtle.ConstantTimeCompare([]byte(hashSecret(tok)), []byte(acct.TokenHash)) != 1 {
		return hqstore.RegisterAccount{}, fmt.Errorf("%w: wrong token", errNotAllowed)
	}
	return acct, nil
}

// Reasons for entries refused before they reach the store. Each breaks the
// chain from that entry on: nothing after it can be stored.
const (
	ReasonBadSignature = "signature missing or not made by this register's key"
	ReasonWrongStore   = "entry names store %q; this register belongs to store %q"
)

// ReasonNotCanonical refuses a payload that is not canonical JSON
// (pos.CheckCanonicalJSON): the store check below and the head office's
// ingest must read the same value from it.
const ReasonNotCanonical = "payload: %v"

// screenEntries checks what only the server knows (the register's key and
// store) and returns the index of the first entry that fails, with why, or
// len(entries).
func screenEntries(acct hqstore.RegisterAccount, wire []syncproto.Entry, entries []pos.Entry) (int, string) {
	for i, e := range entries {
		if !syncproto.VerifyEntryHash(acct.PublicKey, e.Hash, wire[i].Sig) {
			return i, ReasonBadSignature
		}
		id, err := storeOf(e.Payload)
		if err != nil {
			return i, fmt.Sprintf(ReasonNotCanonical, err)
		}
		if id != "" && id != acct.StoreID {
			return i, fmt.Sprintf(ReasonWrongStore, id, acct.StoreID)
		}
	}
	return len(entries), ""
}

// storeOf reads the top-level "store_id" of a payload, if any, with the one
// decoder ingest uses too (pos.DecodeCanonical): whatever it refuses, no
// reader sees, and whatever it reads, every reader reads the same way. An
// empty payload names no store.
func storeOf(payload []byte) (string, error) {
	if len(payload) == 0 {
		return "", nil
	}
	if payload[0] != '{' { // not an object: no store_id, but still canonical
		return "", pos.CheckCanonicalJSON(payload)
	}
	var v struct {
		StoreID string `json:"store_id"`
	}
	if err := pos.DecodeCanonical(payload, &v); err != nil {
		return "", err
	}
	return v.StoreID, nil
}
