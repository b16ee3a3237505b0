//go:build !linux

package devicesim

import "os"

// rawTermios is a no-op off Linux: the serial driver sets raw mode itself
// when it opens the port; the simulators only run on Linux in CI.
func rawTermios(*os.File) error { return nil }

func pollable(f *os.File) (*os.File, error) { return f, nil }
