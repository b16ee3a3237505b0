package barcode

import (
	"fmt"
	"time"
)

// GS1Date turns a GS1 date field YYMMDD (AI 11, 13, 15, 16, 17) into an ISO
// calendar date "2026-12-31". The century follows GS1 General
// Specifications 7.12: a year 51 or more ahead of now's is last century's,
// one 50 or more behind is next century's. Day 00 means the last day of the
// month. The date has no time zone: the store's zone applies where it is
// compared (pos.ExpiryWarning).
func GS1Date(yymmdd string, now time.Time) (string, error) {
	if len(yymmdd) != 6 || !allDigits(yymmdd) {
		return "", fmt.Errorf("%w: a GS1 date is YYMMDD", ErrSyntax)
	}
	yy := int(yymmdd[0]-'0')*10 + int(yymmdd[1]-'0')
	mm := int(yymmdd[2]-'0')*10 + int(yymmdd[3]-'0')
	dd := int(yymmdd[4]-'0')*10 + int(yymmdd[5]-'0')
	cur := now.Year()
	year := cur - cur%100 + yy
	switch diff := yy - cur%100; {
	case diff >= 51:
		year -= 100
	case diff <= -50:
		year += 100
	}
	if mm < 1 || mm > 12 {
		return "", fmt.Errorf("%w: GS1 date %s has month %02d", ErrSyntax, yymmdd, mm)
	}
	last := time.Date(year, time.Month(mm)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if dd == 0 {
		dd = last
	}
	if dd > last {
		return "", fmt.Errorf("%w: GS1 date %s has day %02d", ErrSyntax, yymmdd, dd)
	}
	return fmt.Sprintf("%04d-%02d-%02d", year, mm, dd), nil
}
