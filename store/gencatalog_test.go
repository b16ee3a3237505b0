package store

import (
	"fmt"
	"math/rand/v2"

	"github.com/tillpos/till/app/pos/catalogfile"
)

// GenerateCatalog makes a deterministic catalog of n products for benchmarks
// and load tests: the demo tax rates and categories, German-sounding names,
// and a unique valid EAN-13 for every product not sold by weight (one in 50).
// The same n and seed always give the same catalog.
func GenerateCatalog(n int, seed int64) catalogfile.File {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x7ee1_5eed))
	f := catalogfile.File{
		Version: catalogfile.Version,
		TaxRates: []catalogfile.TaxRate{
			{ID: "std", Name: "MwSt 19 %", BasisPoints: 1900},
			{ID: "red", Name: "MwSt 7 %", BasisPoints: 700},
		},
		Categories: []catalogfile.Category{
			{ID: "bakery", Name: "Bakery", Color: "#C8893B", Sort: 10},
			{ID: "drinks", Name: "Drinks", Color: "#2E86DE", Sort: 20},
			{ID: "fruitveg", Name: "Fruit & Veg", Color: "#3BA55C", Sort: 30},
			{ID: "dairy", Name: "Dairy", Color: "#F5D547", Sort: 40},
			{ID: "snacks", Name: "Snacks", Color: "#E4572E", Sort: 50},
			{ID: "pantry", Name: "Pantry", Color: "#8E44AD", Sort: 60},
		},
		Products: make([]catalogfile.Product, 0, n),
	}
	adjectives := []string{"Bio", "Frische", "Feine", "Große", "Würzige", "Süße", "Knusprige", "Milde", "Herzhafte", "Zarte"}
	nouns := []string{"Brezel", "Käsestange", "Apfelschorle", "Möhren", "Crème brûlée", "Bratwürste", "Müslimischung",
		"Rösti", "Spätzle", "Kräuterbutter", "Weißwürste", "Gewürzgurken", "Nussecken", "Streuselkuchen"}
	sizes := []string{"100 g", "200 g", "250 g", "500 g", "1 kg", "0,33 l", "0,5 l", "1 l", "6er", "Stück"}
	seen := make(map[string]bool, n)
	for i := range n {
		cat := f.Categories[rng.IntN(len(f.Categories))].ID
		rate := "red"
		if cat == "drinks" || rng.IntN(10) == 0 {
			rate = "std"
		}
		p := catalogfile.Product{
			ID:       fmt.Sprintf("gen-%06d", i+1),
			SKU:      fmt.Sprintf("%07d", 1_000_000+i),
			Name:     fmt.Sprintf("%s %s %s", adjectives[rng.IntN(len(adjectives))], nouns[rng.IntN(len(nouns))], sizes[rng.IntN(len(sizes))]),
			Price:    int64(19 + rng.IntN(4981)),
			TaxRate:  rate,
			Category: cat,
			QuickKey: i < 120 && i%6 == 0,
			Sort:     i,
		}
		if i%50 == 49 {
			p.SoldByWeight = true
			p.Name += " (kg)"
		} else {
			for {
				// 400-440 is Germany's GS1 prefix range.
				body := fmt.Sprintf("%03d%09d", 400+rng.IntN(41), rng.IntN(1_000_000_000))
				d, _ := catalogfile.EAN13CheckDigit(body)
				code := body + string(d)
				if !seen[code] {
					seen[code] = true
					p.Barcodes = []string{code}
					break
				}
			}
		}
		f.Products = append(f.Products, p)
	}
	return f
}
