package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

// paperOutPrinter always reports paper out after starting a job.
type paperOutPrinter struct{}

func (paperOutPrinter) Print(context.Context, pos.Doc) error {
	return &pos.Error{Code: pos.EUnavailable, Message: "Printer: out of paper"}
}

// TestStatusStripSaysWhyPrintingWaits: a printer fault shows its reason and
// tells the cashier the receipts print later while selling goes on.
func TestStatusStripSaysWhyPrintingWaits(t *testing.T) {
	a := test.NewTempApp(t)
	reg := register.New(testConfig(), register.Deps{Catalog: groceryCatalog(), Journal: &fakeJournal{}, Printer: paperOutPrinter{}})
	u := New(a, reg, Options{})
	t.Cleanup(u.Window().Close)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go reg.Run(ctx)
	reg.Spooler().Enqueue(pos.Doc{ID: "s1"})
	for end := time.Now().Add(3 * time.Second); reg.Spooler().Status().Reason == ""; {
		if time.Now().After(end) {
			t.Fatal("spooler never reported the fault")
		}
		time.Sleep(5 * time.Millisecond)
	}
	u.RefreshStatus()
	if got, want := u.statusFit.full, "Drucker: kein Papier: 1 Beleg wird später gedruckt. Weiter verkaufen."; got != want {
		t.Fatalf("status %q, want %q", got, want)
	}
}
