package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/tillpos/till/app/headoffice"
)

const usersUsage = `       headoffice users add --role owner|manager|accountant [--stores S01,S02] [--totp] [-data DIR] NAME   (password on standard input)
       headoffice users list [-data DIR]`

// users runs "headoffice users ...": back-office accounts, the first owner
// at install. The password is read from standard input (first line), never
// from a flag that ps would show.
func users(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) < 2 {
		fmt.Fprintln(stderr, "usage:\n"+usersUsage)
		return 2
	}
	c := newDBCommand(args, stderr)
	role := c.fs.String("role", "", "owner, manager or accountant")
	stores := c.fs.String("stores", "", "comma-separated store ids a manager runs")
	totp := c.fs.Bool("totp", false, "turn on the second factor (authenticator app); prints the secret once")
	if err := c.fs.Parse(args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch c.what {
	case "users add":
		if c.fs.NArg() != 1 || *role == "" {
			fmt.Fprintln(stderr, "usage:\n"+usersUsage)
			return 2
		}
		line, err := bufio.NewReader(io.LimitReader(stdin, 1024)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return c.fail(err)
		}
		password := strings.TrimRight(line, "\r\n")
		st, err := c.open(ctx)
		if err != nil {
			return c.fail(err)
		}
		defer st.Close()
		ho, err := newHeadOffice(st, nil)
		if err != nil {
			return c.fail(err)
		}
		name := strings.ToLower(c.fs.Arg(0))
		secret, err := ho.AddAccount(headoffice.WithActor(ctx, "cli"), headoffice.NewAccount{Name: name, Role: headoffice.Role(*role),
			Stores: splitComma(*stores), Password: password, TOTP: *totp})
		if err != nil {
			return c.fail(err)
		}
		fmt.Fprintf(stdout, "account %s (%s) added; log in at /admin/login\n", name, *role)
		if secret != "" {
			fmt.Fprintf(stdout, "TOTP secret (enter it in the authenticator app now; it is not shown again): %s\n%s\n", secret, headoffice.TOTPURI(name, secret))
		}
	case "users list":
		st, err := c.open(ctx)
		if err != nil {
			return c.fail(err)
		}
		defer st.Close()
		ho, err := newHeadOffice(st, nil)
		if err != nil {
			return c.fail(err)
		}
		as, err := ho.Accounts(ctx)
		if err != nil {
			return c.fail(err)
		}
		for _, a := range as {
			fmt.Fprintf(stdout, "%s\t%s\t%s\ttotp=%v\n", a.Name, a.Role, strings.Join(a.Stores, ","), a.TOTPSecret != "")
		}
	default:
		fmt.Fprintln(stderr, "usage:\n"+usersUsage)
		return 2
	}
	return 0
}

func splitComma(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
