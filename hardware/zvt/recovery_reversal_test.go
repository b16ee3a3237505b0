package zvt_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tillpos/till/app/register"
	"github.com/tillpos/till/hardware/devicesim"
)

// After a reversal the terminal's last transaction is the reversal: result
// 00, the same amount, fresh trace and receipt numbers. A payment of that
// amount whose request never reached the terminal must not be "recovered"
// from it as approved.
func TestRecoveryDoesNotTakeAReversalForTheLostPayment(t *testing.T) {
	s := newStack(t)
	ctx := context.Background()
	s.sell(t)
	if _, err := s.r.TenderCard(ctx, 100, nil); err != nil {
		t.Fatal(err)
	}
	s.r.CancelPayment()
	if _, err := s.r.ReverseCardTenders(ctx, nil); err != nil {
		t.Fatal(err)
	}
	s.sim.SetMode(devicesim.ZVTSilent) // the second payment never runs
	if _, err := s.r.TenderCard(ctx, 100, nil); !errors.Is(err, register.ErrCardNeedsDecision) {
		t.Fatalf("silent terminal: %v", err)
	}
	s.sim.SetMode(devicesim.ZVTApprove)
	if _, err := s.r.RecoverCardPayment(ctx); err == nil {
		t.Fatalf("an uncharged payment was recovered as approved from the reversal; terminal booked %+v", s.sim.History())
	}
	if cur, tot := s.r.Sale(); len(cur.Tenders) != 0 || cur.PaymentLock != "" || tot.Due != tot.Gross {
		t.Fatalf("after recovery: tenders %+v lock %q due %d", cur.Tenders, cur.PaymentLock, tot.Due)
	}
}
