package syncserver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/pinhash"
	"github.com/tillpos/till/app/pos/catalogfile"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/sync/syncproto"
	"github.com/tillpos/till/sync/syncserver"
)

const adminToken = "admin-secret-token"

const testCatalog = `{"version": 1,
 "settings": {"currency": "EUR"},
 "tax_rates": [{"id": "std", "name": "Standard", "basis_points": 1900}],
 "categories": [{"id": "drinks", "name": "Drinks"}],
 "products": [
  {"id": "cola", "name": "Cola", "price": 129, "tax_rate": "std", "category": "drinks", "barcodes": ["4000000000006"], "quick_key": true},
  {"id": "water", "name": "Water", "price": 59, "tax_rate": "std"}],
 "employees": [{"id": "ann", "name": "Ann", "role": "manager", "pin": "4711"}]}`

// adminHQ is newHQ with the admin API on.
func adminHQ(t *testing.T) *hq {
	t.Helper()
	h := newHQ(t)
	api := newServer(t, syncserver.Config{Store: h.st, Now: func() time.Time { return h.now }})
	h.srv = withBackOffice(t, api, h.st, adminToken, func() time.Time { return h.now })
	return h
}

func (h *hq) admin(method, path, body string) (int, string) {
	w := request{method: method, path: path, body: body,
		header: map[string]string{"Authorization": "Bearer " + adminToken, "Content-Type": "application/json"}}.do(h.srv)
	return w.Code, w.Body.String()
}

func (h *hq) storeGet(path, rid, token string) (int, []byte) {
	hdr := map[string]string{syncproto.HeaderRegister: rid}
	if token != "" {
		hdr["Authorization"] = "Bearer " + token
	}
	w := request{method: "GET", path: path, header: hdr}.do(h.srv)
	return w.Code, w.Body.Bytes()
}

func TestAdminAPIRequiresItsToken(t *testing.T) {
	t.Parallel()
	h := adminHQ(t)
	for _, tok := range []string{"", "wrong", adminToken + "x", strings.ToUpper(adminToken)} {
		w := request{method: "POST", path: "/v1/admin/catalog", body: testCatalog,
			header: map[string]string{"Authorization": "Bearer " + tok}}.do(h.srv)
		if w.Code != http.StatusUnauthorized {
			t.Errorf("token %q: %d, want 401", tok, w.Code)
		}
	}
	off := newHQ(t) // no AdminToken: no admin API at all
	off.srv = withBackOffice(t, newServer(t, syncserver.Config{AllowUnenrolled: true, Store: off.st}), off.st, "", nil)
	if code, _ := off.admin("POST", "/v1/admin/catalog", testCatalog); code != http.StatusNotFound {
		t.Errorf("admin API without a configured token: %d, want 404", code)
	}
}

func TestAdminCatalogReachesTheStoreFeed(t *testing.T) {
	t.Parallel()
	h := adminHQ(t)
	r1 := h.enroll("R1", "S1")
	r2 := h.enroll("R2", "S2")

	if code, body := h.admin("POST", "/v1/admin/catalog", `{"version": 1, "tax_rates": [], "categories": [],
		"products": [{"id": "x", "name": "X", "price": 1, "tax_rate": "nope"}]}`); code != http.StatusUnprocessableEntity || !strings.Contains(body, "unknown tax rate") {
		t.Fatalf("bad reference: %d %s", code, body)
	}
	if code, body := h.admin("POST", "/v1/admin/catalog", `{"version": 1, "products": [{"id": "x"}]}`); code != http.StatusBadRequest || !strings.Contains(body, "has no name") {
		t.Fatalf("invalid file: %d %s", code, body)
	}
	if code, body := h.admin("POST", "/v1/admin/catalog", testCatalog); code != 200 {
		t.Fatalf("import: %d %s", code, body)
	}
	if code, body := h.admin("PUT", "/v1/admin/stores/S1/prices/cola", `{"price": 99}`); code != 200 {
		t.Fatalf("price: %d %s", code, body)
	}
	if code, _ := h.admin("PUT", "/v1/admin/stores/S1/prices/nope", `{"price": 99}`); code != http.StatusUnprocessableEntity {
		t.Fatalf("price of unknown product: %d", code)
	}
	if code, body := h.admin("PUT", "/v1/admin/employees/bob", `{"name": "Bob", "role": "cashier", "pin": "1234"}`); code != 200 {
		t.Fatalf("employee: %d %s", code, body)
	}

	prices := func(rid, token, sid string) map[string]int64 {
		t.Helper()
		code, body := h.storeGet("/v1/stores/"+sid+"/changes?cursor=0", rid, token)
		if code != 200 {
			t.Fatalf("changes of %s: %d %s", sid, code, body)
		}
		var resp syncproto.ChangesResponse
		if err := json.Unmarshal(body, &resp); err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for _, c := range resp.Changes {
			switch c.Kind {
			case catalogfile.KindProduct:
				var p catalogfile.Product
				json.Unmarshal(c.Data, &p)
				out[c.ID] = p.Price
			case catalogfile.KindEmployee:
				var e catalogfile.Employee
				json.Unmarshal(c.Data, &e)
				if e.PIN != "" || !pinhash.Valid(e.PINHash) {
					t.Errorf("employee %s travels as %s", c.ID, c.Data)
				}
			}
		}
		return out
	}
	if got := prices("R1", r1.resp.Token, "S1"); got["cola"] != 99 || got["water"] != 59 {
		t.Errorf("S1 prices %v, want cola 99 (its own), water 59", got)
	}
	if got := prices("R2", r2.resp.Token, "S2"); got["cola"] != 129 {
		t.Errorf("S2 prices %v, want cola 129 (base)", got)
	}

	// A register reads only its own store, and only with its token.
	if code, _ := h.storeGet("/v1/stores/S2/changes", "R1", r1.resp.Token); code != http.StatusForbidden {
		t.Errorf("R1 reading S2: %d, want 403", code)
	}
	if code, _ := h.storeGet("/v1/stores/S1/changes", "R1", r2.resp.Token); code != http.StatusUnauthorized {
		t.Errorf("R1 with R2's token: %d, want 401", code)
	}
	if code, _ := h.storeGet("/v1/stores/S1/snapshot", "R1", ""); code != http.StatusUnauthorized {
		t.Errorf("snapshot without token: %d, want 401", code)
	}

	// Pruned: 410 Gone, then the snapshot has everything and its cursor.
	if _, err := h.st.PruneCatalogChanges(context.Background(), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if code, body := h.storeGet("/v1/stores/S1/changes?cursor=1", "R1", r1.resp.Token); code != http.StatusGone || !strings.Contains(string(body), syncproto.CodeCursorGone) {
		t.Fatalf("pruned cursor: %d %s, want 410", code, body)
	}
	code, body := h.storeGet("/v1/stores/S1/snapshot", "R1", r1.resp.Token)
	var snap syncproto.SnapshotResponse
	if code != 200 || json.Unmarshal(body, &snap) != nil || snap.Cursor == 0 || len(snap.Records) != 7 {
		t.Fatalf("snapshot: %d %s", code, body)
	}
	if code, body := h.storeGet("/v1/stores/S1/changes?cursor="+itoa(snap.Cursor), "R1", r1.resp.Token); code != 200 || !strings.Contains(string(body), `"changes":[]`) {
		t.Fatalf("changes from the snapshot cursor: %d %s", code, body)
	}
	if code, _ := h.storeGet("/v1/stores/S1/changes?cursor=-1", "R1", r1.resp.Token); code != http.StatusBadRequest {
		t.Errorf("negative cursor: %d", code)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestHeartbeatIsKeptPerRegister(t *testing.T) {
	t.Parallel()
	h := adminHQ(t)
	r1 := h.enroll("R1", "S1")
	body, _ := json.Marshal(syncproto.HeartbeatRequest{AppVersion: "0.9", OutboxDepth: 3, OldestUnsyncedMS: 60000,
		ClockOffsetMS: 1500, Devices: map[string]string{"printer": "paper out"},
		Counters:  map[string]int64{syncproto.CounterSalesCompleted: 5},
		Latencies: map[string]syncproto.LatencySummary{syncproto.LatencyCommit: {Count: 5, P50MS: 0.3, P99MS: 2}}})
	hdr := map[string]string{syncproto.HeaderProtocol: "1", "Authorization": "Bearer " + r1.resp.Token}
	w := request{method: "POST", path: "/v1/registers/R1/heartbeat", body: string(body), header: hdr}.do(h.srv)
	var resp syncproto.HeartbeatResponse
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &resp) != nil || !resp.ServerTime.Equal(h.now) {
		t.Fatalf("heartbeat: %d %s", w.Code, w.Body)
	}
	if w := (request{method: "POST", path: "/v1/registers/R2/heartbeat", body: string(body), header: hdr}).do(h.srv); w.Code != http.StatusUnauthorized {
		t.Errorf("heartbeat for another register: %d, want 401", w.Code)
	}
	got, err := h.st.RegisterHealth(context.Background())
	if err != nil || len(got) != 1 {
		t.Fatalf("health %+v, %v", got, err)
	}
	want := hqstore.LatencySummary{Count: 5, P50: 300 * time.Microsecond, P99: 2 * time.Millisecond}
	if g := got[0]; g.RegisterID != "R1" || g.OutboxDepth != 3 || g.OldestUnsynced != time.Minute || g.ClockOffset != 1500*time.Millisecond ||
		g.Devices["printer"] != "paper out" || g.Counters[syncproto.CounterSalesCompleted] != 5 || g.Latencies[syncproto.LatencyCommit] != want {
		t.Errorf("stored health %+v", g)
	}
	if code, body := h.admin("GET", "/v1/admin/registers/health", ""); code != 200 || !strings.Contains(body, `"register_id":"R1"`) {
		t.Errorf("admin health: %d %s", code, body)
	}
}
