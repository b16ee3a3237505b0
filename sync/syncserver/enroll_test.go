package syncserver_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/headoffice"
	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncproto"
	"github.com/tillpos/till/sync/syncserver"
)

// hq is a head office that requires enrollment, with stores S1 and S2.
type hq struct {
	t   *testing.T
	st  *hqstore.SQLite
	srv http.Handler
	now time.Time
}

func newHQ(t *testing.T) *hq {
	t.Helper()
	h := &hq{t: t, st: openStore(t), now: hqstoretest.Epoch}
	h.srv = newServer(t, syncserver.Config{Store: h.st, CertFingerprint: strings.Repeat("ab", 32),
		Now: func() time.Time { return h.now }})
	for _, id := range []string{"S1", "S2"} {
		if err := h.st.AddStore(context.Background(), hqstore.StoreInfo{ID: id, Name: "Store " + id}); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

// addRegister creates a register and returns its enrollment code.
func (h *hq) addRegister(id, store string) string {
	h.t.Helper()
	ho := hqstoretest.HeadOffice(h.t, h.st, func() time.Time { return h.now }, nil)
	return hqstoretest.AddRegister(h.t, ho, id, store, 0)
}

func (h *hq) enrollRaw(code string, pub ed25519.PublicKey) (int, []byte) {
	body, _ := json.Marshal(syncproto.EnrollRequest{Code: code, PublicKey: base64.StdEncoding.EncodeToString(pub)})
	w := request{method: "POST", path: "/v1/enroll", body: string(body)}.do(h.srv)
	return w.Code, w.Body.Bytes()
}

// enrolled is a register that went through enrollment.
type enrolled struct {
	resp  syncproto.EnrollResponse
	key   ed25519.PrivateKey
	chain *hqstoretest.Chain
}

func (h *hq) enroll(id, store string) *enrolled {
	h.t.Helper()
	pub, key, _ := ed25519.GenerateKey(nil)
	status, body := h.enrollRaw(h.addRegister(id, store), pub)
	if status != 200 {
		h.t.Fatalf("enroll %s: %d %s", id, status, body)
	}
	var resp syncproto.EnrollResponse
	if err := json.Unmarshal(body, &resp); err != nil {
		h.t.Fatal(err)
	}
	c := hqstoretest.NewChain(id)
	c.StoreID = store
	return &enrolled{resp: resp, key: key, chain: c}
}

// signedBody signs every entry with key (nil: unsigned).
func signedBody(t *testing.T, key ed25519.PrivateKey, entries []pos.Entry) string {
	t.Helper()
	w := syncproto.FromPosAll(entries)
	for i := range w {
		if key != nil {
			w[i].Sig = syncproto.SignEntryHash(key, w[i].Hash)
		}
	}
	b, err := json.Marshal(syncproto.PushBatchRequest{Entries: w})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func (h *hq) push(rid, token, body string) (int, syncproto.PushBatchResponse, string) {
	hdr := map[string]string{syncproto.HeaderProtocol: "1", "Content-Type": "application/json"}
	if token != "" {
		hdr["Authorization"] = "Bearer " + token
	}
	w := request{method: "POST", path: "/v1/registers/" + rid + "/sales:batch", body: body, header: hdr}.do(h.srv)
	var resp syncproto.PushBatchResponse
	json.Unmarshal(w.Body.Bytes(), &resp)
	return w.Code, resp, w.Body.String()
}

func TestEnrollGivesCredentialsThatPush(t *testing.T) {
	t.Parallel()
	h := newHQ(t)
	r := h.enroll("R1", "S1")
	if r.resp.RegisterID != "R1" || r.resp.StoreID != "S1" || len(r.resp.Token) < 40 || r.resp.CertFingerprint != strings.Repeat("ab", 32) {
		t.Fatalf("enroll response %+v", r.resp)
	}
	acct, err := h.st.RegisterAccount(context.Background(), "R1")
	if err != nil {
		t.Fatal(err)
	}
	if acct.TokenHash == "" || strings.Contains(acct.TokenHash, r.resp.Token) {
		t.Errorf("stored token hash %q must be a hash, not the token", acct.TokenHash)
	}
	status, resp, body := h.push("R1", r.resp.Token, signedBody(t, r.key, r.chain.Sales(3)))
	if status != 200 || resp.AckedThroughSeq != 3 {
		t.Fatalf("push: %d %s", status, body)
	}
	w := request{method: "GET", path: "/v1/registers/R1/sync-state", header: map[string]string{"Authorization": "Bearer " + r.resp.Token}}.do(h.srv)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"last_seq":3`) {
		t.Errorf("sync state: %d %s", w.Code, w.Body)
	}
}

func TestUnenrolledClientIsRejected(t *testing.T) {
	t.Parallel()
	h := newHQ(t)
	h.addRegister("R1", "S1") // pending: known but never enrolled
	for _, tt := range []struct{ name, rid, token string }{
		{"unknown register, no token", "R9", ""},
		{"unknown register, made-up token", "R9", "abc"},
		{"pending register, no token", "R1", ""},
		{"pending register, made-up token", "R1", "abc"},
	} {
		status, _, body := h.push(tt.rid, tt.token, signedBody(t, nil, hqstoretest.NewChain(tt.rid).Sales(1)))
		if status != http.StatusUnauthorized || !strings.Contains(body, syncproto.CodeUnauthorized) {
			t.Errorf("%s: %d %s, want 401", tt.name, status, body)
		}
	}
	w := request{method: "GET", path: "/v1/registers/R1/sync-state"}.do(h.srv)
	if w.Code != http.StatusUnauthorized {
		t.Errorf("sync state without token: %d", w.Code)
	}
	if n, _ := h.st.SalesCount(context.Background(), "R9"); n != 0 {
		t.Errorf("%d sales stored", n)
	}
}

func TestWrongTokenIsRejected(t *testing.T) {
	t.Parallel()
	h := newHQ(t)
	r := h.enroll("R1", "S1")
	wrong := r.resp.Token[:len(r.resp.Token)-1] + "x"
	if strings.HasSuffix(r.resp.Token, "x") {
		wrong = r.resp.Token[:len(r.resp.Token)-1] + "y"
	}
	status, _, body := h.push("R1", wrong, signedBody(t, r.key, r.chain.Sales(1)))
	if status != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d %s", status, body)
	}
	if n, _ := h.st.SalesCount(context.Background(), "R1"); n != 0 {
		t.Errorf("%d sales stored", n)
	}
}

func TestRegisterCannotWriteAnotherRegistersSales(t *testing.T) {
	t.Parallel()
	h := newHQ(t)
	r1, r2 := h.enroll("R1", "S1"), h.enroll("R2", "S1")
	// R1's token on R2's URL: refused outright.
	status, _, body := h.push("R2", r1.resp.Token, signedBody(t, r1.key, r2.chain.Sales(1)))
	if status != http.StatusUnauthorized {
		t.Errorf("R1 token on R2: %d %s", status, body)
	}
	// R1's own URL, entries naming R2 (even signed with R1's key): rejected.
	status, resp, body := h.push("R1", r1.resp.Token, signedBody(t, r1.key, hqstoretest.NewChain("R2").Sales(1)))
	if status != 200 || resp.Results[0].Status != syncproto.StatusRejected || !strings.Contains(resp.Results[0].Reason, `belongs to register "R2"`) {
		t.Errorf("entries of R2 via R1: %d %s", status, body)
	}
	if n, _ := h.st.SalesCount(context.Background(), "R2"); n != 0 {
		t.Errorf("%d sales of R2 stored", n)
	}
}

func TestRegisterCannotWriteAnotherStoresSales(t *testing.T) {
	t.Parallel()
	h := newHQ(t)
	r := h.enroll("R1", "S1")
	good := r.chain.Sales(1)
	r.chain.StoreID = "S2"
	bad := r.chain.Sales(2)
	status, resp, body := h.push("R1", r.resp.Token, signedBody(t, r.key, append(good, bad...)))
	if status != 200 || resp.AckedThroughSeq != 1 {
		t.Fatalf("push: %d %s", status, body)
	}
	if got := resp.Results[1]; got.Status != syncproto.StatusRejected || !strings.Contains(got.Reason, `store "S2"`) {
		t.Errorf("sale of store S2: %+v", got)
	}
	if got := resp.Results[2]; got.Status != syncproto.StatusRejected || got.Reason != hqstore.ReasonOutOfSequence {
		t.Errorf("entry after it: %+v", got)
	}
	if sales, _ := h.st.Sales(context.Background(), hqstore.SalesFilter{StoreID: "S2"}); len(sales) != 0 {
		t.Errorf("stored %d sales for S2", len(sales))
	}
}

func TestReplayedEnrollmentCodeIsRejected(t *testing.T) {
	t.Parallel()
	h := newHQ(t)
	code := h.addRegister("R1", "S1")
	pub, _, _ := ed25519.GenerateKey(nil)
	if status, body := h.enrollRaw(code, pub); status != 200 {
		t.Fatalf("first use: %d %s", status, body)
	}
	before, _ := h.st.RegisterAccount(context.Background(), "R1")
	attacker, _, _ := ed25519.GenerateKey(nil)
	status, body := h.enrollRaw(strings.ToLower(code), attacker)
	if status != http.StatusUnauthorized || !strings.Contains(string(body), syncproto.CodeEnrollmentInvalid) {
		t.Errorf("replayed code: %d %s", status, body)
	}
	after, _ := h.st.RegisterAccount(context.Background(), "R1")
	if string(after.PublicKey) != string(pub) || after.TokenHash != before.TokenHash {
		t.Error("a replayed code changed the register's key or token")
	}
}

func TestExpiredEnrollmentCodeIsRejected(t *testing.T) {
	t.Parallel()
	h := newHQ(t)
	code := h.addRegister("R1", "S1")
	h.now = h.now.Add(headoffice.DefaultCodeTTL)
	pub, _, _ := ed25519.GenerateKey(nil)
	status, body := h.enrollRaw(code, pub)
	if status != http.StatusUnauthorized || !strings.Contains(string(body), syncproto.CodeEnrollmentExpired) {
		t.Errorf("expired code: %d %s", status, body)
	}
	if status, body := h.enrollRaw("AAAA-BBBB-CCCC-DDDD", pub); status != http.StatusUnauthorized {
		t.Errorf("made-up code: %d %s", status, body)
	}
}

func TestAlteredEntryIsRejected(t *testing.T) {
	t.Parallel()
	h := newHQ(t)
	r := h.enroll("R1", "S1")
	entries := r.chain.Sales(3)
	w := syncproto.FromPosAll(entries)
	for i := range w {
		w[i].Sig = syncproto.SignEntryHash(r.key, w[i].Hash)
	}
	// Someone between register and head office raises a total and, to get
	// past the hash chain, recomputes the entry's hash: the signature no
	// longer matches.
	e, _ := w[1].ToPos()
	e.Payload = []byte(strings.Replace(string(e.Payload), `"gross":200`, `"gross":20000`, 1))
	e.Hash = e.ComputeHash()
	altered := syncproto.FromPos(e)
	altered.Sig = w[1].Sig
	w[1] = altered
	b, _ := json.Marshal(syncproto.PushBatchRequest{Entries: w})
	status, resp, body := h.push("R1", r.resp.Token, string(b))
	if status != 200 || resp.AckedThroughSeq != 1 {
		t.Fatalf("push: %d %s", status, body)
	}
	if got := resp.Results[1]; got.Status != syncproto.StatusRejected || got.Reason != syncserver.ReasonBadSignature {
		t.Errorf("altered entry: %+v", got)
	}
	// Unsigned, or signed by another key: rejected the same way.
	_, otherKey, _ := ed25519.GenerateKey(nil)
	for name, key := range map[string]ed25519.PrivateKey{"unsigned": nil, "foreign key": otherKey} {
		status, resp, _ := h.push("R1", r.resp.Token, signedBody(t, key, entries[1:]))
		if status != 200 || resp.Results[0].Reason != syncserver.ReasonBadSignature {
			t.Errorf("%s: %d %+v", name, status, resp)
		}
	}
	if n, _ := h.st.SalesCount(context.Background(), "R1"); n != 1 {
		t.Errorf("%d sales stored, want 1", n)
	}
}

func TestOlderProtocolVersionKeepsWorking(t *testing.T) {
	t.Parallel()
	// A head office upgraded to a hypothetical version 2 that still serves 1.
	srv := newServer(t, syncserver.Config{AllowUnenrolled: true, Versions: []int{1, 2}})
	for _, tt := range []struct {
		version string
		status  int
	}{{"1", 200}, {"2", 200}, {"3", 400}} {
		w := request{method: "POST", path: batchPath, body: batchBody(t, hqstoretest.NewChain("R1").Sales(1)),
			header: map[string]string{syncproto.HeaderProtocol: tt.version, "Content-Type": "application/json"}}.do(srv)
		if w.Code != tt.status {
			t.Errorf("version %s: %d %s, want %d", tt.version, w.Code, w.Body, tt.status)
		}
		if got := w.Header().Get(syncproto.HeaderProtocol); got != "2" {
			t.Errorf("version %s: server answered with version %q, want its own, 2", tt.version, got)
		}
	}
}

func TestStatusPageShowsPendingCodesByHint(t *testing.T) {
	t.Parallel()
	h := newHQ(t)
	code := h.addRegister("R-pending", "S1")
	h.enroll("R-done", "S1")
	// The page is the back office's, over the same store.
	pages := withBackOffice(t, newServer(t, syncserver.Config{AllowUnenrolled: true, Store: h.st}), h.st, "", func() time.Time { return h.now })
	w := request{method: "GET", path: "/"}.do(pages)
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, "R-pending") || !strings.Contains(body, code[:4]+"-…") {
		t.Errorf("status page lacks the pending register:\n%s", body)
	}
	if strings.Contains(body, code) || strings.Contains(body, "R-done</td><td>S1</td><td>") {
		t.Errorf("status page shows a full code or an enrolled register as pending:\n%s", body)
	}
}
