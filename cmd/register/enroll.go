package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/tillpos/till/sync/syncclient"
)

// enroll is "register enroll -headoffice URL -code CODE [-fingerprint FP]":
// it makes the register's key pair and stores the enrollment in the data
// folder, where run finds it.
func enroll(args []string) error {
	fs := flag.NewFlagSet("enroll", flag.ContinueOnError)
	data := fs.String("data", defaultConfig().DataDir, "data folder of the register")
	ho := fs.String("headoffice", "", "head office URL, e.g. https://hq.example.com:8443")
	code := fs.String("code", "", "one-time enrollment code from 'headoffice registers add'")
	fp := fs.String("fingerprint", "", "head office certificate fingerprint printed with the code (recommended)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *ho == "" || *code == "" {
		return errors.New("usage: register enroll -headoffice URL -code CODE [-fingerprint FP] [-data DIR]")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	c, err := syncclient.EnrollAndSave(ctx, *data, syncclient.EnrollOptions{BaseURL: *ho, Code: *code, Fingerprint: *fp})
	if err != nil {
		return err
	}
	fmt.Printf("enrolled as register %s of store %s at %s\ncertificate pinned: %s\ncredentials in %s\n",
		c.RegisterID, c.StoreID, c.HeadOffice, c.CertFingerprint, *data)
	return nil
}

// syncConfig builds the syncer's configuration from the enrollment in the
// data folder. Enrolled, the register takes its id and store from the head
// office (they sign and name every entry it pushes); not enrolled, it syncs
// without credentials, which only an open head office accepts.
func syncConfig(cfg *Config, log *slog.Logger) (syncclient.Config, bool, error) {
	sc := syncclient.Config{BaseURL: cfg.HeadOffice.URL, RegisterID: cfg.Register.ID, Log: log}
	creds, err := syncclient.LoadCredentials(cfg.DataDir)
	switch {
	case errors.Is(err, syncclient.ErrNotEnrolled):
		if cfg.HeadOffice.URL != "" {
			log.Warn("register not enrolled: the head office will refuse its sales; run 'register enroll'")
		}
		return sc, cfg.HeadOffice.URL != "", nil
	case err != nil:
		return sc, false, err
	}
	if cfg.Register.ID != creds.RegisterID || cfg.Store.ID != creds.StoreID {
		log.Warn("using the enrolled register and store ids", "register", creds.RegisterID, "store", creds.StoreID,
			"configured_register", cfg.Register.ID, "configured_store", cfg.Store.ID)
	}
	cfg.Register.ID, cfg.Store.ID = creds.RegisterID, creds.StoreID
	if sc.BaseURL == "" {
		sc.BaseURL = creds.HeadOffice
	}
	sc.RegisterID, sc.Token, sc.Key = creds.RegisterID, creds.Token, creds.Key
	sc.HTTPClient = creds.HTTPClient(30 * time.Second)
	return sc, true, nil
}
