package pos

import (
	"errors"
	"math"
	"testing"
)

func TestLineAmountRounding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		price int64
		qty   Qty
		want  int64
	}{
		{"one piece", 199, 1000, 199},
		{"three pieces", 199, 3000, 597},
		{"0.333 of 100 rounds down", 100, 333, 33},
		{"0.335 of 100: 33.5 rounds half up", 100, 335, 34},
		{"1.25 kg at 2.99/kg: 373.75 -> 374", 299, 1250, 374},
		{"returns mirror: -0.335 of 100", 100, -335, -34},
		{"zero price", 0, 5000, 0},
		{"tiny weight 0.001 kg at 0.49/kg", 49, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LineAmount(tt.price, tt.qty)
			if err != nil || got != tt.want {
				t.Fatalf("LineAmount(%d, %d) = %d, %v; want %d", tt.price, tt.qty, got, err, tt.want)
			}
		})
	}
}

func TestThreeTimesOneThird(t *testing.T) {
	t.Parallel()
	// Three lines of 0.333 at 1.00 are each rounded, and the total is their sum:
	// 3 x 0.33 = 0.99, never 1.00 from rounding the total.
	s := NewSale("s", "r", MustCurrency("EUR"), TaxInclusive, epoch)
	p := Product{ID: "p", Name: "Cheese", Price: 100, TaxRateID: "red", SoldByWeight: true}
	for range 3 {
		if _, err := s.AddProduct(p, 333, 700, ""); err != nil {
			t.Fatal(err)
		}
	}
	tot, err := s.Totals()
	if err != nil {
		t.Fatal(err)
	}
	if tot.Gross != 99 || len(s.Lines) != 3 {
		t.Fatalf("gross = %d over %d lines, want 99 over 3", tot.Gross, len(s.Lines))
	}
}

func TestLineTax(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		amount, bp            int64
		mode                  TaxMode
		wantNet, wTax, wGross int64
	}{
		{"inclusive 19% of 1.19", 119, 1900, TaxInclusive, 100, 19, 119},
		{"inclusive 19% of 1.00: 15.966 -> 16", 100, 1900, TaxInclusive, 84, 16, 100},
		{"inclusive 7% of 2.49: 16.29 -> 16", 249, 700, TaxInclusive, 233, 16, 249},
		{"inclusive 7% of 0.15: 0.98 -> 1", 15, 700, TaxInclusive, 14, 1, 15},
		{"exclusive 19% of 1.00", 100, 1900, TaxExclusive, 100, 19, 119},
		{"exclusive 8.875% of 9.99: 88.66 -> 89", 999, 888, TaxExclusive, 999, 89, 1088},
		{"exclusive half rounds up: 7% of 0.50 = 3.5 -> 4", 50, 700, TaxExclusive, 50, 4, 54},
		{"negative mirrors positive", -119, 1900, TaxInclusive, -100, -19, -119},
		{"zero", 0, 1900, TaxInclusive, 0, 0, 0},
		{"zero rate", 500, 0, TaxExclusive, 500, 0, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net, tax, gross, err := LineTax(tt.amount, tt.bp, tt.mode)
			if err != nil {
				t.Fatal(err)
			}
			if net != tt.wantNet || tax != tt.wTax || gross != tt.wGross {
				t.Fatalf("got net %d tax %d gross %d; want %d %d %d", net, tax, gross, tt.wantNet, tt.wTax, tt.wGross)
			}
			if net+tax != gross {
				t.Fatalf("net+tax != gross")
			}
		})
	}
	if _, _, _, err := LineTax(100, -1, TaxInclusive); err == nil {
		t.Error("negative rate accepted")
	}
	if _, _, _, err := LineTax(100, 700, "weird"); err == nil {
		t.Error("unknown mode accepted")
	}
}

func TestLargeAmountsRejected(t *testing.T) {
	t.Parallel()
	if _, err := LineAmount(math.MaxInt64, 1000); !errors.Is(err, ErrAmountTooLarge) {
		t.Errorf("MaxInt64 price: err = %v", err)
	}
	if _, err := LineAmount(MaxAmount, 2000); !errors.Is(err, ErrAmountTooLarge) {
		t.Errorf("2 x MaxAmount: err = %v", err)
	}
	if _, err := LineAmount(math.MinInt64+1, 1000); !errors.Is(err, ErrAmountTooLarge) {
		t.Errorf("MinInt64 price: err = %v", err)
	}
	if _, _, _, err := LineTax(MaxAmount, 1900, TaxExclusive); !errors.Is(err, ErrAmountTooLarge) {
		t.Errorf("tax pushing over MaxAmount: err = %v", err)
	}
	// A sale whose lines are each fine but whose sum is too large is refused and unchanged.
	s := NewSale("s", "r", MustCurrency("EUR"), TaxInclusive, epoch)
	big := Product{ID: "b", Name: "Yacht", Price: MaxAmount / 2, TaxRateID: "std"}
	if _, err := s.AddProduct(big, 1000, 1900, ""); err != nil {
		t.Fatal(err)
	}
	other := Product{ID: "c", Name: "Other yacht", Price: MaxAmount/2 + 10, TaxRateID: "std"}
	if _, err := s.AddProduct(other, 1000, 1900, ""); !errors.Is(err, ErrAmountTooLarge) {
		t.Fatalf("sum over MaxAmount: err = %v", err)
	}
	if len(s.Lines) != 1 {
		t.Fatalf("rejected line was kept: %d lines", len(s.Lines))
	}
	if err := s.SetQty(0, 3000); !errors.Is(err, ErrAmountTooLarge) {
		t.Fatalf("qty pushing over MaxAmount: err = %v", err)
	}
	if s.Lines[0].Qty != 1000 {
		t.Fatal("rejected quantity was kept")
	}
}
