package books

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/tillpos/till/app/pos"
)

// WriteHledger writes postings as a plain-text double-entry journal that
// hledger (1.25 and later) reads: account and commodity declarations first,
// so `hledger check accounts commodities` proves nothing is misspelt, then
// one transaction per posting with its lines in the chart's account names.
func WriteHledger(w io.Writer, c Chart, currency string, ps []Posting) error {
	cur, err := pos.LookupCurrency(currency)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for i, p := range ps {
		if _, err := time.Parse(time.DateOnly, p.Date); err != nil {
			return pos.Errorf(pos.EInvalid, "posting %d: date %q is not YYYY-MM-DD", i, p.Date)
		}
		if abs(p.Amount) > pos.MaxAmount || abs(p.Tax) > pos.MaxAmount {
			return pos.Errorf(pos.EInvalid, "posting %d: amount out of range", i)
		}
		for _, l := range p.Lines() {
			a, err := c.Account(l.Account)
			if err != nil {
				return err
			}
			// hledger ends an account name at two spaces or a tab and a line at a newline.
			if n := a.Ledger(); n == "" || strings.Contains(n, "  ") || strings.ContainsAny(n, "\t\r\n;") {
				return pos.Errorf(pos.EInvalid, "account name %q cannot be written to an hledger journal", n)
			}
			names[a.Ledger()] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "; Till books, chart %s, amounts in %s\n", c.Name, cur.Code)
	fmt.Fprintf(bw, "commodity %s %s\n\n", pos.FormatPlain(100000, cur.Digits), cur.Code)
	for _, n := range sorted {
		fmt.Fprintf(bw, "account %s\n", n)
	}
	for _, p := range ps {
		doc := strings.NewReplacer("(", "", ")", "").Replace(ledgerText(p.Doc))
		fmt.Fprintf(bw, "\n%s (%s) %s | %s\n", p.Date, doc, ledgerText(p.Text), ledgerText(p.Store))
		for _, l := range p.Lines() {
			if l.Amount == 0 {
				continue
			}
			a, _ := c.Account(l.Account)
			fmt.Fprintf(bw, "    %-48s  %s %s\n", a.Ledger(), pos.FormatPlain(l.Amount, cur.Digits), cur.Code)
		}
	}
	return bw.Flush()
}

// ledgerText keeps a description on one line and free of hledger's comment
// and payee separators.
func ledgerText(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\r', '\n', '\t', ';', '|':
			return ' '
		}
		return r
	}, s)
}
