package main

import "runtime/debug"

// DefaultMemoryLimitMiB is the register's soft memory limit: its live heap
// is ~20 MiB and a PIN check briefly needs 64 MiB more, so 150 MiB leaves
// room while keeping the GC from letting garbage pile up to the target a
// PIN hash raised (measured in docs/PERFORMANCE.md).
const DefaultMemoryLimitMiB = 150

// applyMemoryLimit sets the runtime's soft memory limit from the config
// unless GOMEMLIMIT is set (the runtime has applied it already), and
// returns the limit in force, in bytes.
func applyMemoryLimit(mib int64, getenv func(string) string) int64 {
	if getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1) // -1 reads the limit without changing it
	}
	if mib == 0 {
		mib = DefaultMemoryLimitMiB
	}
	debug.SetMemoryLimit(mib << 20)
	return mib << 20
}
