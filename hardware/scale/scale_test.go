package scale

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/devicesim"
	"github.com/tillpos/till/hardware/serialport"
)

var _ register.Scale = (*Toledo)(nil)

func TestParseAnswer(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want pos.Qty
		err  error
	}{
		{"\x0201.234\r", 1234, nil},
		{"\x0200.000\r", 0, nil},
		{"\x02 1.5\r", 1500, nil},
		{"\x0212.34567\r", 12346, nil},
		{"\x0299.999\r", 99999, nil},
		{"\x02?\x61\r", 0, ErrMotion},
		{"\x02?\x64\r", 0, ErrUnderZero},
		{"\x02?\x62\r", 0, ErrOverload},
		{"\x02?\x63\r", 0, ErrOverload}, // overload wins over motion
		{"\x02?\x60\r", 0, ErrBadAnswer},
		{"\x02?\r", 0, ErrBadAnswer},
		{"\x021234\r", 0, ErrBadAnswer}, // no decimal point
		{"\x021.2.3\r", 0, ErrBadAnswer},
		{"\x02.\r", 0, ErrBadAnswer},
		{"01.234\r", 0, ErrBadAnswer},
		{"\x0201.234", 0, ErrBadAnswer},
		{"\x02-1.000\r", 0, ErrBadAnswer},
	} {
		got, err := ParseAnswer([]byte(tt.in))
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("ParseAnswer(%q) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
	if pos.ErrorMessage(ErrMotion) != "Scale: weight not stable. Wait a moment and weigh again." {
		t.Errorf("cashier message %q", pos.ErrorMessage(ErrMotion))
	}
}

func FuzzParseAnswer(f *testing.F) {
	f.Add([]byte("\x0201.234\r"))
	f.Add([]byte("\x02?\x61\r"))
	f.Fuzz(func(t *testing.T, b []byte) {
		w, err := ParseAnswer(b)
		if err == nil && (w < 0 || w > 999_999_999_999) {
			t.Fatalf("weight %d from % x", w, b)
		}
		if err != nil && w != 0 {
			t.Fatalf("weight %d with error %v", w, err)
		}
	})
}

func TestToledoOverPty(t *testing.T) {
	t.Parallel()
	link := filepath.Join(t.TempDir(), "ttyScale")
	sim, err := devicesim.NewScaleSim(link)
	if err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sim.Run(ctx) }()
	defer func() { cancel(); <-done }()

	s := New(link, serialport.Mode{})
	s.Timeout = 200 * time.Millisecond
	defer s.Close()
	bg := context.Background()
	sim.SetWeight(1234)
	if w, err := s.Weight(bg); err != nil || w != 1234 {
		t.Fatalf("stable: %d %v", w, err)
	}
	for _, tt := range []struct {
		name string
		set  func()
		want error
	}{
		{"motion", func() { sim.SetMotion(true) }, ErrMotion},
		{"under zero", func() { sim.SetWeight(0); sim.SetUnderZero(true) }, ErrUnderZero},
		{"overload", func() { sim.SetWeight(0); sim.SetOverload(true) }, ErrOverload},
	} {
		tt.set()
		if w, err := s.Weight(bg); w != 0 || !errors.Is(err, tt.want) {
			t.Errorf("%s: %d %v", tt.name, w, err)
		}
	}
	sim.SetWeight(750)
	if w, err := s.Weight(bg); err != nil || w != 750 {
		t.Errorf("stable again: %d %v", w, err)
	}
	if n := sim.Requests(); n != 5 {
		t.Errorf("%d requests, want one W per Weight", n)
	}

	sim.SetSilent(true)
	start := time.Now()
	if _, err := s.Weight(bg); !errors.Is(err, ErrNoAnswer) || time.Since(start) > time.Second {
		t.Errorf("silent: %v after %s", err, time.Since(start))
	}
	sim.SetSilent(false)

	sim.Unplug()
	if _, err := s.Weight(bg); !errors.Is(err, ErrNoAnswer) {
		t.Errorf("unplugged: %v", err)
	}
	if err := sim.Replug(); err != nil {
		t.Fatal(err)
	}
	if w, err := s.Weight(bg); err != nil || w != 750 {
		t.Errorf("after replug: %d %v", w, err)
	}
}

// The register weighs a product on the simulated scale.
func TestRegisterAddWeighedOnTheScale(t *testing.T) {
	t.Parallel()
	sim, err := devicesim.NewScaleSim("")
	if err != nil {
		t.Skip(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sim.Run(ctx) }()
	defer func() { cancel(); <-done }()
	s := New(sim.Path(), serialport.Mode{})
	defer s.Close()

	cat := catalog{"apples": {ID: "apples", Name: "Äpfel", Price: 299, TaxRateID: "red", SoldByWeight: true}}
	r := register.New(register.Config{RegisterID: "r1", Currency: pos.MustCurrency("EUR")}, register.Deps{Catalog: cat, Scale: s})
	sim.SetWeight(1500)
	sim.SetMotion(true)
	if _, err := r.AddWeighed(context.Background(), "apples"); pos.ErrorMessage(err) != pos.ErrorMessage(ErrMotion) {
		t.Fatalf("motion: %v", err)
	}
	sim.SetMotion(false)
	i, err := r.AddWeighed(context.Background(), "apples")
	if err != nil {
		t.Fatal(err)
	}
	sale, tot := r.Sale()
	if l := sale.Lines[i]; l.Qty != 1500 || !l.Weighed || tot.Gross != 449 {
		t.Errorf("line %+v gross %d", l, tot.Gross)
	}
}

type catalog map[string]pos.Product

func (c catalog) ProductByBarcode(context.Context, string) (pos.Product, error) {
	return pos.Product{}, pos.Errorf(pos.ENotFound, "none")
}

func (c catalog) Product(_ context.Context, id string) (pos.Product, error) {
	if p, ok := c[id]; ok {
		return p, nil
	}
	return pos.Product{}, pos.Errorf(pos.ENotFound, "no product %s", id)
}

func (c catalog) TaxRate(context.Context, string) (pos.TaxRate, error) {
	return pos.TaxRate{ID: "red", BasisPoints: 700}, nil
}
func (c catalog) Categories(context.Context) ([]pos.Category, error)       { return nil, nil }
func (c catalog) QuickKeys(context.Context, string) ([]pos.Product, error) { return nil, nil }
func (c catalog) SearchProducts(context.Context, string, int) ([]pos.Product, error) {
	return nil, nil
}
