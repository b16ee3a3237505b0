package backoffice

import (
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/tillpos/till/app/headoffice"
)

var loginTemplate = pageTemplate("login.html")

type loginData struct {
	Name string
	Next string
}

// safeNext keeps a post-login redirect on this site: a path, never
// "//host" or a full URL.
func safeNext(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
		return "/admin"
	}
	return s
}

func (b *BackOffice) loginPage(w http.ResponseWriter, r *http.Request) {
	if v, err := b.sessionViewer(r.Context(), r); err == nil && v != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	b.render(w, r, http.StatusOK, loginTemplate, pageData{Title: "Log in", Data: loginData{Next: safeNext(r.URL.Query().Get("next"))}})
}

// loginSubmit: the form comes from our own origin (login CSRF), each
// address and each account is rate limited, and every failure reads the
// same.
func (b *BackOffice) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<14)
	if !sameOrigin(r) {
		http.Error(w, "This form was sent from another site and was refused.", http.StatusForbidden)
		return
	}
	name := strings.ToLower(strings.TrimSpace(r.PostFormValue("name")))
	d := loginData{Name: name, Next: safeNext(r.PostFormValue("next"))}
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	if !b.logins.allow(ip, name, b.ho.Now()) {
		b.log.WarnContext(r.Context(), "login rate limited", "account", name, "remote", ip)
		w.Header().Set("Retry-After", "30")
		b.render(w, r, http.StatusTooManyRequests, loginTemplate, pageData{Title: "Log in", Data: d,
			Error: "Too many attempts. Wait a minute and try again."})
		return
	}
	res, err := b.ho.Login(r.Context(), name, r.PostFormValue("password"), strings.TrimSpace(r.PostFormValue("code")))
	if errors.Is(err, headoffice.ErrLoginFailed) {
		b.log.WarnContext(r.Context(), "login failed", "account", name, "remote", ip)
		b.render(w, r, http.StatusUnauthorized, loginTemplate, pageData{Title: "Log in", Data: d,
			Error: "The name, password or code is wrong."})
		return
	} else if err != nil {
		b.log.ErrorContext(r.Context(), "login", "err", err)
		http.Error(w, "The head office database is not reachable. Try again in a minute.", http.StatusServiceUnavailable)
		return
	}
	b.log.InfoContext(r.Context(), "logged in", "account", name, "remote", ip)
	b.setSessionCookie(w, r, res.Token, int(headoffice.SessionMaxAge.Seconds()))
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (b *BackOffice) logout(w http.ResponseWriter, r *http.Request, v *viewer) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := b.ho.Logout(r.Context(), c.Value); err != nil {
			b.log.ErrorContext(r.Context(), "logout", "err", err)
		}
	}
	b.setSessionCookie(w, r, "", -1)
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}

func (b *BackOffice) overview(w http.ResponseWriter, r *http.Request, v *viewer) {
	b.render(w, r, http.StatusOK, overviewTemplate, pageData{Title: "Overview", Section: "/admin", Viewer: v, Data: sections[1:]})
}

var overviewTemplate = pageTemplate("overview.html")
