package syncserver_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/store/hqstore/hqstoretest"
	"github.com/tillpos/till/sync/syncproto"
	"github.com/tillpos/till/sync/syncserver"
)

// TestMeasureParallelHugeBatches reports the peak heap while twelve 15 MB
// batches of 60,000 entries arrive at once (issue 9, finding 6). It is a
// measurement, not a check: run it with TILL_MEASURE=1.
func TestMeasureParallelHugeBatches(t *testing.T) {
	if os.Getenv("TILL_MEASURE") == "" {
		t.Skip("set TILL_MEASURE=1 to measure")
	}
	srv, err := syncserver.New(syncserver.Config{Store: openStore(t), AllowUnenrolled: true})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	c := hqstoretest.NewChain("R1")
	e := syncproto.FromPos(c.Next(pos.EntryZReport, []byte(`{}`)))
	one := fmt.Sprintf(`{"seq":%d,"id":%q,"register_id":"R1","kind":"z_report","created_at":%q,"payload":{},"prev_hash":%q,"hash":%q}`,
		e.Seq, e.ID, e.CreatedAt, e.PrevHash, e.Hash)
	n := 60000
	body := `{"entries":[` + strings.Repeat(one+",", n-1) + one + `]}`
	t.Logf("one batch: %d entries, %.1f MB", n, float64(len(body))/(1<<20))

	codes := make([]int, 12)
	base, peak := peakHeap(func() {
		var wg sync.WaitGroup
		for i := range 12 {
			wg.Go(func() {
				req, _ := http.NewRequest("POST", ts.URL+"/v1/registers/R1/sales:batch", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Till-Protocol", "1")
				res, err := http.DefaultClient.Do(req)
				if err == nil {
					codes[i] = res.StatusCode
					res.Body.Close()
				}
			})
		}
		wg.Wait()
	})
	t.Logf("answers %v; heap in use: before %d MB, peak %d MB (the 12 bodies themselves, shared, are %d MB)",
		codes, base>>20, peak>>20, len(body)>>20)
}
