package backoffice

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/tillpos/till/app/headoffice"
)

var catalogTemplate = pageTemplate("catalog.html")

type catalogData struct {
	Stores    []headoffice.StoreInfo
	Store     headoffice.StoreInfo
	Products  []productRow
	MayChange bool
}

// productRow is a product as a store's registers have it.
type productRow struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Price        int64    `json:"price"`
	TaxRate      string   `json:"tax_rate"`
	Category     string   `json:"category"`
	Barcodes     []string `json:"barcodes"`
	SoldByWeight bool     `json:"sold_by_weight"`
	PriceText    string   `json:"-"`
}

func (b *BackOffice) catalogPage(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx := r.Context()
	stores, err := b.ho.Stores(ctx)
	if err != nil {
		b.unavailable(w, r, "catalog page", err)
		return
	}
	d := catalogData{Stores: stores}
	sid := r.URL.Query().Get("store")
	for _, s := range stores {
		if s.ID == sid || (sid == "" && d.Store.ID == "") {
			d.Store = s
		}
	}
	if d.Store.ID != "" {
		snap, err := b.ho.StoreCatalog(ctx, d.Store.ID)
		if err != nil {
			b.unavailable(w, r, "catalog page", err)
			return
		}
		for _, rec := range snap.Records {
			if rec.Kind != "product" {
				continue
			}
			var p productRow
			if err := json.Unmarshal(rec.Data, &p); err != nil {
				continue // a record the page cannot show is still the registers'
			}
			p.PriceText = formatMinor(p.Price)
			d.Products = append(d.Products, p)
		}
		sort.Slice(d.Products, func(i, j int) bool { return d.Products[i].Name < d.Products[j].Name })
		d.MayChange = v.CanChange() && v.Account.MayManageStore(d.Store.ID)
	}
	b.render(w, r, http.StatusOK, catalogTemplate, pageData{Title: "Catalog", Section: "/admin/catalog", Viewer: v, Data: d})
}

// catalogSetPrice: a store's own price of a product; empty resets it to
// the base price. It reaches the store's registers on their next pull.
func (b *BackOffice) catalogSetPrice(w http.ResponseWriter, r *http.Request, v *viewer) {
	sid, pid := r.PostFormValue("store"), r.PostFormValue("product")
	if !v.Account.MayManageStore(sid) {
		http.Error(w, "You do not manage that store.", http.StatusForbidden)
		return
	}
	p := headoffice.StorePrice{StoreID: sid, ProductID: pid}
	if txt := strings.TrimSpace(r.PostFormValue("price")); txt == "" {
		p.Clear = true
	} else {
		minor, err := parseMinor(txt)
		if err != nil {
			http.Redirect(w, r, "/admin/catalog?store="+url.QueryEscape(sid)+"&done="+url.QueryEscape("Not changed: "+err.Error()), http.StatusSeeOther)
			return
		}
		p.Price = minor
	}
	if _, err := b.ho.SetStorePrice(r.Context(), p); err != nil {
		if msg, ok := userError(err); ok {
			http.Error(w, msg, http.StatusUnprocessableEntity)
			return
		}
		var ce *headoffice.CatalogError
		if errors.As(err, &ce) {
			http.Error(w, ce.Error(), http.StatusUnprocessableEntity)
			return
		}
		b.log.ErrorContext(r.Context(), "set price", "err", err)
		http.Error(w, "The head office could not store the price; retry later.", http.StatusInternalServerError)
		return
	}
	msg := "Price of " + pid + " in " + sid + " set to " + formatMinor(p.Price)
	if p.Clear {
		msg = "Price of " + pid + " in " + sid + " back to the base price"
	}
	http.Redirect(w, r, "/admin/catalog?store="+url.QueryEscape(sid)+"&done="+url.QueryEscape(msg+"; registers get it on their next sync"), http.StatusSeeOther)
}

// parseMinor reads "1.29", "1,29" or "3" as minor units (two decimals).
func parseMinor(s string) (int64, error) {
	whole, frac, hasFrac := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	bad := errors.New("a price is like 1.29")
	if whole == "" || len(frac) > 2 || (hasFrac && frac == "") || len(whole) > 12 {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n < 0 {
		return 0, bad
	}
	return n, nil
}

// formatMinor writes minor units with two decimals.
func formatMinor(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return sign + strconv.FormatInt(n/100, 10) + "." + strconv.FormatInt(100+n%100, 10)[1:]
}

func (b *BackOffice) unavailable(w http.ResponseWriter, r *http.Request, what string, err error) {
	b.log.ErrorContext(r.Context(), what, "err", err)
	http.Error(w, "The head office database is not reachable. Try again in a minute.", http.StatusServiceUnavailable)
}
