package register

import (
	"fmt"
	"strings"

	"github.com/tillpos/till/app/pos"
)

// ReceiptDoc lays out a completed sale as a receipt.
func ReceiptDoc(cfg Config, rec pos.SaleRecord, copy bool) pos.Doc {
	cur, w := cfg.Currency, wordsFor(cfg.Locale)
	money := func(v int64) string { return w.money(v, cur) }
	d := pos.Doc{ID: rec.SaleID, Copy: copy, Lang: cfg.Locale}
	d.Title(cfg.StoreName)
	for _, l := range cfg.StoreLines {
		d.Text(l, pos.AlignCenter)
	}
	d.Rule()
	for _, l := range rec.Lines {
		d.Pair(l.Name, money(l.Gross)+" "+taxLetter(rec.Totals.Taxes, l.TaxRateID), false)
		switch {
		case l.Weighed:
			d.Text(fmt.Sprintf("  %s kg x %s/kg", w.qty(l.Qty), money(l.UnitPrice)), pos.AlignLeft)
		case l.Qty != pos.QtyOne:
			d.Text(fmt.Sprintf("  %s x %s", w.qty(l.Qty), money(l.UnitPrice)), pos.AlignLeft)
		}
		if l.Discount != 0 {
			d.Pair("  "+w.Discount, money(-l.Discount), false)
		}
	}
	d.Rule()
	d.Blocks = append(d.Blocks, pos.Block{Kind: pos.BlockPair, Text: w.Total + " " + cur.Code, Right: money(rec.Totals.Gross), Bold: true, Large: true})
	for _, t := range rec.Tenders {
		d.Pair(w.tenderLabel(t), money(t.Amount), false)
	}
	if rec.Totals.Change != 0 {
		d.Pair(w.Change, money(rec.Totals.Change), true)
	}
	d.Rule()
	for i, tl := range rec.Totals.Taxes {
		d.Pair(fmt.Sprintf(w.TaxOf, 'A'+i, w.percent(tl.BasisPoints), money(tl.Gross)), money(tl.Tax), false)
	}
	d.Pair(w.Net, money(rec.Totals.Net), false)
	d.Rule()
	d.Pair(w.Receipt, rec.ReceiptNo, false)
	d.Pair(w.Date, w.date(rec.Completed), false)
	d.Pair(w.Cashier, rec.Cashier, false)
	d.Pair(w.Register, cfg.RegisterCode, false)
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
	d.Text(w.Thanks, pos.AlignCenter)
	d.Feed(2)
	return d
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
