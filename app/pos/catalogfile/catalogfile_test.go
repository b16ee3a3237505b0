package catalogfile_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/pos/catalogfile"
)

// Without any database, Decode and Problems find what is wrong with a file
// and say it in words fit for the person importing; an *ImportError carries
// the list and unwraps to EInvalid.
func TestDecodeAndProblemsWithoutADatabase(t *testing.T) {
	t.Parallel()
	const good = `{"version":1,"tax_rates":[{"id":"std","name":"VAT","basis_points":1900}],
		"categories":[{"id":"bakery","name":"Bakery","color":"#C8893B"}],
		"products":[{"id":"p1","name":"Bread","price":199,"tax_rate":"std","barcodes":["4006381333931"]}],
		"employees":[{"id":"e1","name":"Ann","role":"manager","pin":"1234"}]}`
	f, err := catalogfile.Decode(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	noHash := func(string) bool { t.Error("PIN hash checked for an employee with a PIN"); return false }
	if p := f.Problems(noHash); len(p) != 0 {
		t.Fatalf("good file: %q", p)
	}

	for _, tt := range []struct{ name, input, want string }{
		{"unknown field", `{"version":1,"prodcts":[]}`, "prodcts"},
		{"trailing data", good + `{}`, "data after the catalog object"},
		{"wrong type", `{"version":1,"products":[{"id":"x","price":"1,99"}]}`, `"products.price" must be a whole number`},
		{"empty", ``, "empty or cut short"},
	} {
		_, err := catalogfile.Decode(strings.NewReader(tt.input))
		var ie *catalogfile.ImportError
		if !errors.As(err, &ie) || pos.ErrorCode(err) != pos.EInvalid || !strings.Contains(pos.ErrorMessage(err), tt.want) {
			t.Errorf("%s: Decode = %v, want an EInvalid *ImportError mentioning %q", tt.name, err, tt.want)
		}
	}

	bad := f
	bad.Version = 2
	bad.Products = append(bad.Products, catalogfile.Product{ID: "p1", Name: " ", Price: -1, Barcodes: []string{"4006381333932"}})
	bad.Employees = []catalogfile.Employee{{ID: "e2", Name: "Eve", Role: "boss", PINHash: "h"}}
	var hashes []string
	p := bad.Problems(func(h string) bool { hashes = append(hashes, h); return false })
	for _, want := range []string{"version is 2", `product "p1" appears twice`, `product "p1" has no name`,
		"price -1 is out of range", "has no tax rate", "should end in 1", `role "boss"`, `employee "e2": the PIN must be 4 to 6 digits`} {
		if !strings.Contains(strings.Join(p, "\n"), want) {
			t.Errorf("problems lack %q:\n%s", want, strings.Join(p, "\n"))
		}
	}
	if len(hashes) != 1 || hashes[0] != "h" {
		t.Errorf("PIN hashes checked: %q, want the one of e2", hashes)
	}
	if msg := pos.ErrorMessage(catalogfile.Invalid(p)); !strings.HasPrefix(msg, "The catalog was not imported: version is 2, want 1; ") || strings.Contains(msg, "more") {
		t.Errorf("Invalid(%d problems) = %q", len(p), msg)
	}
	// Past ten problems the message counts the rest.
	if msg := pos.ErrorMessage(catalogfile.Invalid(strings.Split("a b c d e f g h i j k l", " "))); !strings.HasSuffix(msg, "; j; and 2 more.") {
		t.Errorf("Invalid(12 problems) = %q", msg)
	}
}
