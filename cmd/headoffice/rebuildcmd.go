package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

const rebuildUsage = `usage: headoffice rebuild-facts [-data DIR | -db URL]`

// rebuildFacts runs "headoffice rebuild-facts": it drops the projection the
// reports and books read (money, line and event facts) and makes it again
// from the stored journal entries, in one transaction. For after a change
// to the projection, or to prove it is one.
func rebuildFacts(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := newDBCommand([]string{"rebuild-facts", ""}, stderr)
	c.what = "rebuild-facts"
	if err := c.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if c.fs.NArg() > 0 {
		fmt.Fprintln(stderr, rebuildUsage)
		return 2
	}
	st, err := c.open(ctx)
	if err != nil {
		return c.fail(err)
	}
	defer st.Close()
	n, err := st.RebuildMoneyFacts(ctx)
	if err != nil {
		return c.fail(err)
	}
	fmt.Fprintf(stdout, "facts rebuilt: %d rows\n", n)
	return 0
}
