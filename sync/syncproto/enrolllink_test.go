package syncproto

import (
	"strings"
	"testing"
)

const testFP = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func TestEnrollLinkRoundTrip(t *testing.T) {
	t.Parallel()
	for _, l := range []EnrollLink{
		{URL: "https://hq.example.com:8443", Code: "ABCD-EFGH-JKLM-NPQR", Fingerprint: testFP},
		{URL: "https://10.0.0.5:8443/till", Code: "ABCD-EFGH-JKLM-NPQR", Fingerprint: testFP},
		{URL: "https://[fd00::1]:8443", Code: "ABCD-EFGH-JKLM-NPQR", Fingerprint: testFP},
		{URL: "http://127.0.0.1:8080", Code: "ABCDEFGH", Fingerprint: ""},
		{URL: "http://127.0.0.1:8080", Code: "ABCDEFGH", Fingerprint: testFP},
	} {
		s := l.String()
		if !strings.HasPrefix(s, "till-enroll://") {
			t.Fatalf("%+v: payload %q", l, s)
		}
		got, err := ParseEnrollLink(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if got != l {
			t.Errorf("%q: parsed %+v, want %+v", s, got, l)
		}
	}
}

func TestEnrollLinkPayloadShape(t *testing.T) {
	t.Parallel()
	l := EnrollLink{URL: "https://hq:8443", Code: "ABCD-EFGH-JKLM-NPQR", Fingerprint: testFP}
	want := "till-enroll://hq:8443?code=ABCD-EFGH-JKLM-NPQR&fp=sha256%3A" + testFP
	if got := l.String(); got != want {
		t.Errorf("payload %q, want %q", got, want)
	}
}

func TestParseEnrollLinkRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"https://hq:8443?code=ABCD&fp=sha256:" + testFP, "not a Till enrollment code"},
		{"till-enroll://hq?code=ABCD&fp=sha256:" + testFP, "want host:port"},
		{"till-enroll://hq:8443?fp=sha256:" + testFP, "code is missing"},
		{"till-enroll://hq:8443?code=AB%20CD&fp=sha256:" + testFP, "code is missing or malformed"},
		{"till-enroll://hq:8443?code=ABCD", "needs its certificate fingerprint"},
		{"till-enroll://hq:8443?code=ABCD&fp=" + testFP, "sha256: and 64 hex"},
		{"till-enroll://hq:8443?code=ABCD&fp=sha256:" + testFP[:60], "sha256: and 64 hex"},
		{"till-enroll://hq:8443?code=ABCD&fp=sha256:" + strings.ToUpper(testFP), "sha256: and 64 hex"},
		{"till-enroll://hq:8443?code=ABCD&code=EFGH&fp=sha256:" + testFP, "given 2 times"},
		{"till-enroll://hq:8443?code=ABCD&fp=sha256:" + testFP + "&x=1", "unknown part"},
		{"till-enroll://hq:8443?code=ABCD&tls=1&fp=sha256:" + testFP, "tls must be 0"},
		{"till-enroll://u:p@hq:8443?code=ABCD&fp=sha256:" + testFP, "user or fragment"},
		{"till-enroll://hq:8443?code=" + strings.Repeat("A", 600), "at most 512"},
	} {
		_, err := ParseEnrollLink(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.60q: err %v, want it to mention %q", tc.in, err, tc.want)
		}
	}
}

func FuzzParseEnrollLink(f *testing.F) {
	f.Add(EnrollLink{URL: "https://hq:8443", Code: "ABCD-EFGH", Fingerprint: testFP}.String())
	f.Add("till-enroll://hq:8443?code=ABCD&tls=0")
	f.Add("till-enroll://[::1]:1/%zz")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseEnrollLink(s)
		if err != nil {
			return
		}
		// Whatever parses must survive its own round trip unchanged.
		back, err := ParseEnrollLink(l.String())
		if err != nil || back != l {
			t.Fatalf("%q -> %+v -> %q -> %+v, %v", s, l, l.String(), back, err)
		}
	})
}
