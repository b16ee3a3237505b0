package backoffice_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/store/hqstore/hqstoretest"
)

func TestStatusPage(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	c := hqstoretest.NewChain("R1")
	if _, _, err := st.IngestBatch(context.Background(), "R1", c.Sales(3)); err != nil {
		t.Fatal(err)
	}
	// Sales 1..3 complete 09:01..09:03 UTC on Epoch's day; "today" from 09:02 on
	// would be wrong, so pin now to that day's afternoon in UTC.
	now := hqstoretest.Epoch.Add(6 * time.Hour)
	srv := headOffice(t, st, func() time.Time { return now }, "")
	tests := []struct {
		name string
		path string
		want []string
	}{
		{"lists the register", "/", []string{"<td>R1</td>", `<td class="n">3</td>`, "EUR 6.00", "2026-03-02 09:03:00"}},
	}
	for _, tt := range tests {
		w := request{method: "GET", path: tt.path}.do(srv)
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("%s: status %d, type %q", tt.name, w.Code, w.Header().Get("Content-Type"))
		}
		for _, s := range tt.want {
			if !strings.Contains(w.Body.String(), s) {
				t.Errorf("%s: page lacks %q:\n%s", tt.name, s, w.Body)
			}
		}
	}
	tomorrow := headOffice(t, st, func() time.Time { return now.Add(24 * time.Hour) }, "")
	if body := (request{method: "GET", path: "/"}).do(tomorrow).Body.String(); strings.Contains(body, "EUR 6.00") {
		t.Errorf("yesterday's sales counted as today's:\n%s", body)
	}
}
