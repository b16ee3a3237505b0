package register

import (
	"context"
	"strings"

	"github.com/tillpos/till/app/pos"
)

// TenderVoucher takes a voucher or store credit (its code and the amount
// taken from it, at most what is due). Vouchers are checked by the cashier
// for now; balances live at the head office later.
func (r *Register) TenderVoucher(ctx context.Context, code string, amount int64) (Payment, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return Payment{}, pos.Errorf(pos.EInvalid, "Enter the voucher code.")
	}
	return r.tender(ctx, pos.Tender{Kind: pos.TenderVoucher, Amount: amount, Reference: code})
}
