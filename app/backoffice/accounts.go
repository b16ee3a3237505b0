package backoffice

import (
	"errors"
	"net/http"
	"strings"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/sync/syncproto"
)

var accountsTemplate = pageTemplate("accounts.html")

type accountsData struct {
	Accounts []headoffice.Account
	Roles    []headoffice.Role
	Stores   []headoffice.StoreInfo
	Form     accountForm
	// NewTOTP is shown once, right after an account with TOTP is made.
	NewTOTP, NewTOTPURI string
}

type accountForm struct {
	Name, Role, Stores string
	TOTP               bool
}

func (b *BackOffice) accountsPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	b.renderAccounts(w, r, v, http.StatusOK, accountsData{}, "")
}

func (b *BackOffice) renderAccounts(w http.ResponseWriter, r *http.Request, v *viewer, status int, d accountsData, errMsg string) {
	var err error
	if d.Accounts, err = b.ho.Accounts(r.Context()); err == nil {
		d.Stores, err = b.ho.Stores(r.Context())
	}
	if err != nil {
		b.log.ErrorContext(r.Context(), "accounts page", "err", err)
		http.Error(w, "The head office database is not reachable. Try again in a minute.", http.StatusServiceUnavailable)
		return
	}
	d.Roles = headoffice.Roles
	b.render(w, r, status, accountsTemplate, pageData{Title: "People and access", Section: "/admin/accounts", Viewer: v, Data: d, Error: errMsg})
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}

func (b *BackOffice) accountsAdd(w http.ResponseWriter, r *http.Request, v *viewer) {
	f := accountForm{Name: strings.ToLower(strings.TrimSpace(r.PostFormValue("name"))), Role: r.PostFormValue("role"),
		Stores: r.PostFormValue("stores"), TOTP: r.PostFormValue("totp") == "on"}
	secret, err := b.ho.AddAccount(r.Context(), headoffice.NewAccount{Name: f.Name, Role: headoffice.Role(f.Role),
		Stores: splitList(f.Stores), Password: r.PostFormValue("password"), TOTP: f.TOTP})
	if msg, ok := userError(err); ok {
		b.renderAccounts(w, r, v, http.StatusUnprocessableEntity, accountsData{Form: f}, msg)
		return
	} else if err != nil {
		b.log.ErrorContext(r.Context(), "add account", "err", err)
		http.Error(w, "The head office could not store the account; retry later.", http.StatusInternalServerError)
		return
	}
	b.log.InfoContext(r.Context(), "account added", "account", f.Name, "role", f.Role, "by", v.Account.Name)
	if secret != "" { // shown once: the page, not a redirect, carries it
		b.renderAccounts(w, r, v, http.StatusOK, accountsData{NewTOTP: secret, NewTOTPURI: headoffice.TOTPURI(f.Name, secret)}, "")
		return
	}
	http.Redirect(w, r, "/admin/accounts?done="+f.Name+"+added", http.StatusSeeOther)
}

// userError is the sentence to show for an error the user can fix.
func userError(err error) (string, bool) {
	switch {
	case err == nil:
		return "", false
	case errors.Is(err, headoffice.ErrInvalidInput):
		return strings.TrimPrefix(err.Error(), headoffice.ErrInvalidInput.Error()+": "), true
	case errors.Is(err, headoffice.ErrExists):
		return "That name is taken.", true
	case pos.ErrorCode(err) == pos.EInvalid:
		return pos.ErrorMessage(err), true
	}
	return "", false
}

// AdminAccount is an account in the admin API (never its hashes).
type AdminAccount struct {
	Name     string   `json:"name"`
	Role     string   `json:"role"`
	Stores   []string `json:"stores,omitempty"`
	TOTP     bool     `json:"totp"`
	Disabled bool     `json:"disabled"`
	Created  string   `json:"created"`
}

// AdminNewAccount is the body of POST /v1/admin/accounts.
type AdminNewAccount struct {
	Name     string   `json:"name"`
	Role     string   `json:"role"`
	Stores   []string `json:"stores,omitempty"`
	Password string   `json:"password"`
	TOTP     bool     `json:"totp"`
}

// AdminNewAccountResponse carries the TOTP secret, once.
type AdminNewAccountResponse struct {
	Name       string `json:"name"`
	TOTPSecret string `json:"totp_secret,omitempty"`
	TOTPURI    string `json:"totp_uri,omitempty"`
}

func (b *BackOffice) adminAccounts(w http.ResponseWriter, r *http.Request) {
	as, err := b.ho.Accounts(r.Context())
	if err != nil {
		b.log.ErrorContext(r.Context(), "accounts", "err", err)
		writeError(w, http.StatusInternalServerError, syncproto.CodeInternal, "the head office could not read its accounts")
		return
	}
	out := make([]AdminAccount, len(as))
	for i, a := range as {
		out[i] = AdminAccount{Name: a.Name, Role: string(a.Role), Stores: a.Stores, TOTP: a.TOTPSecret != "", Disabled: a.Disabled,
			Created: a.CreatedAt.Format("2006-01-02T15:04:05Z07:00")}
	}
	writeJSON(w, http.StatusOK, out)
}

func (b *BackOffice) adminAddAccount(w http.ResponseWriter, r *http.Request) {
	var req AdminNewAccount
	if status, code, msg := decodeStrict(w, r, 1<<14, &req); status != 0 {
		writeError(w, status, code, msg)
		return
	}
	secret, err := b.ho.AddAccount(r.Context(), headoffice.NewAccount{Name: req.Name, Role: headoffice.Role(req.Role),
		Stores: req.Stores, Password: req.Password, TOTP: req.TOTP})
	if msg, ok := userError(err); ok {
		status := http.StatusBadRequest
		if errors.Is(err, headoffice.ErrExists) {
			status = http.StatusConflict
		}
		writeError(w, status, syncproto.CodeInvalid, msg)
		return
	} else if err != nil {
		b.adminWriteFailed(w, r, err)
		return
	}
	res := AdminNewAccountResponse{Name: req.Name, TOTPSecret: secret}
	if secret != "" {
		res.TOTPURI = headoffice.TOTPURI(req.Name, secret)
	}
	writeJSON(w, http.StatusCreated, res)
}
