package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's log and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startServer runs the head office with args and -addr 127.0.0.1:0 until
// ctx ends, logging to log. It returns where the server listens and where
// its exit code arrives; the test fails if it exits or has not listened
// within wait.
func startServer(t *testing.T, ctx context.Context, args []string, log *syncBuffer, wait time.Duration) (string, <-chan int) {
	t.Helper()
	addrc := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), log, func(a string) { addrc <- a })
	}()
	select {
	case addr := <-addrc:
		return addr, done
	case code := <-done:
		t.Fatalf("exited with %d:\n%s", code, log.String())
	case <-time.After(wait):
		t.Fatalf("never listened:\n%s", log.String())
	}
	return "", nil
}

// checkStatuses GETs each path from the plain-HTTP server at addr: the
// register API answers 401 (it needs an enrolled register's token), the
// rest 200.
func checkStatuses(t *testing.T, addr string, paths ...string) {
	t.Helper()
	for _, path := range paths {
		res, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		want := 200
		if strings.HasPrefix(path, "/v1/registers/") || viewerPages[path] {
			want = 401
		}
		if res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, res.StatusCode, want)
		}
	}
}

// viewerPages need the admin token: they show takings and register health.
var viewerPages = map[string]bool{"/": true, "/dashboard": true, "/metrics": true}

func TestBadFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no data dir", []string{}, 2, "-data is required"},
		{"unknown flag", []string{"-data", "x", "-port", "1"}, 2, "flag provided but not defined: -port"},
		{"bad addr", []string{"-data", "x", "-addr", "8080"}, 2, "want host:port"},
		{"stray argument", []string{"-data", "x", "serve"}, 2, `unexpected argument "serve"`},
		{"help", []string{"-h"}, 0, "usage: headoffice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out syncBuffer
			if code := run(context.Background(), tt.args, &out, nil); code != tt.code {
				t.Errorf("exit code %d, want %d; output:\n%s", code, tt.code, out.String())
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out.String())
			}
		})
	}
}

func TestServesAndShutsDown(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "new", "data") // created on start
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	addr, done := startServer(t, ctx, []string{"-data", dir}, &out, 10*time.Second)
	checkStatuses(t, addr, "/livez", "/readyz", "/", "/dashboard", "/metrics", "/v1/registers/R1/sync-state")
	if _, err := os.Stat(filepath.Join(dir, dbFile)); err != nil {
		t.Errorf("database not created: %v", err)
	}
	// The pages open with the admin token: a browser's Basic prompt, Prometheus' Bearer.
	token, err := os.ReadFile(filepath.Join(dir, adminTokenFile))
	if err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(string(token))
	for _, path := range []string{"/", "/dashboard", "/metrics"} {
		for _, auth := range []func(*http.Request){
			func(r *http.Request) { r.SetBasicAuth("manager", tok) },
			func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) },
		} {
			req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
			auth(req)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Errorf("GET %s with the admin token: %d", path, res.StatusCode)
			}
		}
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		req.SetBasicAuth("manager", tok+"x")
		if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusUnauthorized || res.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("GET %s with a wrong token: %v %v", path, res.StatusCode, err)
		}
	}
	cancel() // what SIGINT/SIGTERM do through signal.NotifyContext
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code %d after shutdown:\n%s", code, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not shut down")
	}
	for _, want := range []string{"head office listening", "addr=http://" + addr, "stopped"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, out.String())
		}
	}
}

// TestDataFilesArePrivate: the database (with its WAL and shared memory),
// the TLS key and the admin token are readable by the owner (and at most
// the group), never by everyone; only the certificate is public.
func TestDataFilesArePrivate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	addr, done := startServer(t, ctx, []string{"-data", dir}, &out, 10*time.Second)
	checkStatuses(t, addr, "/readyz")
	want := []string{dbFile, dbFile + "-wal", dbFile + "-shm", keyFile, adminTokenFile}
	for _, name := range want {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if m := fi.Mode().Perm(); m&0o037 != 0 {
			t.Errorf("%s has mode %04o, want at most 0640", name, m)
		}
	}
	cancel()
	<-done
	// An existing database made under a loose umask is tightened at start.
	if err := os.Chmod(filepath.Join(dir, dbFile), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	_, done2 := startServer(t, ctx2, []string{"-data", dir}, &out, 10*time.Second)
	if fi, err := os.Stat(filepath.Join(dir, dbFile)); err != nil || fi.Mode().Perm()&0o037 != 0 {
		t.Errorf("existing 0644 database not tightened: %v %v", fi.Mode(), err)
	}
	cancel2()
	<-done2
}
