package main

import (
	"runtime/debug"
	"testing"
)

func TestMemoryLimit(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)
	env := func(v string) func(string) string { return func(string) string { return v } }
	if got := applyMemoryLimit(0, env("")); got != DefaultMemoryLimitMiB<<20 || debug.SetMemoryLimit(-1) != got {
		t.Fatalf("default: %d, runtime %d", got, debug.SetMemoryLimit(-1))
	}
	if got := applyMemoryLimit(200, env("")); got != 200<<20 || debug.SetMemoryLimit(-1) != got {
		t.Fatalf("configured 200 MiB: %d", got)
	}
	// GOMEMLIMIT set: the runtime applied it at start; the config does not override it.
	debug.SetMemoryLimit(300 << 20)
	if got := applyMemoryLimit(200, env("300MiB")); got != 300<<20 || debug.SetMemoryLimit(-1) != 300<<20 {
		t.Fatalf("GOMEMLIMIT wins: %d", got)
	}
	c := defaultConfig()
	c.MemoryLimitMiB = 10
	if err := c.validate(); err == nil {
		t.Fatal("memory_limit_mib 10 accepted")
	}
}
