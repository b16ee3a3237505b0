package books

import (
	"sort"
	"time"

	"github.com/tillpos/till/app/pos"
)

// Correct returns the postings that bring an exported (closed) day to what
// its facts say now. A closed day is never edited: the difference is booked
// on the day the correction is made (GoBD: the original stays readable, the
// change is a new, dated booking). exported are the postings as they were
// exported for the day, recomputed the day's postings from today's facts;
// both must belong to one store and business day. The corrections use the
// same accounts and tax rates, so exported + corrections has, account by
// account, the balances of recomputed.
func Correct(exported, recomputed []Posting, on string, c Chart) ([]Posting, error) {
	if len(exported) == 0 && len(recomputed) == 0 {
		return nil, nil
	}
	first := exported
	if len(first) == 0 {
		first = recomputed
	}
	store, day := first[0].Store, first[0].Date
	for _, list := range [][]Posting{exported, recomputed} {
		for _, p := range list {
			if p.Store != store || p.Date != day {
				return nil, pos.Errorf(pos.EInvalid, "corrections are per store and day: %s/%s mixed with %s/%s", store, day, p.Store, p.Date)
			}
		}
	}
	onDate, err := time.Parse(time.DateOnly, on)
	if err != nil {
		return nil, pos.Errorf(pos.EInvalid, "correction day %q is not a date (YYYY-MM-DD)", on)
	}
	if dayDate, _ := time.Parse(time.DateOnly, day); !onDate.After(dayDate) {
		return nil, pos.Errorf(pos.EInvalid, "a correction of %s must be dated after it, not %s", day, on)
	}
	type key struct {
		debit, credit AccountKey
		side          TaxSide
		bp            int64
	}
	type sum struct {
		amount, tax int64
		text        string
		order       int
	}
	diff := map[key]*sum{}
	order := 0
	collect := func(ps []Posting, sign int64) {
		for _, p := range ps {
			k := key{p.Debit, p.Credit, p.Side, p.RateBP}
			s := diff[k]
			if s == nil {
				s = &sum{text: p.Text, order: order}
				order++
				diff[k] = s
			}
			s.amount += sign * p.Amount
			s.tax += sign * p.Tax
		}
	}
	collect(recomputed, 1)
	collect(exported, -1)
	keys := make([]key, 0, len(diff))
	for k, s := range diff {
		if s.amount != 0 || s.tax != 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return diff[keys[i]].order < diff[keys[j]].order })
	prefix := "Correction " + day + ": "
	if c.German {
		prefix = "Korrektur " + day[8:10] + "." + day[5:7] + "." + day[0:4] + ": "
	}
	doc := "K" + on[0:4] + on[5:7] + on[8:10] + "-" + first[0].Doc
	out := make([]Posting, 0, len(keys))
	for _, k := range keys {
		s := diff[k]
		out = append(out, Posting{Date: on, Store: store, Doc: clip(doc, 36), Text: clip(prefix+s.text, 60),
			Debit: k.debit, Credit: k.credit, Amount: s.amount, Side: k.side, RateBP: k.bp, Tax: s.tax})
	}
	return out, nil
}
