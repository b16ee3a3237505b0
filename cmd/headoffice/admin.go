package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/sync/syncproto"
)

// defaultDataDir is where the admin subcommands look without -data; make
// run keeps the head office there.
const defaultDataDir = "till-data/headoffice"

// dbCommand is what the subcommands working on the database directly share:
// their name ("stores add"), a flag set with -data and -db, failing with the
// name in front, and opening the store the flags name.
type dbCommand struct {
	what     string
	fs       *flag.FlagSet
	data, db *string
	config   *string
	stderr   io.Writer
}

// newDBCommand names the command by its first two words (args has them).
func newDBCommand(args []string, stderr io.Writer) *dbCommand {
	c := &dbCommand{what: args[0] + " " + args[1], stderr: stderr}
	c.fs = flag.NewFlagSet("headoffice "+c.what, flag.ContinueOnError)
	c.fs.SetOutput(stderr)
	c.data = c.fs.String("data", defaultDataDir, "head-office data `directory`")
	c.db = c.fs.String("db", "", "database: empty for SQLite in -data, or a `postgres://` URL")
	c.config = c.fs.String("config", "", "JSON settings `file` as the server reads it (its data, db and url apply)")
	return c
}

// fail reports err and returns the exit code 1.
func (c *dbCommand) fail(err error) int {
	fmt.Fprintf(c.stderr, "headoffice %s: %v\n", c.what, err)
	return 1
}

// open checks -db and opens the store; the caller closes it.
func (c *dbCommand) open(ctx context.Context) (hqstore.Store, error) {
	if *c.config != "" {
		if err := applyConfigFile(c.fs, *c.config); err != nil {
			return nil, err
		}
	}
	if err := checkDB(*c.db); err != nil {
		return nil, err
	}
	st, _, err := openStore(ctx, config{dataDir: *c.data, db: *c.db})
	return st, err
}

// admin runs "headoffice stores ..." and "headoffice registers ...": they
// work on the database directly, so they work while the server runs (SQLite
// WAL lets both write in turn).
func admin(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) < 2 {
		fmt.Fprintln(stderr, adminUsage)
		return 2
	}
	c := newDBCommand(args, stderr)
	what, fs, fail := c.what, c.fs, c.fail
	id := fs.String("id", "", "id (stores: required, e.g. S01; registers: default STORE-Rnn)")
	name := fs.String("name", "", "display name")
	storeID := fs.String("store", "", "store id the register belongs to")
	ttl := fs.Duration("valid", headoffice.DefaultCodeTTL, "how long the enrollment code stays valid")
	url := fs.String("url", "", "head-office `URL` registers reach (default https://THIS-HOST:8443); goes into the enroll command and QR code")
	qrPath := fs.String("qr", "", "enrollment QR code PNG `file` (default DATA/enroll-ID.png; none: no file)")
	if err := fs.Parse(args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	st, err := c.open(ctx)
	if err != nil {
		return fail(err)
	}
	defer st.Close()
	ho, err := newHeadOffice(st, nil)
	if err != nil {
		return fail(err)
	}
	ctx = headoffice.WithActor(ctx, "cli")
	switch what {
	case "stores add":
		if *id == "" || *name == "" {
			return fail(errors.New("give --id and --name"))
		}
		if err := ho.AddStore(ctx, hqstore.StoreInfo{ID: *id, Name: *name}); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "store %s (%s) added\n", *id, *name)
	case "stores list":
		stores, err := ho.Stores(ctx)
		if err != nil {
			return fail(err)
		}
		for _, s := range stores {
			fmt.Fprintf(stdout, "%s\t%s\n", s.ID, s.Name)
		}
	case "registers add":
		if *storeID == "" {
			return fail(errors.New("give --store (add stores with 'headoffice stores add')"))
		}
		_, fp, err := loadOrCreateCert(*c.data)
		if err != nil {
			return fail(err)
		}
		acct, code, err := ho.AddRegister(ctx, hqstore.RegisterAccount{ID: *id, StoreID: *storeID, Name: *name}, *ttl)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "register %s (%s) added to store %s\n", acct.ID, acct.Name, acct.StoreID)
		fmt.Fprintf(stdout, "enrollment code: %s (one use, valid until %s)\n", code, acct.Code.ExpiresAt.Format("2006-01-02 15:04"))
		fmt.Fprintf(stdout, "certificate fingerprint: %s\n", fp)
		if *url == "" {
			*url = defaultURL()
		}
		fmt.Fprintf(stdout, "on the register: register enroll -headoffice %s -code %s -fingerprint %s\n", *url, code, fp)
		q, err := enrollQR(syncproto.EnrollLink{URL: *url, Code: code, Fingerprint: fp})
		if err != nil {
			return fail(err)
		}
		fmt.Fprintln(stdout, "or scan this on the register's first-run screen:")
		if err := writeTerminalQR(stdout, q); err != nil {
			return fail(err)
		}
		if *qrPath == "" {
			*qrPath = filepath.Join(*c.data, "enroll-"+acct.ID+".png")
		}
		if *qrPath != "none" {
			if err := writePNGQR(*qrPath, q); err != nil {
				return fail(fmt.Errorf("QR code PNG (the register is added; the code above works): %w", err))
			}
			fmt.Fprintf(stdout, "QR code image: %s\n", *qrPath)
		}
	case "registers list":
		all, err := ho.RegisterAccounts(ctx)
		if err != nil {
			return fail(err)
		}
		for _, r := range all {
			state := "enrolled " + r.EnrolledAt.Local().Format("2006-01-02 15:04")
			if !r.Enrolled() {
				state = fmt.Sprintf("pending: code %s… until %s", r.Code.Hint, r.Code.ExpiresAt.Local().Format("2006-01-02 15:04"))
			}
			fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", r.ID, r.StoreID, r.Name, state)
		}
	default:
		fmt.Fprintln(stderr, adminUsage)
		return 2
	}
	return 0
}

// defaultURL is the head office on this machine's name at the packaged
// HTTPS port; give --url when registers reach it by another name.
func defaultURL() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return "https://" + net.JoinHostPort(host, "8443")
}

const adminUsage = `usage: headoffice stores add --id S01 --name NAME [-data DIR]
       headoffice stores list [-data DIR]
       headoffice registers add --store S01 [--id ID] [--name NAME] [--valid 24h] [--url URL] [--qr FILE|none] [-data DIR]
       headoffice registers list [-data DIR]`
