package pos

// Rounding rule (documented and tested, used everywhere):
//
//  1. A line's amount is round(unit price × quantity / 1000), halves away from
//     zero, in minor units. Discounts are taken off that amount.
//  2. A line's tax is computed from the line's rounded amount alone:
//     exclusive prices: tax = round(net × bp / 10000), gross = net + tax;
//     inclusive prices: tax = round(gross × bp / (10000 + bp)), net = gross − tax.
//     Halves are rounded away from zero, so a return line (negative) mirrors
//     its sale line exactly.
//  3. The sale's totals and the tax breakdown per rate are sums of the
//     rounded lines; nothing is rounded again at the total.

// LineTax splits a line amount into net, tax and gross for a rate and mode.
func LineTax(amount, basisPoints int64, mode TaxMode) (net, tax, gross int64, err error) {
	if basisPoints < 0 || basisPoints > 100_00 {
		return 0, 0, 0, Errorf(EInvalid, "tax rate %d bp is out of range", basisPoints)
	}
	switch mode {
	case TaxExclusive:
		tax, err = mulDivRound(amount, basisPoints, 10000)
		if err != nil {
			return 0, 0, 0, err
		}
		gross, err = addChecked(amount, tax)
		return amount, tax, gross, err
	case TaxInclusive, "":
		tax, err = mulDivRound(amount, basisPoints, 10000+basisPoints)
		if err != nil {
			return 0, 0, 0, err
		}
		return amount - tax, tax, amount, nil
	default:
		return 0, 0, 0, Errorf(EInvalid, "unknown tax mode %q", mode)
	}
}

// LineAmount is round(unitPrice × qty / 1000) with the overflow checked.
func LineAmount(unitPrice int64, qty Qty) (int64, error) {
	if unitPrice > MaxAmount || unitPrice < -MaxAmount {
		return 0, ErrAmountTooLarge
	}
	return mulDivRound(unitPrice, int64(qty), int64(QtyOne))
}
