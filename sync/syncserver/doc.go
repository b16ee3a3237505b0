// Package syncserver owns the head office's HTTP side: the API registers
// push their journals to (syncproto over JSON), health endpoints, and a
// minimal status page. It verifies nothing itself: hqstore checks the chain;
// this package checks that requests are well formed and maps outcomes to
// the wire.
package syncserver
