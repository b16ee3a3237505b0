package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tillpos/till/app/pos/catalogfile"
	"github.com/tillpos/till/store/hqstore"
)

// catalogCommands are the first words of the catalog subcommands.
var catalogCommands = map[string]bool{"products": true, "prices": true, "employees": true, "settings": true, "changes": true}

// catalogAdmin runs the catalog subcommands on the database directly (like
// "stores" and "registers"); every change reaches the registers through the
// change feed on their next pull.
func catalogAdmin(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) < 2 {
		fmt.Fprintln(stderr, catalogUsage)
		return 2
	}
	c := newDBCommand(args, stderr)
	what, fs, fail := c.what, c.fs, c.fail
	storeID := fs.String("store", "", "store id")
	product := fs.String("product", "", "product id")
	price := fs.String("price", "", "price in currency units, e.g. 1.29")
	id := fs.String("id", "", "employee id")
	name := fs.String("name", "", "employee name")
	role := fs.String("role", "cashier", "cashier, supervisor, manager or owner")
	pin := fs.String("pin", "", "4-6 digit PIN ('-' reads it from standard input); only its argon2id hash is kept")
	olderThan := fs.Duration("older-than", 30*24*time.Hour, "drop changes older than this")
	// Flags may come before or after the file or KEY VALUE arguments.
	var pos []string
	for rest := args[2:]; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		pos, rest = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	st, err := c.open(ctx)
	if err != nil {
		return fail(err)
	}
	defer st.Close()
	var cursor int64
	switch what {
	case "products import":
		if len(pos) != 1 {
			return fail(errors.New("give the catalog file: headoffice products import FILE.json"))
		}
		f, err := os.Open(pos[0])
		if err != nil {
			return fail(err)
		}
		defer f.Close()
		if cursor, err = hqstore.ImportCatalog(ctx, st, f); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "catalog %s imported (change %d)\n", pos[0], cursor)
	case "prices set", "prices clear":
		if *storeID == "" || *product == "" {
			return fail(errors.New("give --store and --product"))
		}
		p := hqstore.StorePrice{StoreID: *storeID, ProductID: *product, Clear: what == "prices clear"}
		if !p.Clear {
			if p.Price, err = parseMinor(*price); err != nil {
				return fail(err)
			}
		}
		if cursor, err = st.ApplyCatalog(ctx, hqstore.CatalogBatch{Prices: []hqstore.StorePrice{p}}); err != nil {
			return fail(err)
		}
		if p.Clear {
			fmt.Fprintf(stdout, "store %s sells %s at the base price again (change %d)\n", p.StoreID, p.ProductID, cursor)
		} else {
			fmt.Fprintf(stdout, "store %s sells %s at %s (change %d)\n", p.StoreID, p.ProductID, *price, cursor)
		}
	case "employees add":
		if *pin == "-" {
			line, err := readLine(os.Stdin)
			if err != nil {
				return fail(err)
			}
			*pin = line
		}
		e := catalogfile.Employee{ID: *id, Name: *name, Role: *role, PIN: *pin}
		if cursor, err = hqstore.SetEmployee(ctx, st, e); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "employee %s (%s, %s) saved (change %d)\n", e.ID, e.Name, e.Role, cursor)
	case "settings set":
		if len(pos) != 2 || pos[0] == "" {
			return fail(errors.New("give KEY VALUE"))
		}
		b := hqstore.CatalogBatch{Records: []hqstore.CatalogRecord{{Kind: hqstore.KindSetting, ID: pos[0],
			Data: []byte(strconv.Quote(pos[1]))}}}
		if cursor, err = st.ApplyCatalog(ctx, b); err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "setting %s = %q (change %d)\n", pos[0], pos[1], cursor)
	case "changes prune":
		horizon, err := st.PruneCatalogChanges(ctx, time.Now().Add(-*olderThan))
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "changes through %d dropped; registers behind it will fetch a snapshot\n", horizon)
	default:
		fmt.Fprintln(stderr, catalogUsage)
		return 2
	}
	return 0
}

func readLine(r io.Reader) (string, error) {
	var b [64]byte
	n, err := io.ReadAtLeast(r, b[:], 1)
	if err != nil && n == 0 {
		return "", fmt.Errorf("read PIN: %w", err)
	}
	return strings.TrimSpace(string(b[:n])), nil
}

// parseMinor reads a price in currency units ("1.29", "1,29", "3") as
// minor units (129); more than two decimals is refused, never rounded.
func parseMinor(s string) (int64, error) {
	s = strings.TrimSpace(strings.Replace(s, ",", ".", 1))
	whole, frac, _ := strings.Cut(s, ".")
	bad := fmt.Errorf("--price %q: want an amount like 1.29", s)
	if whole == "" || len(frac) > 2 || strings.HasPrefix(whole, "-") || strings.HasPrefix(whole, "+") {
		return 0, bad
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1e11 {
		return 0, bad
	}
	var f int64
	if frac != "" {
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil || strings.ContainsAny(frac, "+-") {
			return 0, bad
		}
		if len(frac) == 1 {
			f *= 10
		}
	}
	return w*100 + f, nil
}

const catalogUsage = `usage: headoffice products import FILE.json [-data DIR | -db URL]   (the register's catalog format)
       headoffice prices set --store S01 --product ID --price 1.29
       headoffice prices clear --store S01 --product ID
       headoffice employees add --id ID --name NAME --role cashier|supervisor|manager|owner --pin 1234|-
       headoffice settings set KEY VALUE
       headoffice changes prune [--older-than 720h]`
