package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// TestRegisterSellsThroughStore runs the register's sale flow against the
// real database: scan, weigh, pay, and find the sale in journal and outbox.
func TestRegisterSellsThroughStore(t *testing.T) {
	t.Parallel()
	db := MustSeedDemo(t)
	ctx := context.Background()
	r := register.New(register.Config{RegisterID: "reg-test", RegisterCode: "K1", Currency: pos.MustCurrency("EUR")},
		register.Deps{Catalog: db, Journal: db, Clock: fixedClock{t0}})
	for _, code := range []string{"2168615649859", "2168615649859", "4000239057840"} { // 2× Käsebrötchen, Crème fraîche
		if _, err := r.Scan(ctx, code); err != nil {
			t.Fatalf("Scan(%s): %v", code, err)
		}
	}
	if _, err := r.AddProduct(ctx, "fruitveg-01", 1234); err != nil { // 1.234 kg bananas
		t.Fatal(err)
	}
	if _, err := r.Scan(ctx, "4999999999999"); pos.ErrorCode(err) != pos.ENotFound {
		t.Errorf("unknown barcode: %v", err)
	}
	pay, err := r.TenderCash(ctx, 1000)
	if err != nil || pay.Completed == nil {
		t.Fatalf("TenderCash = %+v, %v", pay, err)
	}
	// 2×189 + 99 + round(199×1.234 = 245.566) = 378 + 99 + 246 = 723
	if pay.Completed.Totals.Gross != 723 || pay.Completed.Totals.Change != 277 || pay.Completed.ReceiptNo != "K1-000001" {
		t.Errorf("record totals %+v, receipt %s", pay.Completed.Totals, pay.Completed.ReceiptNo)
	}
	e, err := db.EntryByID(ctx, pay.Completed.SaleID)
	if err != nil {
		t.Fatal(err)
	}
	var rec pos.SaleRecord
	if err := json.Unmarshal(e.Payload, &rec); err != nil || rec.Lines[0].Name != "Käsebrötchen" || rec.Lines[0].Qty != 2000 {
		t.Errorf("journal payload %s (%v)", e.Payload, err)
	}
	if p, _ := db.Pending(ctx, 10); len(p) != 1 || p[0].ID != rec.SaleID {
		t.Errorf("outbox pending %v", p)
	}
	if err := r.Reprint(ctx, rec.SaleID); err != nil {
		t.Errorf("Reprint: %v", err)
	}
}
