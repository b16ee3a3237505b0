package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// proc is a child process whose output goes to a log file in the run's
// directory; it dies with us (Pdeathsig) so nothing outlives a run.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

func startProc(dir, name, bin string, args ...string) (*proc, error) {
	logf, err := os.OpenFile(filepath.Join(dir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); logf.Close(); close(p.done) }()
	return p, nil
}

// stop asks the process to end (SIGTERM) and kills it after grace.
func (p *proc) stop(grace time.Duration) {
	if p == nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		p.cmd.Process.Kill()
		<-p.done
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

// waitHTTP polls url until it answers 2xx or the deadline passes.
func waitHTTP(ctx context.Context, url string, within time.Duration, p *proc) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode/100 == 2 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not answer within %v", url, within)
		case <-p.done:
			return fmt.Errorf("%s exited: %v (see %s.log)", p.name, p.err, p.name)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// headOffice is one cmd/headoffice process on the shared PostgreSQL.
type headOffice struct {
	name, bin, dir, data, dsn string
	port                      int
	mu                        sync.Mutex
	p                         *proc
	restarts                  int
}

func (h *headOffice) addr() string { return fmt.Sprintf("127.0.0.1:%d", h.port) }

func (h *headOffice) start(ctx context.Context) error {
	p, err := startProc(h.dir, h.name, h.bin, "-data", h.data, "-db", h.dsn, "-addr", h.addr())
	if err != nil {
		return err
	}
	h.mu.Lock()
	h.p = p
	h.mu.Unlock()
	return waitHTTP(ctx, "http://"+h.addr()+"/readyz", 30*time.Second, p)
}

// restart stops the process as an operator would (SIGTERM, drain) and
// starts it again on the same port.
func (h *headOffice) restart(ctx context.Context, down time.Duration) error {
	h.mu.Lock()
	p := h.p
	h.mu.Unlock()
	p.stop(15 * time.Second)
	select {
	case <-time.After(down):
	case <-ctx.Done():
	}
	h.restarts++
	return h.start(ctx)
}

func (h *headOffice) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.p.stop(15 * time.Second)
}

// admin runs a headoffice admin subcommand on the shared database.
func admin(ctx context.Context, bin, data, dsn string, args ...string) (string, error) {
	args = append(args, "-data", data, "-db", dsn)
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("headoffice %s: %w\n%s", strings.Join(args[:2], " "), err, out)
	}
	return string(out), nil
}

var codeRe = regexp.MustCompile(`-code (\S+) -fingerprint ([0-9a-f]{64})`)

// haproxyConfig balances the head offices round-robin, checks /readyz and
// sends a request whose server went away to the other (redispatch).
func haproxyConfig(port int, hqs []*headOffice) string {
	var b strings.Builder
	fmt.Fprintf(&b, `global
    maxconn 2000
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    retries 3
    option redispatch
frontend till
    bind 127.0.0.1:%d
    default_backend headoffices
backend headoffices
    balance roundrobin
    option httpchk GET /readyz
    default-server inter 500ms fall 2 rise 1
`, port)
	for _, h := range hqs {
		fmt.Fprintf(&b, "    server %s %s check\n", h.name, h.addr())
	}
	return b.String()
}

// prometheusConfig scrapes both head offices with the admin token.
func prometheusConfig(scrape time.Duration, tokenFile, rulesFile string, hqs []*headOffice) string {
	var targets []string
	for _, h := range hqs {
		targets = append(targets, fmt.Sprintf("'%s'", h.addr()))
	}
	return fmt.Sprintf(`global:
  scrape_interval: %s
  evaluation_interval: %s
rule_files:
  - %s
scrape_configs:
  - job_name: headoffice
    scrape_timeout: %s
    authorization:
      credentials_file: %s
    static_configs:
      - targets: [%s]
`, ms(scrape), ms(scrape), rulesFile, ms(scrape), tokenFile, strings.Join(targets, ", "))
}

func ms(d time.Duration) string { return fmt.Sprintf("%dms", d.Milliseconds()) }

// shopLine is a store's network: a TCP forwarder in front of the load
// balancer that the schedule can cut. Down, it closes new connections at
// once and resets the open ones, like a router that lost its uplink.
type shopLine struct {
	ln       net.Listener
	upstream string
	down     atomic.Bool
	mu       sync.Mutex
	conns    map[net.Conn]bool
	wg       sync.WaitGroup
}

func newShopLine(upstream string) (*shopLine, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &shopLine{ln: ln, upstream: upstream, conns: map[net.Conn]bool{}}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

func (s *shopLine) URL() string { return "http://" + s.ln.Addr().String() }

func (s *shopLine) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		if s.down.Load() {
			c.Close()
			continue
		}
		s.wg.Add(1)
		go func() { defer s.wg.Done(); s.pipe(c) }()
	}
}

func (s *shopLine) pipe(c net.Conn) {
	defer c.Close()
	u, err := net.DialTimeout("tcp", s.upstream, 2*time.Second)
	if err != nil {
		return
	}
	defer u.Close()
	s.track(c, u, true)
	defer s.track(c, u, false)
	done := make(chan struct{}, 2)
	go func() { io.Copy(u, c); done <- struct{}{} }()
	go func() { io.Copy(c, u); done <- struct{}{} }()
	<-done
}

func (s *shopLine) track(a, b net.Conn, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if on {
		s.conns[a], s.conns[b] = true, true
	} else {
		delete(s.conns, a)
		delete(s.conns, b)
	}
}

// SetDown cuts (true) or restores (false) the line.
func (s *shopLine) SetDown(down bool) {
	s.down.Store(down)
	if !down {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.Close()
	}
}

func (s *shopLine) Close() {
	s.ln.Close()
	s.SetDown(true)
	s.wg.Wait()
}

var errNoTool = errors.New("not installed")

func lookTool(name, pkg string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s %w: apt-get install %s (make deps-hq)", name, errNoTool, pkg)
	}
	return p, nil
}
