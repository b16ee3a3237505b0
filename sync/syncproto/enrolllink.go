package syncproto

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// EnrollLink is what the head office's enrollment QR code holds: where the
// head office is, the one-time code and the certificate fingerprint the
// register pins, so a register enrolls from one scan with nothing typed.
//
// As text: till-enroll://HOST:PORT[/PATH]?code=CODE&fp=sha256:HEX, with
// &tls=0 added only for a plain-HTTP (loopback demo) head office.
type EnrollLink struct {
	URL         string // https://host:port[/path], or http:// for a loopback demo
	Code        string // XXXX-XXXX-XXXX-XXXX
	Fingerprint string // 64 lower-case hex digits (syncproto.Fingerprint)
}

// EnrollScheme is the URL scheme of an EnrollLink.
const EnrollScheme = "till-enroll"

// MaxEnrollLinkLen bounds a scanned payload before it is parsed; a real one
// is under 200 bytes.
const MaxEnrollLinkLen = 512

// String is the payload to put in the QR code.
func (l EnrollLink) String() string {
	u, err := url.Parse(l.URL)
	if err != nil {
		return ""
	}
	q := url.Values{"code": {l.Code}}
	if l.Fingerprint != "" {
		q.Set("fp", "sha256:"+l.Fingerprint)
	}
	if u.Scheme == "http" {
		q.Set("tls", "0")
	}
	out := url.URL{Scheme: EnrollScheme, Host: u.Host, Path: u.Path, RawQuery: q.Encode()}
	return out.String()
}

// ParseEnrollLink reads a scanned payload back, checking every part: a
// wrong code or fingerprint is caught here with a clear message instead of
// at the head office.
func ParseEnrollLink(s string) (EnrollLink, error) {
	s = strings.TrimSpace(s)
	if len(s) > MaxEnrollLinkLen {
		return EnrollLink{}, fmt.Errorf("enrollment link: %d bytes, at most %d: not a Till enrollment code", len(s), MaxEnrollLinkLen)
	}
	u, err := url.Parse(s)
	if err != nil {
		return EnrollLink{}, fmt.Errorf("enrollment link: %w", err)
	}
	if u.Scheme != EnrollScheme {
		return EnrollLink{}, errors.New("enrollment link: not a Till enrollment code (want till-enroll://...)")
	}
	if u.User != nil || u.Fragment != "" {
		return EnrollLink{}, errors.New("enrollment link: unexpected user or fragment part")
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil || host == "" || port == "" {
		return EnrollLink{}, fmt.Errorf("enrollment link: head office address %q: want host:port", u.Host)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return EnrollLink{}, fmt.Errorf("enrollment link: %w", err)
	}
	for k, v := range q {
		if len(v) != 1 {
			return EnrollLink{}, fmt.Errorf("enrollment link: %q given %d times", k, len(v))
		}
		if k != "code" && k != "fp" && k != "tls" {
			return EnrollLink{}, fmt.Errorf("enrollment link: unknown part %q", k)
		}
	}
	code := q.Get("code")
	if !validCode(code) {
		return EnrollLink{}, errors.New("enrollment link: the code is missing or malformed")
	}
	fp := q.Get("fp")
	if fp != "" {
		hex, ok := strings.CutPrefix(fp, "sha256:")
		if !ok || !isLowerHex(hex, 64) {
			return EnrollLink{}, errors.New("enrollment link: the certificate fingerprint must be sha256: and 64 hex digits")
		}
		fp = hex
	}
	scheme := "https"
	switch q.Get("tls") {
	case "":
	case "0":
		scheme = "http"
	default:
		return EnrollLink{}, errors.New("enrollment link: tls must be 0 or absent")
	}
	if scheme == "https" && fp == "" {
		// Without a pin the register would trust whoever answers first.
		return EnrollLink{}, errors.New("enrollment link: an https head office needs its certificate fingerprint (fp=sha256:...)")
	}
	base := url.URL{Scheme: scheme, Host: u.Host, Path: u.Path}
	return EnrollLink{URL: base.String(), Code: code, Fingerprint: fp}, nil
}

// validCode accepts the head office's code shape: 1-64 letters, digits and
// dashes (the server normalizes case and dashes itself).
func validCode(c string) bool {
	if c == "" || len(c) > 64 {
		return false
	}
	for _, r := range c {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func isLowerHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}
