package syncserver_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/tillpos/till/store/hqstore/hqstoretest"
)

// A revoked register is refused at its very next request: push, sync
// state, catalog feed and heartbeat, with the token it was given.
func TestRevokedRegisterIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	h := newHQ(t)
	r := h.enroll("R1", "S1")
	other := h.enroll("R2", "S1")
	if status, _, body := h.push("R1", r.resp.Token, signedBody(t, r.key, r.chain.Sales(2))); status != 200 {
		t.Fatalf("push before revoke: %d %s", status, body)
	}
	auth := map[string]string{"Authorization": "Bearer " + r.resp.Token, "Till-Protocol": "1", "Till-Register": "R1"}
	paths := []string{"/v1/registers/R1/sync-state", "/v1/stores/S1/changes?since=0", "/v1/stores/S1/snapshot"}
	for _, path := range paths {
		if w := (request{method: "GET", path: path, header: auth}).do(h.srv); w.Code != http.StatusOK {
			t.Fatalf("GET %s before revoke: %d %s", path, w.Code, w.Body)
		}
	}
	ho := hqstoretest.HeadOffice(t, h.st, func() time.Time { return h.now }, nil)
	if err := ho.RevokeRegister(context.Background(), "R1"); err != nil {
		t.Fatal(err)
	}
	if status, _, body := h.push("R1", r.resp.Token, signedBody(t, r.key, r.chain.Sales(1))); status != http.StatusUnauthorized {
		t.Errorf("push after revoke: %d %s", status, body)
	}
	for _, path := range paths {
		if w := (request{method: "GET", path: path, header: auth}).do(h.srv); w.Code != http.StatusUnauthorized {
			t.Errorf("GET %s after revoke: %d %s", path, w.Code, w.Body)
		}
	}
	// The other register of the store goes on.
	if status, _, body := h.push("R2", other.resp.Token, signedBody(t, other.key, other.chain.Sales(1))); status != 200 {
		t.Errorf("other register: %d %s", status, body)
	}
	// Its stored key is gone: nothing it signed can be accepted again.
	acct, _ := h.st.RegisterAccount(context.Background(), "R1")
	if acct.PublicKey != nil || acct.TokenHash != "" || !acct.Revoked() {
		t.Errorf("revoked account %+v", acct)
	}
}
