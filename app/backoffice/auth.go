package backoffice

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/sync/syncproto"
)

// adminAPI checks the admin bearer token (Config.AdminToken) in constant
// time; without a configured token the admin API does not exist.
func (b *BackOffice) adminAPI(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b.cfg.AdminToken == "" {
			writeError(w, http.StatusNotFound, syncproto.CodeNotFound, "the admin API is not enabled")
			return
		}
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !b.isAdminToken(tok) {
			b.log.WarnContext(r.Context(), "admin request refused", "path", r.URL.Path, "remote", r.RemoteAddr)
			writeError(w, http.StatusUnauthorized, syncproto.CodeUnauthorized, "send the admin token as Authorization: Bearer TOKEN")
			return
		}
		next(w, r.WithContext(headoffice.WithActor(r.Context(), adminTokenActor)))
	})
}

// isAdminToken compares tok with the configured admin token in constant
// time: both sides are hashed first, so lengths leak nothing either.
func (b *BackOffice) isAdminToken(tok string) bool {
	got, want := sha256.Sum256([]byte(tok)), sha256.Sum256([]byte(b.cfg.AdminToken))
	return tok != "" && b.cfg.AdminToken != "" && subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// viewerAuth guards the human pages and /metrics: today's takings, register
// names and device states are the chain's business, not the network's. With
// an admin token configured (cmd/headoffice always has one) a request needs
// it, as "Authorization: Bearer TOKEN" (Prometheus) or as the password of
// HTTP Basic auth (a browser's login prompt; any user name), or a live
// back-office session (the nav links the dashboard). A back office
// built without a token (embedded tests) serves the pages openly.
func (b *BackOffice) viewerAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b.cfg.AdminToken == "" {
			next.ServeHTTP(w, r)
			return
		}
		tok, bearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !bearer {
			_, tok, _ = r.BasicAuth()
		}
		if !b.isAdminToken(tok) && !b.hasSession(r) {
			b.log.WarnContext(r.Context(), "page request refused", "path", r.URL.Path, "remote", r.RemoteAddr)
			w.Header().Set("WWW-Authenticate", `Basic realm="Till head office", charset="UTF-8"`)
			http.Error(w, "Log in at /admin/login, or with the head office's admin token as the password (see admin-token in its data folder).", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hasSession reports whether r carries a live back-office session.
func (b *BackOffice) hasSession(r *http.Request) bool {
	v, err := b.sessionViewer(r.Context(), r)
	return err == nil && v != nil
}
