// Command headoffice is the head-office server. It wires store/hqstore into
// app/headoffice's use cases, and serves on one mux the register-facing API
// (sync/syncserver) and the owner's back office (app/backoffice).
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/tillpos/till/app/backoffice"
	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/sync/syncserver"
)

// dbFile is the SQLite file inside the -data directory.
const dbFile = "headoffice.db"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) == 2 && (os.Args[1] == "-version" || os.Args[1] == "--version") {
		fmt.Println("headoffice", appVersion())
		return
	}
	if len(os.Args) > 1 && (os.Args[1] == "stores" || os.Args[1] == "registers") {
		os.Exit(admin(ctx, os.Args[1:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == "users" {
		os.Exit(users(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == "rebuild-facts" {
		os.Exit(rebuildFacts(ctx, os.Args[2:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && catalogCommands[os.Args[1]] {
		os.Exit(catalogAdmin(ctx, os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(run(ctx, os.Args[1:], os.Stderr, nil))
}

// config is everything the flags set.
type config struct {
	addr    string
	dataDir string
	db      string // "" (SQLite in dataDir) or a postgres:// URL
	// insecureLoopback serves plain HTTP when the bound address is loopback
	// (nobody else can listen in); any other address always gets HTTPS.
	insecureLoopback bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("headoffice", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on")
	fs.StringVar(&c.dataDir, "data", "", "`directory` for the database (created if missing)")
	fs.BoolVar(&c.insecureLoopback, "insecure-loopback", true, "serve plain HTTP when -addr is a loopback address (never on others)")
	fs.StringVar(&c.db, "db", "", "database: empty for SQLite in -data, or a `postgres://user@host/db` URL")
	configPath := fs.String("config", "", "JSON `file` of settings named like the flags (addr, data, db, insecure-loopback); flags win")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: headoffice -data DIR [-addr host:port] [-db postgres://...] [-insecure-loopback=false] [-config FILE] [-version]\n%s\n%s\n%s\n%s\n", adminUsage, usersUsage, catalogUsage, rebuildUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if *configPath != "" {
		if err := applyConfigFile(fs, *configPath); err != nil {
			return c, err
		}
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case c.dataDir == "" && c.db == "":
		return c, errors.New("-data is required: the directory that holds the head-office database")
	}
	if err := checkDB(c.db); err != nil {
		return c, err
	}
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		return c, fmt.Errorf("-addr %q: want host:port, e.g. 127.0.0.1:8080", c.addr)
	}
	return c, nil
}

// run is main without the process: it returns the exit code. ready, if not
// nil, learns the address once the server listens (tests use port 0).
func run(ctx context.Context, args []string, stderr io.Writer, ready func(addr string)) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "headoffice: %v\nRun 'headoffice -h' for usage.\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if err := serve(ctx, cfg, log, ready); err != nil {
		log.Error("head office stopped", "err", err)
		return 1
	}
	return 0
}

// wire builds the head office on one mux: the register-facing API and the
// back office over the same use cases and store.
func wire(store hqstore.Store, log *slog.Logger, fingerprint, adminToken, dataDir string) (*syncserver.Server, http.Handler, error) {
	api, err := syncserver.New(syncserver.Config{Store: store, Log: log, CertFingerprint: fingerprint, DataDir: dataDir})
	if err != nil {
		return nil, nil, err
	}
	ho, err := newHeadOffice(store, api)
	if err != nil {
		return nil, nil, err
	}
	bo, err := backoffice.New(backoffice.Config{HeadOffice: ho, Log: log, AdminToken: adminToken, Metrics: api.Metrics(), CertFingerprint: fingerprint})
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	api.Routes(mux)
	bo.Routes(mux)
	return api, api.Middleware(mux), nil
}

// newHeadOffice gives the use cases their ports: the store, and what the
// API saw (traffic; nil for the command-line tools).
func newHeadOffice(store hqstore.Store, traffic headoffice.Traffic) (*headoffice.HeadOffice, error) {
	return headoffice.New(headoffice.Deps{Registry: store, Sales: store, Health: store, Catalog: store, Money: store, Stock: store, StockLedger: store, Facts: store, Ledger: store, Accounts: store, Audit: store,
		CatalogFiles: hqstore.CatalogFiles{Catalog: store}, Traffic: traffic})
}

func serve(ctx context.Context, cfg config, log *slog.Logger, ready func(string)) error {
	store, dbPath, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	cert, fingerprint, err := loadOrCreateCert(cfg.dataDir)
	if err != nil {
		return err
	}
	if cfg.dataDir == "" {
		log.Warn("no -data directory: the TLS certificate lives in memory and changes at every start; enrolled registers will refuse it after a restart")
	}
	adminToken, created, err := loadOrCreateAdminToken(cfg.dataDir)
	if err != nil {
		return err
	}
	if created { // shown this once; it stays in the data directory (0600)
		log.Info("admin API token created: send it as Authorization: Bearer TOKEN to /v1/admin/", "admin_token", adminToken,
			"file", filepath.Join(cfg.dataDir, adminTokenFile))
	}
	api, handler, err := wire(store, log, fingerprint, adminToken, cfg.dataDir)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	// Decided by the socket actually bound, not the text of -addr: "127.1",
	// "LOCALHOST" and "127.0.0.2" are loopback, a host name may not be.
	scheme := "http"
	if !cfg.insecureLoopback || !isLoopback(ln.Addr()) {
		scheme = "https"
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	}
	ln = api.ListenerFor(ln)
	srv := api.HTTPServer(handler, log)
	log.Info("head office listening", "addr", scheme+"://"+ln.Addr().String(), "database", dbPath, "cert_fingerprint", fingerprint)
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	<-errc // http.ErrServerClosed
	log.Info("stopped")
	return nil
}
