package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/tillpos/till/hardware/devicesim"
)

// serialConfig is what the flags of the serial simulators set: each is on
// a pseudo-terminal reachable through a symlink at the given path ("" off).
type serialConfig struct {
	scanner       string
	scannerSuffix string
	scannerScript string
	display       string
	scale         string
}

func addSerialFlags(fs *flag.FlagSet, c *serialConfig) {
	fs.StringVar(&c.scanner, "scanner", "", "serial barcode scanner: symlink `path` to create for its pty (empty disables)")
	fs.StringVar(&c.scannerSuffix, "scanner-suffix", "CR", "what the scanner sends after a code: CR, LF or CRLF")
	fs.StringVar(&c.scannerScript, "scanner-script", "", "`file` of codes (and 'sleep 500ms' lines) the scanner scans at start")
	fs.StringVar(&c.display, "display", "", "CD5220 pole display: symlink `path` to create for its pty (empty disables)")
	fs.StringVar(&c.scale, "scale", "", "Toledo 8217 scale: symlink `path` to create for its pty (empty disables)")
}

// argCommand is a stdin command with an argument: "scan CODE".
type argCommand struct {
	arg  string // how help names the argument
	help string
	do   func(arg string) string
}

var suffixes = map[string]string{"CR": "\r", "LF": "\n", "CRLF": "\r\n"}

// serialDevices builds the enabled serial simulators.
func serialDevices(c serialConfig, log *slog.Logger, stdout io.Writer) ([]*device, error) {
	var out []*device
	fail := func(err error) ([]*device, error) {
		for _, d := range out {
			d.close()
		}
		return nil, err
	}
	if c.scanner != "" {
		suffix, ok := suffixes[strings.ToUpper(c.scannerSuffix)]
		if !ok {
			return fail(fmt.Errorf("-scanner-suffix %q: want CR, LF or CRLF", c.scannerSuffix))
		}
		var script []byte
		if c.scannerScript != "" {
			var err error
			if script, err = os.ReadFile(c.scannerScript); err != nil {
				return fail(fmt.Errorf("scanner script: %w", err))
			}
		}
		s, err := devicesim.NewScannerSim(c.scanner)
		if err != nil {
			return fail(err)
		}
		s.Suffix = suffix
		fmt.Fprintf(stdout, "scanner: serial barcode scanner on %s (9600 8N1, suffix %s)\n", s.Path(), strings.ToUpper(c.scannerSuffix))
		slg := log.With("device", "scanner")
		run := s.Run
		if script != nil {
			run = func(ctx context.Context) error {
				var wg sync.WaitGroup
				wg.Go(func() {
					if err := s.RunScript(ctx, strings.NewReader(string(script)), func(l string) { slg.Info(l) }); err != nil && !errors.Is(err, context.Canceled) {
						slg.Error("scanner script", "err", err)
					}
				})
				defer wg.Wait()
				return s.Run(ctx)
			}
		}
		plug := func(f func() error, st string) func() string {
			return func() string {
				if err := f(); err != nil {
					return "scanner: " + err.Error()
				}
				return "scanner: " + st
			}
		}
		out = append(out, &device{name: "scanner", run: run, close: s.Close,
			status: func() string { return "scanner: " + pluggedState(s.Plugged()) + " at " + s.Path() },
			commands: map[string]command{
				"scanner-unplug": {"scanner cable pulled", plug(s.Unplug, "unplugged")},
				"scanner-replug": {"scanner plugged back in", plug(s.Replug, "plugged in")},
			},
			argCommands: map[string]argCommand{
				"scan": {"CODE", "scanner scans CODE", func(code string) string { return scanCmd(s, code) }},
			}})
	}
	if c.display != "" {
		d, err := devicesim.NewDisplaySim(c.display)
		if err != nil {
			return fail(err)
		}
		dlog := log.With("device", "display")
		d.OnShow = func(u, l string) { dlog.Info("display", "upper", u, "lower", l) }
		fmt.Fprintf(stdout, "display: CD5220 pole display on %s (9600 8N1, 2 x 20)\n", d.Path())
		out = append(out, &device{name: "display", run: d.Run, close: d.Close,
			status: func() string {
				u, l := d.Lines()
				return fmt.Sprintf("display: %s, |%-20s|%-20s|", pluggedState(d.Plugged()), u, l)
			},
			commands: map[string]command{
				"display": {"show what the pole display shows", func() string { return "display:\n" + d.String() }},
			}})
	}
	if c.scale != "" {
		s, err := devicesim.NewScaleSim(c.scale)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "scale: Toledo 8217 scale on %s (9600 7E1)\n", s.Path())
		set := func(f func(bool), on bool) func() string {
			return func() string { f(on); return "scale: " + s.State().String() }
		}
		out = append(out, &device{name: "scale", run: s.Run, close: s.Close,
			status: func() string {
				return fmt.Sprintf("scale: %s, %s, %d requests", pluggedState(s.Plugged()), s.State(), s.Requests())
			},
			commands: map[string]command{
				"motion":    {"scale weight in motion", set(s.SetMotion, true)},
				"stable":    {"scale weight stable (clears motion, under zero, overload)", func() string { s.SetMotion(false); s.SetUnderZero(false); return set(s.SetOverload, false)() }},
				"underzero": {"scale below zero", set(s.SetUnderZero, true)},
				"overload":  {"scale over capacity", set(s.SetOverload, true)},
			},
			argCommands: map[string]argCommand{
				"weight": {"KG", "put KG on the scale, stable (weight 1.234)", func(arg string) string {
					g, err := devicesim.ParseKg(arg)
					if err != nil {
						return "scale: " + err.Error()
					}
					s.SetWeight(g)
					return "scale: " + s.State().String()
				}},
			}})
	}
	return out, nil
}

func scanCmd(s *devicesim.ScannerSim, code string) string {
	if code == "" {
		return "scanner: scan what? (scan 4006381333931)"
	}
	if err := s.Scan(code); err != nil {
		return "scanner: " + err.Error()
	}
	return "scanner: scanned " + code
}

func pluggedState(on bool) string {
	if on {
		return "plugged in"
	}
	return "unplugged"
}
