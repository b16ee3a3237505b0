package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/tillpos/till/store/hqstore"
)

// checkDB validates -db: empty (SQLite) or a PostgreSQL URL.
func checkDB(db string) error {
	if db == "" {
		return nil
	}
	u, err := url.Parse(db)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("-db %q: want a postgres://user@host:port/database URL, or leave it out for SQLite", redact(db))
	}
	return nil
}

// openStore opens PostgreSQL when -db is set, else SQLite in the data
// directory. The second result names the database for the log, without a
// password.
func openStore(ctx context.Context, cfg config) (hqstore.Store, string, error) {
	if cfg.db != "" {
		s, err := hqstore.OpenPostgres(ctx, cfg.db)
		return s, redact(cfg.db), err
	}
	if err := os.MkdirAll(cfg.dataDir, 0o750); err != nil {
		return nil, "", fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(cfg.dataDir, dbFile)
	s, err := hqstore.OpenSQLite(ctx, path)
	return s, path, err
}

// redact hides the password of a database URL.
func redact(db string) string {
	u, err := url.Parse(db)
	if err != nil {
		if i := strings.Index(db, "@"); i >= 0 {
			return "…" + db[i:]
		}
		return db
	}
	return u.Redacted()
}
