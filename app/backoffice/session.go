package backoffice

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/tillpos/till/app/headoffice"
)

// sessionCookie holds the session token; only its hash is stored.
const sessionCookie = "till_session"

// csrfField is the hidden form field every POST form carries.
const csrfField = "csrf"

// adminTokenActor is who the admin API's bearer token acts as.
const adminTokenActor = "admin-token"

// viewer is who is looking at a page.
type viewer struct {
	Account headoffice.Account
	CSRF    string // "" for bearer-token requests, which need none
}

// CanChange reports whether the viewer may change anything at all.
func (v *viewer) CanChange() bool { return v.Account.Role.CanChange() }

// IsOwner reports whether the viewer is an owner.
func (v *viewer) IsOwner() bool { return v.Account.Role == headoffice.RoleOwner }

func (v *viewer) actor() headoffice.Actor { return headoffice.Actor(v.Account.Name) }

// csrfToken is the session's CSRF token: derived from the session token,
// so it needs no storage and dies with the session; a page from another
// origin can read neither.
func csrfToken(sessionToken string) string {
	m := hmac.New(sha256.New, []byte(sessionToken))
	m.Write([]byte("till back-office csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// setSessionCookie: HttpOnly (no script reads it), SameSite=Strict (no other
// site's page sends it), Secure whenever the page came over TLS, and a
// lifetime no longer than the session's.
func (b *BackOffice) setSessionCookie(w http.ResponseWriter, r *http.Request, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: r.TLS != nil || b.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
}

// sessionViewer is the viewer of r's session cookie, if it is live.
func (b *BackOffice) sessionViewer(ctx context.Context, r *http.Request) (*viewer, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, headoffice.ErrSessionEnded
	}
	a, err := b.ho.Authenticate(ctx, c.Value)
	if err != nil {
		return nil, err
	}
	return &viewer{Account: a, CSRF: csrfToken(c.Value)}, nil
}

// bearerViewer is the owner-equivalent viewer of a request with the admin
// token (scripts); nil otherwise.
func (b *BackOffice) bearerViewer(r *http.Request) *viewer {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || !b.isAdminToken(tok) {
		return nil
	}
	return &viewer{Account: headoffice.Account{Name: adminTokenActor, Role: headoffice.RoleOwner}}
}

// access says who may use a page: every logged-in role may read; POSTs
// additionally pass the check, if any.
type access func(*viewer) bool

func ownersOnly(v *viewer) bool   { return v.IsOwner() }
func changersOnly(v *viewer) bool { return v.CanChange() }

// page guards a back-office page: a live session (or the admin token) or a
// redirect to the login page; every POST must come from our own origin and
// carry the session's CSRF token, and pass mayPost.
func (b *BackOffice) page(mayPost access, h func(http.ResponseWriter, *http.Request, *viewer)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := b.bearerViewer(r)
		if v == nil {
			var err error
			v, err = b.sessionViewer(r.Context(), r)
			if errors.Is(err, headoffice.ErrSessionEnded) {
				b.setSessionCookie(w, r, "", -1)
				if r.Method != http.MethodGet {
					http.Error(w, "Your session has ended. Log in again.", http.StatusUnauthorized)
					return
				}
				http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			} else if err != nil {
				b.log.ErrorContext(r.Context(), "session check failed", "err", err)
				http.Error(w, "The head office database is not reachable. Try again in a minute.", http.StatusServiceUnavailable)
				return
			}
		}
		if r.Method == http.MethodPost {
			if v.CSRF != "" && !b.formFromUs(w, r, v) {
				return
			}
			if mayPost != nil && !mayPost(v) {
				b.log.WarnContext(r.Context(), "change refused", "account", v.Account.Name, "role", v.Account.Role, "path", r.URL.Path)
				http.Error(w, "Your role may not change this. Ask an owner.", http.StatusForbidden)
				return
			}
		}
		h(w, r.WithContext(headoffice.WithActor(r.Context(), v.actor())), v)
	})
}

// formFromUs checks a cookie-authenticated POST: same origin (Origin, else
// Referer; one must be there) and the CSRF token. It answers 403 itself.
func (b *BackOffice) formFromUs(w http.ResponseWriter, r *http.Request, v *viewer) bool {
	r.Body = http.MaxBytesReader(w, r.Body, b.cfg.MaxFormBytes)
	if !sameOrigin(r) {
		b.log.WarnContext(r.Context(), "cross-origin form refused", "path", r.URL.Path, "origin", r.Header.Get("Origin"), "referer", r.Header.Get("Referer"))
		http.Error(w, "This form was sent from another site and was refused.", http.StatusForbidden)
		return false
	}
	got := r.PostFormValue(csrfField) // parses multipart forms too
	if subtle.ConstantTimeCompare([]byte(got), []byte(v.CSRF)) != 1 {
		b.log.WarnContext(r.Context(), "form without a valid CSRF token refused", "path", r.URL.Path, "account", v.Account.Name)
		http.Error(w, "This form is out of date or was not sent from the back office. Reload the page and try again.", http.StatusForbidden)
		return false
	}
	return true
}

// sameOrigin: the browser says where the form came from; it must be this
// host. A request that says neither is refused (every browser sends Origin
// on a POST).
func sameOrigin(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return false
	}
	src := r.Header.Get("Origin")
	if src == "" || src == "null" {
		src = r.Header.Get("Referer")
	}
	u, err := url.Parse(src)
	if src == "" || err != nil {
		return false
	}
	return u.Host == r.Host
}
