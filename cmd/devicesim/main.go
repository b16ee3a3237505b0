// Command devicesim runs Till's simulated peripherals for demos and manual
// tests (hardware/devicesim): an ESC/POS receipt printer on TCP and/or a
// pty, a ZVT card terminal on TCP, and a serial scanner, pole display and
// scale on ptys, with faults and scans given as commands on stdin while it
// runs. Each simulator is one flag; an empty address disables it.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/tillpos/till/hardware/devicesim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "devicesim:", err)
		}
		os.Exit(1)
	}
}

// config is everything the flags set.
type config struct {
	printer    string       // listen address of the receipt printer, "" disables it
	printerPty string       // symlink path of the printer's pty (serial printer), "" for none
	zvt        string       // listen address of the ZVT card terminal, "" disables it
	zvtPty     string       // symlink path of the ZVT terminal's pty (serial framing), "" for none
	out        string       // root directory for what the simulators produce
	serial     serialConfig // scanner, pole display and scale on ptys (serial.go)
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("devicesim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.printer, "printer", devicesim.DefaultPrinterAddr, "ESC/POS receipt printer listen address (empty disables)")
	fs.StringVar(&c.printerPty, "printer-pty", "", "also serve the receipt printer as a serial printer: symlink `path` to create for its pty (empty disables)")
	fs.StringVar(&c.zvt, "zvt", devicesim.DefaultZVTAddr, "ZVT card terminal listen address (empty disables)")
	fs.StringVar(&c.zvtPty, "zvt-pty", "", "also serve the ZVT card terminal on a serial line (DLE STX framing, CRC, ACK/NAK): symlink `path` to create for its pty (empty disables)")
	fs.StringVar(&c.out, "out", "./devicesim-out", "directory for receipts and other output")
	addSerialFlags(fs, &c.serial)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return c, nil
}

// device is one running simulator as the command sees it.
type device struct {
	name     string
	run      func(context.Context) error
	close    func() error
	status   func() string
	commands map[string]command
	// argCommands take an argument after their name ("scan CODE").
	argCommands map[string]argCommand
}

type command struct {
	help string
	do   func() string
}

// devices builds the enabled simulators and opens their listeners.
func devices(c config, log *slog.Logger, stdout io.Writer) ([]*device, error) {
	var out []*device
	if c.printer != "" || c.printerPty != "" {
		dir := filepath.Join(c.out, "printer")
		p := devicesim.NewPrinterSim(dir)
		p.Log = log.With("device", "printer")
		run := p.Run
		if c.printer != "" {
			if err := p.Listen(c.printer); err != nil {
				return nil, err
			}
			fmt.Fprintf(stdout, "printer: ESC/POS receipt printer on %s, receipts in %s\n", p.Addr(), dir)
		} else {
			run = func(ctx context.Context) error { <-ctx.Done(); return nil }
		}
		closeSim := p.Close
		var ptyCmds map[string]command
		if c.printerPty != "" {
			pp, err := p.ServePty(c.printerPty)
			if err != nil {
				p.Close()
				return nil, err
			}
			fmt.Fprintf(stdout, "printer: serial ESC/POS receipt printer on %s, receipts in %s\n", pp.Path(), dir)
			closeSim = func() error { return errors.Join(pp.Close(), p.Close()) }
			plug := func(f func() error, st string) func() string {
				return func() string {
					if err := f(); err != nil {
						return "printer: " + err.Error()
					}
					return "printer: " + st
				}
			}
			ptyCmds = map[string]command{
				"printer-unplug": {"serial printer cable pulled (pty gone)", plug(pp.Unplug, "unplugged")},
				"printer-replug": {"serial printer plugged back in (new pty, same path)", plug(pp.Replug, "plugged in at "+pp.Path())},
			}
		}
		set := func(f func(bool), on bool) func() string {
			return func() string { f(on); return "printer: " + p.State().String() }
		}
		d := &device{
			name:   "printer",
			run:    run,
			close:  closeSim,
			status: func() string { return fmt.Sprintf("printer: %s, %d receipts", p.State(), len(p.Receipts())) },
			commands: map[string]command{
				"paper-out":     {"printer runs out of paper", set(p.SetPaperOut, true)},
				"paper-ok":      {"paper loaded (clears paper-out and near-end)", func() string { p.SetPaperNearEnd(false); return set(p.SetPaperOut, false)() }},
				"paper-low":     {"paper near end (still prints)", set(p.SetPaperNearEnd, true)},
				"cover-open":    {"printer cover opened", set(p.SetCoverOpen, true)},
				"cover-closed":  {"printer cover closed", set(p.SetCoverOpen, false)},
				"offline":       {"printer goes offline (error)", set(p.SetOffline, true)},
				"online":        {"printer back online", set(p.SetOffline, false)},
				"drawer-open":   {"cash drawer sensor: open", set(p.SetDrawerOpen, true)},
				"drawer-closed": {"cash drawer sensor: closed", set(p.SetDrawerOpen, false)},
			},
		}
		maps.Copy(d.commands, ptyCmds)
		out = append(out, d)
	}
	if c.zvt != "" || c.zvtPty != "" {
		z := devicesim.NewZVTSim()
		z.Log = log.With("device", "zvt")
		run, closeSim := z.Run, z.Close
		if c.zvt != "" {
			if err := z.Listen(c.zvt); err != nil {
				for _, d := range out {
					d.close()
				}
				return nil, err
			}
			fmt.Fprintf(stdout, "zvt: card terminal (ZVT over TCP) on %s, terminal id %s\n", z.Addr(), z.TerminalID)
		} else {
			run = func(ctx context.Context) error { <-ctx.Done(); return nil }
		}
		if c.zvtPty != "" {
			run, closeSim = zvtOnPty(z, c.zvtPty, c.zvt != "", stdout)
			if run == nil {
				for _, d := range out {
					d.close()
				}
				z.Close()
				return nil, closeSim()
			}
		}
		cmds := map[string]command{}
		for _, m := range []devicesim.ZVTMode{devicesim.ZVTApprove, devicesim.ZVTDecline, devicesim.ZVTSlow,
			devicesim.ZVTDropApprove, devicesim.ZVTDropDecline, devicesim.ZVTSilent} {
			cmds["zvt "+m.String()] = command{"card terminal answers the next payments: " + m.String(),
				func() string { z.SetMode(m); return z.Status() }}
		}
		out = append(out, &device{name: "zvt", run: run, close: closeSim, status: z.Status, commands: cmds})
	}
	serial, err := serialDevices(c.serial, log, stdout)
	if err != nil {
		for _, d := range out {
			d.close()
		}
		return nil, err
	}
	return append(out, serial...), nil
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	devs, err := devices(c, log, stdout)
	if err != nil {
		for _, d := range devs {
			d.close()
		}
		return err
	}
	if len(devs) == 0 {
		return errors.New("no simulator enabled (see -h)")
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, len(devs))
	for _, d := range devs {
		wg.Go(func() {
			if err := d.run(ctx); err != nil {
				errs <- fmt.Errorf("%s: %w", d.name, err)
				cancel()
			}
		})
	}

	// Reading stdin blocks in a read that cannot be interrupted, so this
	// goroutine is left behind at exit; it only ever writes to stdout.
	var outMu sync.Mutex
	say := func(s string) {
		outMu.Lock()
		fmt.Fprintln(stdout, s)
		outMu.Unlock()
	}
	go readCommands(stdin, devs, say)

	<-ctx.Done()
	for _, d := range devs {
		d.close()
	}
	wg.Wait()
	close(errs)
	return errors.Join(collect(errs)...)
}

func collect(ch <-chan error) []error {
	var out []error
	for err := range ch {
		out = append(out, err)
	}
	return out
}

// readCommands runs stdin commands until EOF. EOF only ends the commands:
// `make run` may start the simulator without a terminal.
func readCommands(stdin io.Reader, devs []*device, say func(string)) {
	sc := bufio.NewScanner(stdin)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		say(dispatch(line, devs))
	}
}

func dispatch(line string, devs []*device) string {
	switch line {
	case "help", "?":
		return help(devs)
	case "status":
		var out []string
		for _, d := range devs {
			out = append(out, d.status())
		}
		return strings.Join(out, "\n")
	}
	for _, d := range devs {
		if c, ok := d.commands[line]; ok {
			return c.do()
		}
	}
	name, arg, _ := strings.Cut(line, " ")
	for _, d := range devs {
		if c, ok := d.argCommands[name]; ok {
			return c.do(strings.TrimSpace(arg))
		}
	}
	return fmt.Sprintf("unknown command %q; type help for the list", line)
}

func help(devs []*device) string {
	var b strings.Builder
	b.WriteString("commands:\n  status         show every simulator's state\n  help           this list\n")
	for _, d := range devs {
		names := make([]string, 0, len(d.commands))
		for n := range d.commands {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(&b, "  %-14s %s: %s\n", n, d.name, d.commands[n].help)
		}
		for n, c := range d.argCommands {
			fmt.Fprintf(&b, "  %-14s %s: %s\n", n+" "+c.arg, d.name, c.help)
		}
	}
	b.WriteString("stop with Ctrl-C or SIGTERM")
	return b.String()
}
