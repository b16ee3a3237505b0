package headoffice

import (
	"cmp"
	"context"
	"io"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/tillpos/till/app/headoffice/books"
	"github.com/tillpos/till/app/pos"
)

// Charts are the charts of accounts the books can be kept in, by name.
var Charts = map[string]func() books.Chart{"skr03": books.SKR03, "skr04": books.SKR04, "generic": books.Generic}

// BooksDay is one store's business day (the local day of date in the head
// office's location) as books.Day, from the projection: SalesByRate is the
// line facts of sales by tax rate, ReturnsByRate those of returns and
// voids (negative), as the Z report's ByRate; Tenders the tender facts
// (cash net of change); CashRounding what the tenders took beyond the
// receipts; Discounts the lines' discounts (memo); CashOverShort the Z
// reports' over/short; Payouts and CashDrops the cash moves. The drawers
// keep their float (FloatIn/Out 0); no vouchers are sold as
// multi-purpose vouchers and terminals' end-of-day totals are not in the
// journal, so card tenders are flagged for matching. ok is false when the
// store had no facts that day.
func (h *HeadOffice) BooksDay(ctx context.Context, storeID string, date time.Time) (d books.Day, ok bool, err error) {
	date = date.In(h.d.Location)
	from := time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, h.d.Location)
	q := FactQuery{From: from, To: from.AddDate(0, 0, 1), StoreID: storeID, Loc: h.d.Location}
	d = books.Day{Store: storeID, Date: from.Format(time.DateOnly)}
	currencies := map[string]bool{}
	byRate := func(kinds ...FactKind) ([]books.RateAmount, error) {
		sums := map[int64]*books.RateAmount{}
		for _, k := range kinds {
			q := q
			q.By, q.Kind = ByTaxRate, k
			ts, err := h.d.Facts.FactTotals(ctx, q)
			if err != nil {
				return nil, err
			}
			for _, t := range ts {
				currencies[t.Currency] = true
				bp, err := strconv.ParseInt(t.Key, 10, 64)
				if err != nil {
					return nil, err
				}
				r := sums[bp]
				if r == nil {
					r = &books.RateAmount{RateBP: bp}
					sums[bp] = r
				}
				r.Net += t.Net
				r.Tax += t.Tax
				d.Discounts += t.Discount
			}
		}
		var out []books.RateAmount
		for _, r := range sums {
			if r.Net != 0 || r.Tax != 0 {
				out = append(out, *r)
			}
		}
		slices.SortFunc(out, func(a, b books.RateAmount) int { return cmp.Compare(b.RateBP, a.RateBP) })
		return out, nil
	}
	if d.SalesByRate, err = byRate(FactSale); err != nil {
		return d, false, err
	}
	if d.ReturnsByRate, err = byRate(FactReturn, FactVoid); err != nil {
		return d, false, err
	}
	tq := q
	tq.By = ByTender
	tenders, err := h.d.Facts.FactTotals(ctx, tq)
	if err != nil {
		return d, false, err
	}
	sums := map[pos.TenderKind]int64{}
	for _, t := range tenders {
		currencies[t.Currency] = true
		k := pos.TenderKind(t.Key)
		switch k {
		case pos.TenderCash, pos.TenderCard, pos.TenderVoucher:
		default:
			k = books.TenderOther
		}
		sums[k] += t.Gross
	}
	for k, v := range sums {
		d.Tenders = append(d.Tenders, books.Tender{Kind: k, Amount: v})
	}
	slices.SortFunc(d.Tenders, func(a, b books.Tender) int { return cmp.Compare(a.Kind, b.Kind) })
	d.CashRounding = d.PaidIn() - d.Gross()

	money, err := h.d.Money.MoneyByHour(ctx, q.From, q.To, h.d.Location)
	if err != nil {
		return d, false, err
	}
	var payouts int64
	for _, m := range money {
		if m.StoreID != storeID {
			continue
		}
		switch m.Kind {
		case FactDrop:
			d.CashDrops += m.Amount
			currencies[m.Currency] = true
		case FactPayout:
			payouts += m.Amount
			currencies[m.Currency] = true
		}
	}
	if payouts > 0 {
		d.Payouts = []books.Payout{{Reason: "payouts", Gross: payouts}}
	}
	closes, err := h.d.Facts.Events(ctx, q, EventShiftClose)
	if err != nil {
		return d, false, err
	}
	for _, e := range closes {
		d.CashOverShort += e.Amount
		if e.Currency != "" {
			currencies[e.Currency] = true
		}
	}
	if len(currencies) == 0 {
		return d, false, nil
	}
	if len(currencies) > 1 {
		return d, false, pos.Errorf(pos.EInvalid, "Store %s took more than one currency on %s; the books keep one.", storeID, d.Date)
	}
	for c := range currencies {
		d.Currency = c
	}
	return d, true, d.Validate()
}

// BooksPeriod is the postings of every store's days in p (storeID "" for
// all stores) in chart, with what the accountant should look at.
type BooksPeriod struct {
	Currency string
	Postings []books.Posting
	Flags    []books.Flag
	Days     []books.Day
}

// Books posts the days of p as they stand, closing nothing (the back
// office's preview). Days closed by an export show what was exported.
func (h *HeadOffice) Books(ctx context.Context, p Period, storeID string, chart books.Chart) (BooksPeriod, error) {
	return h.books(ctx, p, storeID, chart, false)
}

// ExportBooks posts the days of p for an export: every day before today
// that it books is closed (recorded with its postings), and a closed day
// whose facts have changed since (a register that synced late, a recount)
// gets corrections dated today (books.Correct), never a new version of
// itself. The result holds every posting dated in p: fresh days, closed
// days as exported, and corrections made on a day in p.
func (h *HeadOffice) ExportBooks(ctx context.Context, p Period, storeID string, chart books.Chart) (BooksPeriod, error) {
	return h.books(ctx, p, storeID, chart, true)
}

func (h *HeadOffice) books(ctx context.Context, p Period, storeID string, chart books.Chart, close bool) (BooksPeriod, error) {
	var out BooksPeriod
	stores := []string{storeID}
	if storeID == "" {
		all, err := h.d.Registry.Stores(ctx)
		if err != nil {
			return out, err
		}
		stores = stores[:0]
		for _, s := range all {
			stores = append(stores, s.ID)
		}
	}
	_, todayT := h.today()
	today := todayT.Format(time.DateOnly)
	from, to := p.From.Format(time.DateOnly), p.To.AddDate(0, 0, -1).Format(time.DateOnly)
	for _, s := range stores {
		booked, err := h.d.Ledger.BookedDays(ctx, s)
		if err != nil {
			return out, err
		}
		changed := map[string][]books.Posting{}
		if close { // closed days whose facts changed get today's corrections
			for day, ps := range booked {
				if day >= today {
					continue
				}
				date, _ := time.ParseInLocation(time.DateOnly, day, h.d.Location)
				d, ok, err := h.BooksDay(ctx, s, date)
				if err != nil {
					return out, err
				}
				var now []books.Posting
				if ok {
					b, err := books.Book(d, chart)
					if err != nil {
						return out, err
					}
					now = b.Postings
				}
				// Correct compares per account; earlier corrections count
				// as part of the day.
				asBooked := make([]books.Posting, len(ps))
				for i, p := range ps {
					p.Date = day
					asBooked[i] = p
				}
				corr, err := books.Correct(asBooked, now, today, chart)
				if err != nil {
					return out, err
				}
				if len(corr) > 0 {
					booked[day] = append(ps, corr...)
					changed[day] = booked[day]
				}
			}
		}
		for day := p.From; day.Before(p.To); day = day.AddDate(0, 0, 1) {
			date := day.Format(time.DateOnly)
			if _, closed := booked[date]; closed {
				continue
			}
			d, ok, err := h.BooksDay(ctx, s, day)
			if err != nil {
				return out, err
			}
			if !ok {
				continue
			}
			if out.Currency != "" && d.Currency != out.Currency {
				return out, pos.Errorf(pos.EInvalid, "The stores keep books in different currencies; export one store at a time.")
			}
			out.Currency = d.Currency
			b, err := books.Book(d, chart)
			if err != nil {
				return out, err
			}
			out.Days = append(out.Days, d)
			out.Postings = append(out.Postings, b.Postings...)
			out.Flags = append(out.Flags, b.Flags...)
			if close && date < today {
				changed[date] = b.Postings
			}
		}
		for _, day := range slices.Sorted(maps.Keys(booked)) {
			for _, p := range booked[day] {
				if p.Date >= from && p.Date <= to {
					out.Postings = append(out.Postings, p)
				}
			}
		}
		if close && len(changed) > 0 {
			if err := h.d.Ledger.SaveBookedDays(ctx, s, changed); err != nil {
				return out, err
			}
		}
	}
	slices.SortStableFunc(out.Postings, func(a, b books.Posting) int {
		return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.Store, b.Store))
	})
	if out.Currency == "" {
		out.Currency = "EUR"
	}
	return out, nil
}

// WriteHledger exports the postings of p (ExportBooks: closing its past
// days) as an hledger journal.
func (h *HeadOffice) WriteHledger(ctx context.Context, w io.Writer, p Period, storeID string, chart books.Chart) error {
	bp, err := h.ExportBooks(ctx, p, storeID, chart)
	if err != nil {
		return err
	}
	return books.WriteHledger(w, chart, bp.Currency, bp.Postings)
}

// WriteDATEV exports the postings of p (ExportBooks: closing its past
// days) as a DATEV Buchungsstapel; hdr gives
// the adviser's and client's numbers, the period and currency are filled
// in from p.
func (h *HeadOffice) WriteDATEV(ctx context.Context, w io.Writer, p Period, storeID string, chart books.Chart, hdr books.DATEVHeader) error {
	bp, err := h.ExportBooks(ctx, p, storeID, chart)
	if err != nil {
		return err
	}
	hdr.From, hdr.To = p.From.Format(time.DateOnly), p.To.AddDate(0, 0, -1).Format(time.DateOnly)
	hdr.Currency = bp.Currency
	if hdr.Created.IsZero() {
		hdr.Created = h.d.Now()
	}
	return books.WriteDATEV(w, hdr, chart, bp.Postings)
}
