package till_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/devices"
	"github.com/tillpos/till/hardware/devicesim"
	"github.com/tillpos/till/store"
	"github.com/tillpos/till/store/hqstore"
	"github.com/tillpos/till/sync/syncclient"
	"github.com/tillpos/till/sync/syncproto"
	"github.com/tillpos/till/sync/syncserver"
)

// TestFirstSaleEndToEnd is issue 3's acceptance 2: three demo items (one
// weighed) paid in cash are committed with their outbox row, print on the
// ESC/POS simulator over TCP through the device manager's printer (as
// cmd/register wires a network printer), and reach the head office exactly once, even
// when the same batch is pushed again.
func TestFirstSaleEndToEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()

	// The register's database with the demo catalog.
	db, err := store.Open(ctx, filepath.Join(dir, "register.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const registerID = "S01R01"
	db.SetRegisterID(registerID)
	if err := db.SeedDemoIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	scanned, weighed := demoProducts(t, ctx, db)

	// The printer simulator on a loopback port.
	sim := devicesim.NewPrinterSim(filepath.Join(dir, "receipts"))
	if err := sim.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	go sim.Run(ctx)
	defer sim.Close()

	// The head office.
	hq, err := hqstore.OpenSQLite(ctx, filepath.Join(dir, "hq.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer hq.Close()
	api, err := syncserver.New(syncserver.Config{AllowUnenrolled: true, Store: hq})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api)
	defer srv.Close()

	// The printer as cmd/register wires printer.kind "escpos-tcp": a device
	// manager with one TCP printer, polled while the register runs.
	mgr, err := devices.New([]devices.Config{{Name: "printer", Kind: devices.KindPrinter, Transport: devices.TransportTCP,
		Address: sim.Addr(), Options: map[string]string{"profile": "80mm"}}}, devices.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mgrDone := make(chan error, 1)
	go func() { mgrDone <- mgr.Run(ctx) }()
	defer func() { cancel(); <-mgrDone }()
	printer := mgr.Printer("")
	if printer == nil {
		t.Fatal("the device manager has no printer")
	}

	// The register.
	cfg := register.Config{RegisterID: registerID, RegisterCode: "S01R01", StoreID: "S01", StoreName: "Till Markt",
		StoreLines: []string{"Hauptstraße 1, 10115 Berlin"}, Currency: pos.MustCurrency("EUR"), TaxMode: pos.TaxInclusive}
	reg := register.New(cfg, register.Deps{Catalog: db, Journal: db,
		Printer: printer})
	reg.SetCashier(register.Cashier{ID: "e1", Name: "Zoë"})
	go reg.Run(ctx)

	for _, p := range scanned {
		if _, err := reg.Scan(ctx, p.Barcodes[0]); err != nil {
			t.Fatalf("scan %s: %v", p.Name, err)
		}
	}
	if _, err := reg.AddProduct(ctx, weighed.ID, 742); err != nil { // 0.742 kg from the scale
		t.Fatal(err)
	}
	_, tot := reg.Sale()
	given := (tot.Gross/1000 + 1) * 1000
	pay, err := reg.TenderCash(ctx, given)
	if err != nil {
		t.Fatal(err)
	}
	rec := pay.Completed
	if rec == nil || rec.Totals.Change != given-tot.Gross || len(rec.Lines) != 3 {
		t.Fatalf("sale not completed as expected: %+v", pay)
	}

	// (a) the journal entry and its outbox row, and an intact chain.
	entry, err := db.EntryByID(ctx, rec.SaleID)
	if err != nil || entry.Kind != pos.EntrySale || entry.Seq != 1 {
		t.Fatalf("journal entry: %+v %v", entry, err)
	}
	pending, err := db.Pending(ctx, 10)
	if err != nil || len(pending) != 1 || pending[0].ID != rec.SaleID {
		t.Fatalf("outbox: %+v %v", pending, err)
	}
	if n, err := db.VerifyJournal(ctx); err != nil || n != 1 {
		t.Fatalf("verify: %d %v", n, err)
	}

	// (b) the receipt as the printer decoded it.
	receipt, err := sim.WaitReceipt(1, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	money := func(v int64) string { return pos.FormatPlain(v, 2) }
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(regexp.QuoteMeta(scanned[0].Name[:min(len(scanned[0].Name), 20)])),
		regexp.MustCompile(regexp.QuoteMeta(scanned[1].Name[:min(len(scanned[1].Name), 20)])),
		regexp.MustCompile(regexp.QuoteMeta(weighed.Name[:min(len(weighed.Name), 20)])),
		regexp.MustCompile(`0\.742 kg x ` + regexp.QuoteMeta(money(weighed.Price))),
		regexp.MustCompile(`TOTAL EUR\s+` + regexp.QuoteMeta(money(tot.Gross)) + `$`),
		regexp.MustCompile(`^Cash\s+` + regexp.QuoteMeta(money(given)) + `$`),
		regexp.MustCompile(`^Change\s+` + regexp.QuoteMeta(money(given-tot.Gross)) + `$`),
		regexp.MustCompile(`^Receipt\s+S01R01-000001$`),
		regexp.MustCompile(`Hauptstraße 1`),
	} {
		found := false
		for _, l := range receipt.PlainLines() {
			if want.MatchString(strings.TrimSpace(l)) {
				found = true
			}
		}
		if !found {
			t.Errorf("receipt lacks %v:\n%s", want, strings.Join(receipt.PlainLines(), "\n"))
		}
	}
	t.Logf("decoded receipt:\n%s", strings.Join(receipt.PlainLines(), "\n"))
	if len(receipt.Barcodes) != 1 || receipt.Barcodes[0].Data != "S01R01-000001" || receipt.Cut == "" {
		t.Errorf("receipt barcode/cut: %+v cut=%q", receipt.Barcodes, receipt.Cut)
	}

	// (c) sync delivers it once; a second pass and a resent batch change nothing.
	syncer := syncclient.New(syncclient.Config{BaseURL: srv.URL, RegisterID: registerID}, db)
	if n, err := syncer.Sync(ctx); err != nil || n != 1 {
		t.Fatalf("sync: %d %v", n, err)
	}
	if n, err := syncer.Sync(ctx); err != nil || n != 0 {
		t.Fatalf("second sync: %d %v", n, err)
	}
	if left, _ := db.Pending(ctx, 10); len(left) != 0 {
		t.Fatalf("outbox not acknowledged: %d left", len(left))
	}
	resp := pushByHand(t, srv.URL, registerID, []pos.Entry{entry})
	if len(resp.Results) != 1 || resp.Results[0].Status != syncproto.StatusDuplicate || resp.AckedThroughSeq != 1 {
		t.Fatalf("resent batch: %+v", resp)
	}
	resp = pushByHand(t, srv.URL, registerID, []pos.Entry{entry})
	if resp.Results[0].Status != syncproto.StatusDuplicate {
		t.Fatalf("resent again: %+v", resp)
	}
	if n, err := hq.SalesCount(ctx, registerID); err != nil || n != 1 {
		t.Fatalf("head office holds %d sales (%v), want exactly 1", n, err)
	}
	sales, err := hq.Sales(ctx, hqstore.SalesFilter{RegisterID: registerID})
	if err != nil || len(sales) != 1 || sales[0].SaleID != rec.SaleID || sales[0].TotalGross != tot.Gross || sales[0].ReceiptNo != "S01R01-000001" {
		t.Fatalf("head office sales: %+v %v", sales, err)
	}
	if st, err := hq.SyncState(ctx, registerID); err != nil || st.LastHash != entry.Hash {
		t.Fatalf("head office chain end: %+v %v", st, err)
	}
}

// demoProducts picks two barcoded items and one weighed item from the demo catalog.
func demoProducts(t *testing.T, ctx context.Context, db *store.DB) (scanned []pos.Product, weighed pos.Product) {
	t.Helper()
	cats, err := db.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		ps, err := db.QuickKeys(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			switch {
			case p.SoldByWeight && weighed.ID == "":
				weighed = p
			case !p.SoldByWeight && len(p.Barcodes) > 0 && len(scanned) < 2 && (len(scanned) == 0 || scanned[0].TaxRateID != p.TaxRateID):
				scanned = append(scanned, p)
			}
		}
	}
	if len(scanned) != 2 || weighed.ID == "" {
		t.Fatalf("demo catalog lacks two barcoded items at two rates and a weighed item: %v %v", scanned, weighed)
	}
	return scanned, weighed
}

func pushByHand(t *testing.T, base, registerID string, entries []pos.Entry) syncproto.PushBatchResponse {
	t.Helper()
	body, _ := json.Marshal(syncproto.PushBatchRequest{Entries: syncproto.FromPosAll(entries)})
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/v1/registers/%s/sales:batch", base, registerID), bytes.NewReader(body))
	req.Header.Set("Content-Type", syncproto.ContentType)
	req.Header.Set(syncproto.HeaderProtocol, syncproto.VersionString)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out syncproto.PushBatchResponse
	if res.StatusCode != http.StatusOK {
		t.Fatalf("push by hand: HTTP %d", res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}
