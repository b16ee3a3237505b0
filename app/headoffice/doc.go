// Package headoffice holds the head office's use cases (the dashboard and
// status figures, register enrollment, catalog administration) and declares
// the ports they need (ports.go). It is to the head office what app/register
// is to the register: no HTTP, no SQL; store/hqstore implements its ports and
// app/backoffice shows its results.
package headoffice
