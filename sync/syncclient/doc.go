// Package syncclient owns the register's side of syncing: a Syncer that
// pushes the journal entries waiting in the register's outbox to the head
// office, acknowledges what the head office holds, retries with backoff
// while it is unreachable, and reports its state for the status strip.
// Nothing on the sale path waits for it: a sale only calls Kick.
package syncclient
