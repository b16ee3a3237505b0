package headoffice

import (
	"errors"
	"time"
)

// Deps are the ports the use cases run on; cmd/headoffice wires them.
type Deps struct {
	Registry     Registry
	Sales        Sales
	Health       Health
	Catalog      Catalog
	Money        Money
	Facts        Facts
	Ledger       Ledger
	CatalogFiles CatalogFiles
	Accounts     Accounts         // nil: no back-office logins (embedded tests)
	Audit        Audit            // nil: changes are not audited
	Stock        Stock            // nil: no stock (tests of other use cases)
	StockLedger  StockLedger      // the head office's own stock journal; nil: no stock writes
	Traffic      Traffic          // nil: nothing seen since start
	Now          func() time.Time // default time.Now
	Location     *time.Location   // where "today" is; default time.Local
}

// HeadOffice runs the head office's use cases.
type HeadOffice struct {
	d Deps
}

// New checks d: every store port is required.
func New(d Deps) (*HeadOffice, error) {
	if d.Registry == nil || d.Sales == nil || d.Health == nil || d.Catalog == nil || d.CatalogFiles == nil || d.Money == nil || d.Facts == nil || d.Ledger == nil {
		return nil, errors.New("headoffice: Registry, Sales, Health, Catalog, CatalogFiles, Money, Facts and Ledger are required")
	}
	if d.Traffic == nil {
		d.Traffic = noTraffic{}
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Location == nil {
		d.Location = time.Local
	}
	return &HeadOffice{d: d}, nil
}

// Now is the head office's clock (injected in tests).
func (h *HeadOffice) Now() time.Time { return h.d.Now() }

// Location is where the head office's days begin and end.
func (h *HeadOffice) Location() *time.Location { return h.d.Location }

type noTraffic struct{}

func (noTraffic) IngestSuccessRatio() float64 { return 1 }
func (noTraffic) RegisterTraffic(string) (time.Time, float64, float64) {
	return time.Time{}, 0, 0
}

// today is the start of the local day of now, and now in loc.
func (h *HeadOffice) today() (now, day time.Time) {
	now = h.d.Now().In(h.d.Location)
	return now, time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, h.d.Location)
}
