// Package backoffice is the owner's side of the head office: the web pages
// (html/template), the admin JSON API and their authentication. It is to
// app/headoffice what app/ui is to app/register: it calls use cases and
// shows their results, and knows nothing of the database.
package backoffice
