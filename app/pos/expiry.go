package pos

import "time"

// ExpiryWarning returns the warning to show when an item whose scan carried
// expiry (ISO date, from GS1 AI 17) is sold at now, "" when it has not
// expired. The date is the store's: an item expiring on the 5th may be
// sold until midnight at the end of the 5th in storeTZ, whatever zone the
// register's clock is in. It only warns: the cashier decides.
func ExpiryWarning(expiry string, now time.Time, storeTZ *time.Location) (string, error) {
	if storeTZ == nil {
		return "", Errorf(EInternal, "no store time zone to compare an expiry date in")
	}
	d, err := ParseDate(expiry)
	if err != nil {
		return "", err
	}
	y, m, day := now.In(storeTZ).Date()
	today := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	if !today.After(d) {
		return "", nil
	}
	// A literal format: it is the translation key (Error.Key), which
	// app/ui's translation test finds only in a literal.
	return Errorf(EConflict, "This item expired on %s. Check it before selling.", expiry).Message, nil
}
