// Package syncproto owns the wire format between a register and the head
// office: JSON request and response bodies, the protocol version header and
// the conversion of journal entries to and from pos.Entry. It has no I/O.
package syncproto
