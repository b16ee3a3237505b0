package syncclient

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tillpos/till/sync/syncproto"
)

// TestPinHoldsOnResumedSessions: the pin is checked in VerifyConnection,
// which runs on resumed TLS sessions too (VerifyPeerCertificate does not),
// so a session cache cannot let a connection skip it.
func TestPinHoldsOnResumedSessions(t *testing.T) {
	t.Parallel()
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer ts.Close()
	fp := syncproto.Fingerprint(ts.Certificate().Raw)

	client := PinnedClient(fp, 5*time.Second)
	cfg := client.Transport.(*http.Transport).TLSClientConfig
	if cfg.VerifyPeerCertificate != nil || cfg.VerifyConnection == nil {
		t.Fatal("the pin must be checked in VerifyConnection, not VerifyPeerCertificate")
	}
	var checks atomic.Int32
	pin := cfg.VerifyConnection
	cfg.VerifyConnection = func(cs tls.ConnectionState) error { checks.Add(1); return pin(cs) }
	cfg.ClientSessionCache = tls.NewLRUClientSessionCache(4)

	resumed := false
	for i := range 3 {
		res, err := client.Get(ts.URL)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		res.Body.Close()
		resumed = resumed || res.TLS.DidResume
		client.CloseIdleConnections() // next request: new connection, from the session cache
	}
	if !resumed {
		t.Fatal("no session was resumed; the test proves nothing")
	}
	if n := checks.Load(); n != 3 {
		t.Errorf("pin checked on %d of 3 connections", n)
	}

	// Another pin is refused.
	if res, err := PinnedClient(strings.Repeat("ab", 32), 5*time.Second).Get(ts.URL); err == nil {
		res.Body.Close()
		t.Error("a certificate that is not the pinned one was accepted")
	}
}
