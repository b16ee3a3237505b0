package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/tillpos/till/hardware/devicesim"
)

// zvtOnPty serves the ZVT terminal z on a pty at link as well (serial
// framing), beside its TCP listener when tcp is true. It returns the
// device's run and close; on failure run is nil and close returns the error.
func zvtOnPty(z *devicesim.ZVTSim, link string, tcp bool, stdout io.Writer) (func(context.Context) error, func() error) {
	zp, err := z.ServePty(link)
	if err != nil {
		return nil, func() error { return err }
	}
	fmt.Fprintf(stdout, "zvt: card terminal (ZVT serial, DLE STX framing) on %s, terminal id %s\n", zp.Path(), z.TerminalID)
	run := func(ctx context.Context) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- zp.Run(ctx) }()
		var err error
		if tcp {
			err = z.Run(ctx)
		} else {
			<-ctx.Done()
		}
		cancel()
		return errors.Join(err, <-done)
	}
	return run, func() error { return errors.Join(zp.Close(), z.Close()) }
}
