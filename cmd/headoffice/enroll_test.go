package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncclient"
)

// TestAdminEnrollAndSyncOverHTTPS goes the way an installer does: add a
// store and a register on the command line, start the head office with
// HTTPS, enroll with the printed code and fingerprint, push signed sales.
func TestAdminEnrollAndSyncOverHTTPS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	if code := admin(ctx, []string{"stores", "add", "--id", "S1", "--name", "Berlin", "-data", dir}, &out, &errOut); code != 0 {
		t.Fatalf("stores add: %d %s", code, errOut.String())
	}
	if code := admin(ctx, []string{"registers", "add", "--store", "S9", "-data", dir}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "not found") {
		t.Errorf("register of unknown store: %d %s", code, errOut.String())
	}
	out.Reset()
	if code := admin(ctx, []string{"registers", "add", "--store", "S1", "--name", "Till 1", "-data", dir}, &out, &errOut); code != 0 {
		t.Fatalf("registers add: %d %s", code, errOut.String())
	}
	m := regexp.MustCompile(`-code (\S+) -fingerprint ([0-9a-f]{64})`).FindStringSubmatch(out.String())
	if m == nil || !strings.Contains(out.String(), "register S1-R01") {
		t.Fatalf("registers add printed:\n%s", out.String())
	}
	code, fp := m[1], m[2]
	out.Reset()
	admin(ctx, []string{"registers", "list", "-data", dir}, &out, &errOut)
	if !strings.Contains(out.String(), "pending: code "+code[:4]) || strings.Contains(out.String(), code) {
		t.Errorf("list must show the pending code's hint only:\n%s", out.String())
	}
	if fi, err := os.Stat(filepath.Join(dir, keyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("TLS key file: %v %v", fi, err)
	}

	var log syncBuffer
	addr, done := startServer(t, ctx, []string{"-data", dir, "-insecure-loopback=false"}, &log, 10*time.Second)
	base := "https://" + addr
	pub, key, _ := ed25519.GenerateKey(nil)
	resp, err := syncclient.Enroll(ctx, syncclient.EnrollOptions{BaseURL: base, Code: code, Fingerprint: fp}, pub)
	if err != nil {
		t.Fatal(err)
	}
	if resp.RegisterID != "S1-R01" || resp.StoreID != "S1" || resp.CertFingerprint != fp {
		t.Errorf("enrolled %+v", resp)
	}
	if _, err := syncclient.Enroll(ctx, syncclient.EnrollOptions{BaseURL: base, Code: code, Fingerprint: fp}, pub); err == nil {
		t.Error("the code enrolled twice")
	}
	chain := hqstoretest.NewChain("S1-R01")
	chain.StoreID = "S1"
	ob := &sliceOutbox{entries: chain.Sales(5)}
	s := syncclient.New(syncclient.Config{BaseURL: base, RegisterID: resp.RegisterID, Token: resp.Token, Key: key,
		HTTPClient: syncclient.PinnedClient(resp.CertFingerprint, 5*time.Second)}, ob)
	if n, err := s.Sync(ctx); err != nil || n != 5 {
		t.Fatalf("sync: %d %v", n, err)
	}
	// Plain HTTP to the HTTPS port goes nowhere.
	plain := syncclient.New(syncclient.Config{BaseURL: "http://" + addr, RegisterID: resp.RegisterID, Token: resp.Token, Key: key}, &sliceOutbox{entries: chain.Sales(1)})
	if _, err := plain.Sync(ctx); err == nil {
		t.Error("plain HTTP accepted")
	}
	cancel()
	<-done
	if !strings.Contains(log.String(), "addr=https://") {
		t.Errorf("log lacks https address:\n%s", log.String())
	}
}

// TestSchemeFollowsBoundSocket: plain HTTP or HTTPS is decided by the
// address the listener bound, however -addr spelled it.
func TestSchemeFollowsBoundSocket(t *testing.T) {
	t.Parallel()
	for addr, plain := range map[string]bool{"LOCALHOST:0": true, "127.0.0.2:0": true, "localhost:0": true, "[::1]:0": true,
		"127.1:0": true, "0.0.0.0:0": false} {
		t.Run(addr, func(t *testing.T) {
			t.Parallel()
			if ln, err := net.Listen("tcp", addr); err != nil {
				// 127.1 resolves only with the C resolver (cgo); the pure Go
				// one cannot bind it at all, so there is no scheme to check.
				t.Skipf("cannot bind %s here: %v", addr, err)
			} else {
				ln.Close()
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var log syncBuffer
			bound, done := startServer(t, ctx, []string{"-data", t.TempDir(), "-addr", addr}, &log, 10*time.Second)
			_, port, _ := net.SplitHostPort(bound)
			res, err := http.Get("http://" + net.JoinHostPort(hostOf(bound), port) + "/livez")
			if err == nil {
				res.Body.Close()
			}
			if gotPlain := err == nil && res.StatusCode == http.StatusOK; gotPlain != plain {
				t.Errorf("-addr %s (bound %s): plain HTTP answered = %v, want %v (err %v)", addr, bound, gotPlain, plain, err)
			}
			if want := map[bool]string{true: "addr=http://", false: "addr=https://"}[plain]; !strings.Contains(log.String(), want) {
				t.Errorf("log lacks %s:\n%s", want, log.String())
			}
			cancel()
			<-done
		})
	}
}

// hostOf is the host to dial for a bound address: the unspecified address
// is reached through loopback.
func hostOf(bound string) string {
	h, _, _ := net.SplitHostPort(bound)
	if ip := net.ParseIP(h); ip != nil && ip.IsUnspecified() {
		return "127.0.0.1"
	}
	return h
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	for ip, want := range map[string]bool{"127.0.0.1": true, "127.0.0.2": true, "::1": true, "0.0.0.0": false, "::": false, "192.168.1.2": false} {
		if got := isLoopback(&net.TCPAddr{IP: net.ParseIP(ip)}); got != want {
			t.Errorf("isLoopback(%s) = %v", ip, got)
		}
	}
}

// sliceOutbox is an outbox in memory.
type sliceOutbox struct {
	entries []pos.Entry
	acked   int64
}

func (o *sliceOutbox) Pending(_ context.Context, limit int) ([]pos.Entry, error) {
	var out []pos.Entry
	for _, e := range o.entries {
		if e.Seq > o.acked && len(out) < limit {
			out = append(out, e)
		}
	}
	return out, nil
}

func (o *sliceOutbox) Ack(_ context.Context, through int64) error {
	o.acked = max(o.acked, through)
	return nil
}
