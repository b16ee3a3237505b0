package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tillpos/till/store"
)

// importCatalog is `register import-catalog FILE`: a register that is not
// enrolled with a head office gets its products and staff (PINs hashed on
// import) from a catalog file, all or nothing.
func importCatalog(args []string) error {
	fs := flag.NewFlagSet("import-catalog", flag.ContinueOnError)
	data := fs.String("data", defaultConfig().DataDir, "data folder holding register.db")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: register import-catalog [-data DIR] FILE")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("catalog file: %w", err)
	}
	defer f.Close()
	if err := os.MkdirAll(*data, 0o750); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(*data, "register.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.ImportCatalog(ctx, f); err != nil {
		return err
	}
	emps, err := db.Employees(ctx)
	if err != nil {
		return err
	}
	n, err := db.ProductCount(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("catalog imported: %d products, %d active employees\n", n, len(emps))
	return nil
}
