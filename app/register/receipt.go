package register

import (
	"fmt"
	"strings"

	"github.com/tillpos/till/app/pos"
)

// ReceiptDoc lays out a completed sale as a receipt.
func ReceiptDoc(cfg Config, rec pos.SaleRecord, copy bool) pos.Doc {
	cur := cfg.Currency
	money := func(v int64) string { return pos.FormatPlain(v, cur.Digits) }
	d := pos.Doc{ID: rec.SaleID, Copy: copy}
	d.Title(cfg.StoreName)
	for _, l := range cfg.StoreLines {
		d.Text(l, pos.AlignCenter)
	}
	d.Rule()
	for _, l := range rec.Lines {
		d.Pair(l.Name, money(l.Gross)+" "+taxLetter(rec.Totals.Taxes, l.TaxRateID), false)
		switch {
		case l.Weighed:
			d.Text(fmt.Sprintf("  %s kg x %s/kg", qtyString(l.Qty), money(l.UnitPrice)), pos.AlignLeft)
		case l.Qty != pos.QtyOne:
			d.Text(fmt.Sprintf("  %s x %s", qtyString(l.Qty), money(l.UnitPrice)), pos.AlignLeft)
		}
		if l.Discount != 0 {
			d.Pair("  Discount", money(-l.Discount), false)
		}
	}
	d.Rule()
	d.Blocks = append(d.Blocks, pos.Block{Kind: pos.BlockPair, Text: "TOTAL " + cur.Code, Right: money(rec.Totals.Gross), Bold: true, Large: true})
	for _, t := range rec.Tenders {
		label := tenderLabel(t)
		d.Pair(label, money(t.Amount), false)
	}
	if rec.Totals.Change != 0 {
		d.Pair("Change", money(rec.Totals.Change), true)
	}
	d.Rule()
	for i, tl := range rec.Totals.Taxes {
		d.Pair(fmt.Sprintf("%c VAT %s%% of %s", 'A'+i, bpString(tl.BasisPoints), money(tl.Gross)), money(tl.Tax), false)
	}
	d.Pair("Net", money(rec.Totals.Net), false)
	d.Rule()
	d.Pair("Receipt", rec.ReceiptNo, false)
	d.Pair("Date", rec.Completed.In(localZone()).Format("2006-01-02 15:04:05"), false)
	d.Pair("Cashier", rec.Cashier, false)
	d.Pair("Register", cfg.RegisterCode, false)
	for _, t := range rec.Tenders {
		if len(t.TerminalReceipt) > 0 { // the card terminal's own receipt text
			d.Rule()
			for _, l := range t.TerminalReceipt {
				d.Text(l, pos.AlignLeft)
			}
			d.Rule()
		}
	}
	d.Barcode(rec.ReceiptNo)
	d.Text("Thank you for shopping with us!", pos.AlignCenter)
	d.Feed(2)
	return d
}

func tenderLabel(t pos.Tender) string {
	switch t.Kind {
	case pos.TenderCash:
		return "Cash"
	case pos.TenderCard:
		if t.Brand != "" {
			return "Card " + t.Brand + " " + t.MaskedPAN
		}
		return "Card"
	case pos.TenderVoucher:
		return "Voucher " + t.Reference
	}
	return string(t.Kind)
}

func taxLetter(taxes []pos.TaxLine, rateID string) string {
	for i, t := range taxes {
		if t.RateID == rateID {
			return string(rune('A' + i))
		}
	}
	return " "
}

// qtyString renders thousandths without trailing zeros: 2, 1.25, 0.333.
func qtyString(q pos.Qty) string {
	s := pos.FormatPlain(int64(q), 3)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// bpString renders basis points as a percentage: 1900 -> 19, 750 -> 7.5.
func bpString(bp int64) string {
	s := strings.TrimRight(pos.FormatPlain(bp, 2), "0")
	return strings.TrimSuffix(s, ".")
}
