// Package testseed gives every randomized test one seed: random by default,
// printed at the start and again in any failure, and replayed by setting
// TILL_SEED. It is test support: no binary links it (deps_test.go checks).
package testseed

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

// Env is the variable that replays a run: TILL_SEED=<seed printed by it>.
const Env = "TILL_SEED"

// For returns the seed of tb: TILL_SEED when set, otherwise a random one. It
// logs the seed at once and, if tb fails, again at its end with the command
// that replays it.
func For(tb testing.TB) uint64 {
	tb.Helper()
	seed, err := Parse(os.Getenv(Env))
	if err != nil {
		tb.Fatal(err)
	}
	if seed == 0 {
		seed = rand.Uint64() | 1 // never 0: 0 means "unset"
	}
	tb.Logf("seed %d (replay: %s=%d)", seed, Env, seed)
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("FAILED with seed %d: replay with %s=%d go test -run '^%s$'", seed, Env, seed, tb.Name())
		}
	})
	return seed
}

// Parse reads a seed; "" is 0 (none given).
func Parse(s string) (uint64, error) {
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v == 0 {
		return 0, fmt.Errorf("%s=%q: want a positive integer seed", Env, s)
	}
	return v, nil
}

// Rand returns a generator for the seed; stream tells apart generators
// drawn from one seed (one per worker, per register ...).
func Rand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}
