package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/tillpos/till/app/pos"
)

// Well-known setting keys.
const (
	SettingStoreName = "store_name"
	SettingCurrency  = "currency" // ISO 4217, e.g. "EUR"
	SettingTaxMode   = "tax_mode" // "inclusive" or "exclusive"
)

// Setting returns a setting's value, or ENotFound.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", pos.Errorf(pos.ENotFound, "Setting %s is not set", key)
	} else if err != nil {
		return "", fmt.Errorf("store: setting %q: %w", key, err)
	}
	return v, nil
}

// SetSetting stores a setting, replacing any previous value.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	if key == "" {
		return pos.Errorf(pos.EInvalid, "A setting needs a name")
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("store: set setting %q: %w", key, err)
	}
	return nil
}
