package backoffice

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/sync/syncproto"
)

var staffTemplate = pageTemplate("staff.html")

type staffData struct {
	Employees []headoffice.Employee
	Roles     []string
	HasStores bool
	// NewPIN is shown once, right after it was made.
	NewPIN, NewPINFor string
}

func (b *BackOffice) staffPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	b.renderStaff(w, r, v, http.StatusOK, staffData{}, "")
}

func (b *BackOffice) renderStaff(w http.ResponseWriter, r *http.Request, v *viewer, status int, d staffData, errMsg string) {
	es, err := b.ho.Employees(r.Context())
	if err != nil {
		b.unavailable(w, r, "staff page", err)
		return
	}
	stores, err := b.ho.Stores(r.Context())
	if err != nil {
		b.unavailable(w, r, "staff page", err)
		return
	}
	d.Employees, d.Roles, d.HasStores = es, headoffice.EmployeeRoles, len(stores) > 0
	b.render(w, r, status, staffTemplate, pageData{Title: "Staff", Section: "/admin/staff", Viewer: v, Data: d, Error: errMsg})
}

func (b *BackOffice) staffAdd(w http.ResponseWriter, r *http.Request, v *viewer) {
	id, name := strings.TrimSpace(r.PostFormValue("id")), strings.TrimSpace(r.PostFormValue("name"))
	pin, err := b.ho.AddEmployee(r.Context(), id, name, r.PostFormValue("role"))
	if msg, ok := userError(err); ok {
		b.renderStaff(w, r, v, http.StatusUnprocessableEntity, staffData{}, msg)
		return
	} else if err != nil {
		b.log.ErrorContext(r.Context(), "add employee", "err", err)
		http.Error(w, "The head office could not store the employee; retry later.", http.StatusInternalServerError)
		return
	}
	b.renderStaff(w, r, v, http.StatusOK, staffData{NewPIN: pin, NewPINFor: name}, "")
}

func (b *BackOffice) staffResetPIN(w http.ResponseWriter, r *http.Request, v *viewer) {
	id := r.PathValue("eid")
	pin, err := b.ho.ResetEmployeePIN(r.Context(), id)
	if errors.Is(err, headoffice.ErrNotFound) {
		http.Error(w, "There is no such employee.", http.StatusNotFound)
		return
	} else if err != nil {
		b.log.ErrorContext(r.Context(), "reset PIN", "err", err)
		http.Error(w, "The head office could not store the PIN; retry later.", http.StatusInternalServerError)
		return
	}
	b.renderStaff(w, r, v, http.StatusOK, staffData{NewPIN: pin, NewPINFor: id}, "")
}

func (b *BackOffice) staffSetActive(w http.ResponseWriter, r *http.Request, v *viewer) {
	id := r.PathValue("eid")
	active := r.PostFormValue("active") == "true"
	err := b.ho.SetEmployeeActive(r.Context(), id, active)
	if errors.Is(err, headoffice.ErrNotFound) {
		http.Error(w, "There is no such employee.", http.StatusNotFound)
		return
	} else if err != nil {
		b.log.ErrorContext(r.Context(), "employee active", "err", err)
		http.Error(w, "The head office could not store the change; retry later.", http.StatusInternalServerError)
		return
	}
	msg := id + " deactivated: registers refuse their PIN after their next sync"
	if active {
		msg = id + " active again"
	}
	http.Redirect(w, r, "/admin/staff?done="+url.QueryEscape(msg), http.StatusSeeOther)
}

// AdminEmployee is an employee in the admin API (never the PIN hash).
type AdminEmployee struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	Active bool   `json:"active"`
}

// AdminNewEmployee is the body of POST /v1/admin/employees.
type AdminNewEmployee struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// AdminPINResponse carries a new PIN, once.
type AdminPINResponse struct {
	ID  string `json:"id"`
	PIN string `json:"pin"`
}

// AdminActiveRequest is the body of POST /v1/admin/employees/{eid}/active.
type AdminActiveRequest struct {
	Active bool `json:"active"`
}

func (b *BackOffice) adminEmployees(w http.ResponseWriter, r *http.Request) {
	es, err := b.ho.Employees(r.Context())
	if err != nil {
		b.adminWriteFailed(w, r, err)
		return
	}
	out := make([]AdminEmployee, len(es))
	for i, e := range es {
		out[i] = AdminEmployee{ID: e.ID, Name: e.Name, Role: e.Role, Active: e.IsActive()}
	}
	writeJSON(w, http.StatusOK, out)
}

func (b *BackOffice) adminAddEmployee(w http.ResponseWriter, r *http.Request) {
	var req AdminNewEmployee
	if status, code, msg := decodeStrict(w, r, 1<<14, &req); status != 0 {
		writeError(w, status, code, msg)
		return
	}
	pin, err := b.ho.AddEmployee(r.Context(), req.ID, req.Name, req.Role)
	if errors.Is(err, headoffice.ErrExists) {
		writeError(w, http.StatusConflict, syncproto.CodeInvalid, "employee "+req.ID+" exists")
		return
	} else if err != nil {
		b.adminWriteFailed(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, AdminPINResponse{ID: req.ID, PIN: pin})
}

func (b *BackOffice) adminResetPIN(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("eid")
	pin, err := b.ho.ResetEmployeePIN(r.Context(), id)
	if errors.Is(err, headoffice.ErrNotFound) {
		writeError(w, http.StatusNotFound, syncproto.CodeNotFound, "there is no employee "+id)
		return
	} else if err != nil {
		b.adminWriteFailed(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, AdminPINResponse{ID: id, PIN: pin})
}

func (b *BackOffice) adminSetActive(w http.ResponseWriter, r *http.Request) {
	var req AdminActiveRequest
	if status, code, msg := decodeStrict(w, r, 1<<10, &req); status != 0 {
		writeError(w, status, code, msg)
		return
	}
	id := r.PathValue("eid")
	err := b.ho.SetEmployeeActive(r.Context(), id, req.Active)
	if errors.Is(err, headoffice.ErrNotFound) {
		writeError(w, http.StatusNotFound, syncproto.CodeNotFound, "there is no employee "+id)
		return
	} else if err != nil {
		b.adminWriteFailed(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
