package backoffice_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/sync/syncproto"
)

// TestDashboardDeviceStateColour: a device state a register reports as
// working ("connected", or "unknown" before the first check) is not shown
// as a fault; only faults are red.
func TestDashboardDeviceStateColour(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openStore(t)
	now := time.Now()
	if err := st.AddStore(ctx, hqstore.StoreInfo{ID: "S1", Name: "Berlin"}); err != nil {
		t.Fatal(err)
	}
	code := hqstore.PendingCode{Hash: "code-1", Hint: "AB12", ExpiresAt: now.Add(time.Hour)}
	if err := st.AddRegister(ctx, hqstore.RegisterAccount{ID: "reg-1", StoreID: "S1"}, code); err != nil {
		t.Fatal(err)
	}
	srv := headOffice(t, st, func() time.Time { return now }, "")
	ts := httptest.NewServer(srv)
	defer ts.Close()
	heartbeat(t, ts.URL, "reg-1", syncproto.HeartbeatRequest{AppVersion: "1.5.0", Devices: map[string]string{
		"display": "unknown", "drawer": "error", "printer": "connected", "scale": "ok", "terminal": "disconnected"}})
	body := request{method: "GET", path: "/dashboard"}.do(srv).Body.String()
	for _, want := range []string{"display <span>unknown</span>", `drawer <span class="bad">error</span>`,
		"printer <span>connected</span>", "scale <span>ok</span>", `terminal <span class="bad">disconnected</span>`} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
}
