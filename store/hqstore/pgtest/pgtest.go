// Package pgtest starts a throwaway PostgreSQL cluster for tests: initdb in a
// temporary directory, postgres listening on a loopback port and a socket in
// that directory, one fresh database per caller, everything removed when the
// test binary ends. No system service is involved.
//
// Without PostgreSQL's binaries a test is skipped with a message saying how
// to install them, unless CI is set: then it fails, so CI cannot go green by
// silently testing nothing. TILL_PG_BIN names the directory of initdb and
// postgres when they are neither on PATH nor in /usr/lib/postgresql/*/bin. TILL_PG_DSN points the tests at an existing
// server instead (each caller still gets its own database).
package pgtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Main runs the tests of a package and then stops the cluster, if one was
// started. Use it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if d := StartupTime(); d > 0 && testing.Verbose() {
		fmt.Fprintf(os.Stderr, "pgtest: PostgreSQL cluster started in %v\n", d.Round(time.Millisecond))
	}
	shared.stop()
	return code
}

// DSN returns the URL of a new, empty database on the shared cluster,
// starting the cluster on first use. It skips (or, with CI set, fails) tb
// when PostgreSQL is not installed.
func DSN(tb testing.TB) string {
	tb.Helper()
	base, err := shared.start()
	if err != nil {
		if errors.Is(err, errNotInstalled) && os.Getenv("CI") == "" {
			tb.Skipf("pgtest: %v; install it (apt-get install postgresql, or make deps-pg) or set TILL_PG_DSN", err)
		}
		tb.Fatalf("pgtest: %v", err)
	}
	dsn, err := newDatabase(base)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	return dsn
}

// newDatabase creates an empty database on the server at base.
func newDatabase(base string) (string, error) {
	name := "t_" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	return withDatabase(base, name), nil
}

// Start starts a throwaway cluster of its own for a program that is not a
// test (cmd/staging) and returns the URL of an empty database on it; stop
// shuts the server down and removes its directory.
func Start() (dsn string, stop func(), err error) {
	c := &cluster{}
	base, err := c.start()
	if err != nil {
		return "", c.stop, err
	}
	dsn, err = newDatabase(base)
	return dsn, c.stop, err
}

// StartupTime is how long starting the shared cluster took (initdb plus
// server start); zero if it has not been started or an existing server is used.
func StartupTime() time.Duration {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	return shared.took
}

var errNotInstalled = errors.New("PostgreSQL's initdb and postgres were not found")

var shared cluster

// cluster is the one PostgreSQL server of a test binary.
type cluster struct {
	mu      sync.Mutex
	started bool
	err     error
	dsn     string
	dir     string
	cred    *syscall.Credential // the postgres user's, when we are root
	server  *exec.Cmd
	exited  chan struct{}
	took    time.Duration
}

func (c *cluster) start() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started {
		return c.dsn, c.err
	}
	c.started = true
	if dsn := os.Getenv("TILL_PG_DSN"); dsn != "" {
		c.dsn = dsn
		return c.dsn, nil
	}
	t0 := time.Now()
	c.dsn, c.err = c.initAndStart()
	c.took = time.Since(t0)
	if c.err != nil {
		c.stopLocked()
	}
	return c.dsn, c.err
}

// binDir finds PostgreSQL's server programs: on PATH, or in Debian's
// versioned directory (the newest one), which is not on PATH.
func binDir() (string, error) {
	if d := os.Getenv("TILL_PG_BIN"); d != "" { // explicit: only there
		if _, err := os.Stat(filepath.Join(d, "initdb")); err != nil {
			return "", fmt.Errorf("%w in TILL_PG_BIN=%s", errNotInstalled, d)
		}
		return d, nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("postgres"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errNotInstalled
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// initAndStart runs initdb and then postgres itself as a child process (not
// pg_ctl's daemon): with Pdeathsig the server dies with the test binary even
// when a test times out and the binary panics, so no cluster outlives a run.
func (c *cluster) initAndStart() (string, error) {
	bin, err := binDir()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "till-pg-")
	if err != nil {
		return "", err
	}
	c.dir = dir
	// PostgreSQL refuses to run as root: run it as the postgres user, in a
	// directory that user owns.
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return "", fmt.Errorf("running as root and there is no postgres user to run the server as: %w", err)
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		if err := os.Chown(dir, int(uid), int(gid)); err != nil {
			return "", err
		}
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	port, err := freePort()
	if err != nil {
		return "", err
	}
	data := filepath.Join(dir, "data")
	// -N: no fsync during initdb (the cluster is thrown away); the server
	// itself keeps fsync on so benchmarks measure durable commits.
	initdb := c.command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "-N")
	var out bytes.Buffer
	initdb.Stdout, initdb.Stderr = &out, &out
	if err := initdb.Run(); err != nil {
		return "", fmt.Errorf("initdb: %v\n%s", err, out.Bytes())
	}
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return "", err
	}
	defer logf.Close()
	srv := c.command(filepath.Join(bin, "postgres"), "-D", data, "-k", dir, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "shared_buffers=128MB")
	srv.Stdout, srv.Stderr = logf, logf
	srv.SysProcAttr.Pdeathsig = syscall.SIGQUIT // immediate shutdown if we die
	if err := srv.Start(); err != nil {
		return "", fmt.Errorf("start postgres: %w", err)
	}
	c.server, c.exited = srv, make(chan struct{})
	go func() { srv.Wait(); close(c.exited) }()

	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, dsn)
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return dsn, nil
		}
		select {
		case <-c.exited:
			log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			return "", fmt.Errorf("postgres exited during start-up:\n%s", log)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			return "", fmt.Errorf("postgres did not accept connections within 60s: %v\n%s", err, log)
		}
	}
}

func (c *cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	return cmd
}

func (c *cluster) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopLocked()
}

func (c *cluster) stopLocked() {
	if c.server != nil {
		c.server.Process.Signal(syscall.SIGINT) // fast shutdown: disconnect clients, exit
		select {
		case <-c.exited:
		case <-time.After(15 * time.Second):
			c.server.Process.Kill()
			<-c.exited
		}
		c.server = nil
	}
	if c.dir != "" {
		os.RemoveAll(c.dir)
		c.dir = ""
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		// key=value form
		return strings.TrimSpace(dsn) + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
