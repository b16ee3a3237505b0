package books

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/tillpos/till/app/pos"
)

// TestCorrectClosedDay: the exported day stays as it was, corrections are
// dated the day they are made, and exported + corrections equals the
// recomputed day account by account.
func TestCorrectClosedDay(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 9))
	for i := 0; i < 500; i++ {
		c := []Chart{SKR03(), SKR04(), Generic()}[i%3]
		old := genDay(r, "S1", "2026-12-07", false)
		exported, err := Book(old, c)
		if err != nil {
			t.Fatal(err)
		}
		frozen := append([]Posting(nil), exported.Postings...)
		now := genDay(r, "S1", "2026-12-07", false) // a late register's entries changed everything
		if i%4 == 0 {
			now = old
			now.Tenders = append([]Tender(nil), old.Tenders...)
			now.CashOverShort += 7
		}
		re, err := Book(now, c)
		if err != nil {
			t.Fatal(err)
		}
		corr, err := Correct(exported.Postings, re.Postings, "2026-12-09", c)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(frozen, exported.Postings) {
			t.Fatal("Correct changed the exported postings")
		}
		for _, p := range corr {
			if p.Date != "2026-12-09" || p.Store != "S1" || p.Doc == "" || (p.Amount == 0 && p.Tax == 0) {
				t.Fatalf("correction %+v", p)
			}
			var s int64
			for _, l := range p.Lines() {
				s += l.Amount
			}
			if s != 0 {
				t.Fatalf("correction %+v does not balance", p)
			}
		}
		sum := Balances(append(append([]Posting(nil), exported.Postings...), corr...))
		want := Balances(re.Postings)
		for k := range sum {
			if sum[k] != want[k] {
				t.Fatalf("%d: %s: exported + corrections = %d, recomputed %d", i, k, sum[k], want[k])
			}
		}
		for k := range want {
			if sum[k] != want[k] {
				t.Fatalf("%d: %s: exported + corrections = %d, recomputed %d", i, k, sum[k], want[k])
			}
		}
		checkBalances(t, now, sum)
	}
}

func TestCorrectSmallChange(t *testing.T) {
	t.Parallel()
	d := exampleDay()
	exported, _ := Book(d, SKR03())
	d.CashOverShort = -5 - 100 // recounted: one more euro short
	d.Tenders = []Tender{{pos.TenderCash, 7000}, {pos.TenderCard, 6778}, {pos.TenderVoucher, 500}}
	re, _ := Book(d, SKR03())
	corr, err := Correct(exported.Postings, re.Postings, "2026-12-08", SKR03())
	if err != nil {
		t.Fatal(err)
	}
	if len(corr) != 1 || corr[0].Debit != CashShort || corr[0].Credit != Cash || corr[0].Amount != 100 ||
		corr[0].Text != "Korrektur 07.12.2026: Kassendifferenz Fehlbetrag" || corr[0].Doc != "K20261208-Z20261207-S1" {
		t.Errorf("corrections = %+v", corr)
	}
	if none, _ := Correct(exported.Postings, exported.Postings, "2026-12-08", SKR03()); len(none) != 0 {
		t.Errorf("no change gave corrections %+v", none)
	}
	for _, on := range []string{"2026-12-07", "2026-12-06", "8.12.2026"} {
		if _, err := Correct(exported.Postings, re.Postings, on, SKR03()); err == nil {
			t.Errorf("correction dated %s accepted", on)
		}
	}
	other, _ := Book(func() Day { d := exampleDay(); d.Date = "2026-12-06"; return d }(), SKR03())
	if _, err := Correct(exported.Postings, other.Postings, "2026-12-08", SKR03()); err == nil {
		t.Error("mixing two days accepted")
	}
	_ = fmt.Sprint()
}
