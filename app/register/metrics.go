package register

import "time"

// Metrics records what the head office's monitoring wants from the sale
// flow (syncclient.Metrics implements it; cmd/register wires it). Calls are
// made on the sale path, so an implementation must be cheap and must not
// block. A nil Deps.Metrics records nothing.
type Metrics interface {
	// CardOutcome counts a card terminal's answer: CardOutcomeApproved,
	// CardOutcomeDeclined or CardOutcomeError.
	CardOutcome(kind string)
	// PrintFailed counts a print attempt that failed.
	PrintFailed()
	// ScanToLine records the time from a scan to its line in the sale.
	ScanToLine(d time.Duration)
	// SaleCommitted counts a sale the journal took, with how long its
	// durable commit took; SaleFailed one it refused.
	SaleCommitted(d time.Duration)
	SaleFailed()
}

// The card outcomes Metrics.CardOutcome is called with.
const (
	CardOutcomeApproved = "approved"
	CardOutcomeDeclined = "declined"
	CardOutcomeError    = "error" // not reachable, refused or unknown outcome
)

// noMetrics is Metrics when none is wired.
type noMetrics struct{}

func (noMetrics) CardOutcome(string)          {}
func (noMetrics) PrintFailed()                {}
func (noMetrics) ScanToLine(time.Duration)    {}
func (noMetrics) SaleCommitted(time.Duration) {}
func (noMetrics) SaleFailed()                 {}
