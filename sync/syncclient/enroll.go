package syncclient

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tillpos/till/sync/syncproto"
)

// PinnedClient returns an HTTP client that trusts exactly one server
// certificate: the one whose SHA-256 fingerprint (hex) the head office gave
// at enrollment. The usual CA checks are replaced, not added to: the head
// office's certificate is self-signed.
func PinnedClient(fingerprint string, timeout time.Duration) *http.Client {
	want := strings.ToLower(strings.ReplaceAll(fingerprint, ":", ""))
	return clientWithTLS(pinnedTLS(func(cert []byte) error {
		if got := syncproto.Fingerprint(cert); got != want {
			return fmt.Errorf("syncclient: head office certificate %s is not the pinned %s", got, want)
		}
		return nil
	}), timeout)
}

// pinnedTLS replaces the CA checks by check on the server's leaf
// certificate. It uses VerifyConnection, which runs on every connection,
// resumed ones included; VerifyPeerCertificate does not run on a resumed
// session, so a session cache added later would skip the pin.
func pinnedTLS(check func(leaf []byte) error) *tls.Config {
	return &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true, // replaced by VerifyConnection
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("syncclient: head office sent no certificate")
			}
			return check(cs.PeerCertificates[0].Raw)
		},
	}
}

func clientWithTLS(cfg *tls.Config, timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg
	return &http.Client{Transport: tr, Timeout: timeout}
}

// EnrollOptions says how to reach the head office for enrollment.
type EnrollOptions struct {
	BaseURL string
	Code    string
	// Fingerprint, if known (headoffice registers add prints it), pins the
	// certificate from the first connection. Without it the first
	// connection is trusted and its certificate must be the one the
	// answer names (trust on first use).
	Fingerprint string
	Timeout     time.Duration // default 30 s
}

// Enroll presents a one-time code and the register's public key to the
// head office and returns its answer: register id, store id, token and the
// certificate fingerprint to pin from now on.
func Enroll(ctx context.Context, o EnrollOptions, pub ed25519.PublicKey) (syncproto.EnrollResponse, error) {
	var resp syncproto.EnrollResponse
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	var seen struct {
		sync.Mutex
		fp string
	}
	client := PinnedClient(o.Fingerprint, o.Timeout)
	if o.Fingerprint == "" {
		// Trust on first use; checked against the answer below.
		client = clientWithTLS(pinnedTLS(func(cert []byte) error {
			seen.Lock()
			seen.fp = syncproto.Fingerprint(cert)
			seen.Unlock()
			return nil
		}), o.Timeout)
	}
	body, _ := json.Marshal(syncproto.EnrollRequest{Code: o.Code, PublicKey: base64.StdEncoding.EncodeToString(pub)})
	u := strings.TrimRight(o.BaseURL, "/") + "/v1/enroll"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return resp, fmt.Errorf("syncclient: enroll: %w", err)
	}
	req.Header.Set(syncproto.HeaderProtocol, syncproto.VersionString)
	req.Header.Set("Content-Type", syncproto.ContentType)
	res, err := client.Do(req)
	if err != nil {
		return resp, fmt.Errorf("syncclient: enroll at %s: %w", u, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxResponseBytes))
	if err != nil {
		return resp, fmt.Errorf("syncclient: enroll: read answer: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		he := &HTTPError{StatusCode: res.StatusCode}
		var e syncproto.Error
		if json.Unmarshal(data, &e) == nil {
			he.Code, he.Message = e.Code, e.Message
		}
		return resp, fmt.Errorf("syncclient: enroll: %w", he)
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		return resp, fmt.Errorf("syncclient: enroll: answer is not valid: %w", err)
	}
	if resp.Token == "" || resp.RegisterID == "" {
		return resp, errors.New("syncclient: enroll: answer lacks register id or token")
	}
	seen.Lock()
	defer seen.Unlock()
	if res.TLS != nil && o.Fingerprint == "" && seen.fp != resp.CertFingerprint {
		return resp, fmt.Errorf("syncclient: enroll: the head office says its certificate is %s but presented %s", resp.CertFingerprint, seen.fp)
	}
	return resp, nil
}
