package syncclient

// SetWaiting sets the hook Run calls when it starts waiting for its next
// pass (see Syncer.waiting). Call it before Run.
func SetWaiting(s *Syncer, f func()) { s.waiting = f }
