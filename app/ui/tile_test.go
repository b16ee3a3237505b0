package ui

import (
	"reflect"
	"strings"
	"testing"
)

func TestKeepUnits(t *testing.T) {
	for in, want := range map[string][]string{
		"Süßrahmbutter 250 g":         {"Süßrahmbutter", "250 g"},
		"Frische Vollmilch 3,5 % 1 l": {"Frische", "Vollmilch", "3,5 % 1 l"},
		"Bananen":                     {"Bananen"},
		"g Bananen":                   {"g", "Bananen"},
	} {
		if got := keepUnits(strings.Fields(in)); !reflect.DeepEqual(got, want) {
			t.Errorf("keepUnits(%q) = %q, want %q", in, got, want)
		}
	}
}
