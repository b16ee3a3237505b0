package register

import (
	"context"
	"testing"
)

// A terminal that gives no receipt number leaves the trace as the tender's
// reference: its reversal must still mark that payment reversed, and not a
// payment of another sale whose receipt number happens to be the same.
func TestReversalJournaledForATenderReferencedByTrace(t *testing.T) {
	t.Parallel()
	var reversed []string
	term := &fakeTerminal{
		authorize: func(req CardRequest) (CardResult, error) {
			return CardResult{Approved: true, Amount: req.Amount, Trace: "000042", TerminalID: "52500038", ResultCode: "00"}, nil
		},
		reverse: func(rn string) (CardResult, error) {
			reversed = append(reversed, rn)
			return CardResult{Approved: true, Trace: "000043", TerminalID: "52500038", ResultCode: "00"}, nil
		},
	}
	r, pay, _ := newCardRegister(t, term)
	ctx := context.Background()
	// Another sale's payment whose receipt number equals this one's trace.
	other := CardPayment{ID: "other", SaleID: "other-sale", Kind: CardSale, Amount: 500, State: CardApproved, Charged: true,
		Trace: "000007", ReceiptNo: "000042", TerminalID: "52500038"}
	pay.rows[other.ID] = other
	if _, err := r.TenderCard(ctx, 500, nil); err != nil {
		t.Fatal(err)
	}
	r.CancelPayment()
	if _, err := r.ReverseCardTenders(ctx, nil); err != nil || len(reversed) != 1 || reversed[0] != "000042" {
		t.Fatalf("reversal: %v %q", err, reversed)
	}
	for id, p := range pay.rows {
		want := CardReversed
		if id == other.ID {
			want = CardApproved
		}
		if p.State != want {
			t.Errorf("payment %s (trace %s, receipt %q) is %s, want %s", id, p.Trace, p.ReceiptNo, p.State, want)
		}
	}
}
