package register

import "sort"

// banknotes in minor units of two-digit currencies (EUR, USD, GBP ...).
var banknotes = []int64{500, 1000, 2000, 5000, 10000, 20000}

// CashSuggestions returns the amounts a customer is likely to hand over for
// what is due: the next round amounts and banknotes above it, at most n, in
// ascending order, never the exact amount (that has its own button).
func CashSuggestions(due int64, n int) []int64 {
	if due <= 0 {
		return nil
	}
	seen := map[int64]bool{due: true}
	var out []int64
	add := func(v int64) {
		if v > due && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, step := range []int64{100, 500, 1000} {
		add((due + step - 1) / step * step)
	}
	for _, b := range banknotes {
		add(b)
		if b < due { // several notes of this value
			add((due/b + 1) * b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	if len(out) > n {
		out = out[:n]
	}
	return out
}
