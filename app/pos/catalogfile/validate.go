package catalogfile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tillpos/till/app/pos"
)

// Problems lists what is wrong with f that needs no database (an empty list
// when nothing is); importing reports the same problems. validPINHash
// checks an employee's PINHash (app/pinhash.Valid): this package cannot
// hash, see the package comment.
func (f *File) Problems(validPINHash func(string) bool) []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	if f.Version != Version {
		add("version is %d, want %d", f.Version, Version)
	}
	for k := range f.Settings {
		if k == "" {
			add("a setting has an empty name")
		}
	}
	rates := map[string]bool{}
	for i, t := range f.TaxRates {
		switch {
		case t.ID == "":
			add("tax rate #%d has no id", i+1)
		case rates[t.ID]:
			add("tax rate %q appears twice", t.ID)
		}
		rates[t.ID] = true
		if t.Name == "" {
			add("tax rate %q has no name", t.ID)
		}
		if t.BasisPoints < 0 || t.BasisPoints > 10000 {
			add("tax rate %q: %d basis points is outside 0..10000", t.ID, t.BasisPoints)
		}
	}
	cats := map[string]bool{}
	for i, c := range f.Categories {
		switch {
		case c.ID == "":
			add("category #%d has no id", i+1)
		case cats[c.ID]:
			add("category %q appears twice", c.ID)
		}
		cats[c.ID] = true
		if c.Name == "" {
			add("category %q has no name", c.ID)
		}
		if c.Color != "" && !validColor(c.Color) {
			add("category %q: colour %q is not #RRGGBB", c.ID, c.Color)
		}
	}
	p = append(p, employeeProblems(f.Employees, validPINHash)...)
	products := map[string]bool{}
	codes := map[string]string{} // barcode -> product id
	for i, pr := range f.Products {
		name := fmt.Sprintf("product %q", pr.ID)
		switch {
		case pr.ID == "":
			name = fmt.Sprintf("product #%d (%s)", i+1, pr.Name)
			add("%s has no id", name)
		case products[pr.ID]:
			add("%s appears twice", name)
		}
		products[pr.ID] = true
		if strings.TrimSpace(pr.Name) == "" {
			add("%s has no name", name)
		}
		if pr.Price < 0 || pr.Price > pos.MaxAmount {
			add("%s: price %d is out of range", name, pr.Price)
		}
		if pr.TaxRate == "" {
			add("%s has no tax rate", name)
		}
		for _, code := range pr.Barcodes {
			if problem := barcodeProblem(code); problem != "" {
				add("%s: barcode %q %s", name, code, problem)
				continue
			}
			if other, dup := codes[code]; dup {
				if other == pr.ID {
					add("%s lists barcode %s twice", name, code)
				} else {
					add("barcode %s is on both product %q and product %q", code, other, pr.ID)
				}
				continue
			}
			codes[code] = pr.ID
		}
	}
	return p
}

func employeeProblems(es []Employee, validPINHash func(string) bool) []string {
	var p []string
	seen := map[string]bool{}
	for i, e := range es {
		name := fmt.Sprintf("employee %q", e.ID)
		switch {
		case e.ID == "":
			name = fmt.Sprintf("employee #%d (%s)", i+1, e.Name)
			p = append(p, name+" has no id")
		case seen[e.ID]:
			p = append(p, name+" appears twice")
		}
		seen[e.ID] = true
		if e.Name == "" {
			p = append(p, name+" has no name")
		}
		if !slices.Contains(Roles, e.Role) {
			p = append(p, fmt.Sprintf("%s: role %q is not cashier, supervisor, manager or owner", name, e.Role))
		}
		if !pos.ValidPIN(e.PIN) && (e.PIN != "" || !validPINHash(e.PINHash)) {
			p = append(p, name+": the PIN must be 4 to 6 digits")
		}
	}
	return p
}

func validColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for i := 1; i < 7; i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// barcodeProblem says what is wrong with a barcode, or "". A 13-digit code
// must carry a correct EAN-13 check digit: a scanner always sends one, so a
// wrong digit is a typing error and the product could never be scanned.
func barcodeProblem(code string) string {
	switch {
	case code == "":
		return "is empty"
	case len(code) > 64:
		return "is longer than 64 characters"
	case strings.ContainsFunc(code, func(r rune) bool { return r <= ' ' || r == 0x7f }):
		return "contains spaces or control characters"
	case len(code) == 13 && allDigits(code) && !validEAN13(code):
		d, _ := EAN13CheckDigit(code[:12])
		return fmt.Sprintf("has a wrong EAN-13 check digit (should end in %c)", d)
	}
	return ""
}
