package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/tillpos/till/app/pos"
	"github.com/tillpos/till/app/register"
)

var _ register.Customers = (*DB)(nil)

// errNoKeys: OpenCustomerKeys was not called.
var errNoKeys = pos.Errorf(pos.EUnavailable, "No customer directory on this register.")

// OpenCustomerKeys opens (creating if needed) the key file of the customer
// directory. It is a file of its own so that a backup of the database never
// holds the keys to the customers in it; secure_delete overwrites a deleted
// key in place, and each erasure truncates the key file's WAL, so an erased
// key survives nowhere.
func (db *DB) OpenCustomerKeys(ctx context.Context, path string) error {
	k, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+
		"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=secure_delete(1)&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("store: customer keys %s: %w", path, err)
	}
	k.SetMaxOpenConns(1)
	if _, err := k.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS customer_keys (customer_id TEXT PRIMARY KEY, key BLOB NOT NULL)`); err != nil {
		k.Close()
		return fmt.Errorf("store: customer keys %s: %w", path, err)
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.keys != nil {
		db.keys.Close()
	}
	db.keys = k
	return nil
}

func (db *DB) keyDB() (*sql.DB, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.keys == nil {
		return nil, errNoKeys
	}
	return db.keys, nil
}

// SaveCustomer seals c under its key (made on first save) and stores it.
func (db *DB) SaveCustomer(ctx context.Context, c pos.Customer) error {
	if err := c.Check(); err != nil {
		return err
	}
	keys, err := db.keyDB()
	if err != nil {
		return err
	}
	key, err := customerKey(ctx, keys, c.ID, true)
	if err != nil {
		return err
	}
	sealed, err := sealCustomer(key, c)
	if err != nil {
		return err
	}
	if _, err := db.w.ExecContext(ctx, `INSERT OR REPLACE INTO customers (id, sealed, last_seen) VALUES (?, ?, ?)`,
		c.ID, sealed, c.LastSeen.UnixMilli()); err != nil {
		return fmt.Errorf("store: save customer: %w", err)
	}
	return nil
}

// Customer opens one customer; ENotFound when erased (row or key gone).
func (db *DB) Customer(ctx context.Context, id string) (pos.Customer, error) {
	keys, err := db.keyDB()
	if err != nil {
		return pos.Customer{}, err
	}
	var sealed []byte
	err = db.r.QueryRowContext(ctx, `SELECT sealed FROM customers WHERE id = ?`, id).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return pos.Customer{}, pos.Errorf(pos.ENotFound, "No such customer (erased?).")
	} else if err != nil {
		return pos.Customer{}, fmt.Errorf("store: customer: %w", err)
	}
	key, err := customerKey(ctx, keys, id, false)
	if err != nil {
		return pos.Customer{}, err
	}
	return openCustomer(key, id, sealed)
}

// FindCustomers opens every customer and compares: no searchable token of
// a phone or e-mail is stored (a keyed hash of a phone number could still
// be brute-forced from a backup). A register's directory is small; opening
// 10,000 rows takes milliseconds.
func (db *DB) FindCustomers(ctx context.Context, key string) ([]pos.Customer, error) {
	keys, err := db.keyDB()
	if err != nil {
		return nil, err
	}
	all, err := db.allKeys(ctx, keys)
	if err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, sealed FROM customers ORDER BY last_seen DESC LIMIT 100000`)
	if err != nil {
		return nil, fmt.Errorf("store: find customers: %w", err)
	}
	defer rows.Close()
	var out []pos.Customer
	for rows.Next() {
		var id string
		var sealed []byte
		if err := rows.Scan(&id, &sealed); err != nil {
			return nil, fmt.Errorf("store: find customers: %w", err)
		}
		k, ok := all[id]
		if !ok {
			continue // key erased: the row is unreadable and on its way out
		}
		c, err := openCustomer(k, id, sealed)
		if err != nil {
			return nil, err
		}
		if register.NormalizeContact(c.Phone) == key || register.NormalizeContact(c.Email) == key || c.Card == key {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

func (db *DB) allKeys(ctx context.Context, keys *sql.DB) (map[string][]byte, error) {
	rows, err := keys.QueryContext(ctx, `SELECT customer_id, key FROM customer_keys`)
	if err != nil {
		return nil, fmt.Errorf("store: customer keys: %w", err)
	}
	defer rows.Close()
	out := map[string][]byte{}
	for rows.Next() {
		var id string
		var k []byte
		if err := rows.Scan(&id, &k); err != nil {
			return nil, fmt.Errorf("store: customer keys: %w", err)
		}
		out[id] = k
	}
	return out, rows.Err()
}

// EraseCustomer crypto-shreds a customer: the key first (from then on no
// copy of the row anywhere can be read), then the row. Both WALs are
// checkpointed and truncated so no frame keeps either.
func (db *DB) EraseCustomer(ctx context.Context, id string) error {
	keys, err := db.keyDB()
	if err != nil {
		return err
	}
	if _, err := keys.ExecContext(ctx, `DELETE FROM customer_keys WHERE customer_id = ?`, id); err != nil {
		return fmt.Errorf("store: erase customer key: %w", err)
	}
	if _, err := keys.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("store: erase customer key: checkpoint: %w", err)
	}
	if _, err := db.w.ExecContext(ctx, `DELETE FROM customers WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: erase customer: %w", err)
	}
	return nil
}

// InactiveCustomers lists the ids of customers not seen since before.
func (db *DB) InactiveCustomers(ctx context.Context, before time.Time) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id FROM customers WHERE last_seen < ? ORDER BY id`, before.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("store: inactive customers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func customerKey(ctx context.Context, keys *sql.DB, id string, create bool) ([]byte, error) {
	var k []byte
	err := keys.QueryRowContext(ctx, `SELECT key FROM customer_keys WHERE customer_id = ?`, id).Scan(&k)
	if err == nil {
		return k, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: customer key: %w", err)
	}
	if !create {
		return nil, pos.Errorf(pos.ENotFound, "No such customer (erased?).")
	}
	k = make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("store: customer key: %w", err)
	}
	if _, err := keys.ExecContext(ctx, `INSERT INTO customer_keys (customer_id, key) VALUES (?, ?)`, id, k); err != nil {
		return nil, fmt.Errorf("store: customer key: %w", err)
	}
	return k, nil
}

// sealCustomer encrypts c with AES-256-GCM; the id is the additional data,
// so a sealed row moved to another id does not open.
func sealCustomer(key []byte, c pos.Customer) ([]byte, error) {
	g, err := gcm(key)
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("store: seal customer: %w", err)
	}
	nonce := make([]byte, g.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("store: seal customer: %w", err)
	}
	return g.Seal(nonce, nonce, plain, []byte(c.ID)), nil
}

func openCustomer(key []byte, id string, sealed []byte) (pos.Customer, error) {
	g, err := gcm(key)
	if err != nil {
		return pos.Customer{}, err
	}
	if len(sealed) < g.NonceSize() {
		return pos.Customer{}, fmt.Errorf("store: customer %s: sealed row too short", id)
	}
	plain, err := g.Open(nil, sealed[:g.NonceSize()], sealed[g.NonceSize():], []byte(id))
	if err != nil {
		return pos.Customer{}, fmt.Errorf("store: customer %s: %w", id, err)
	}
	var c pos.Customer
	if err := json.Unmarshal(plain, &c); err != nil {
		return pos.Customer{}, fmt.Errorf("store: customer %s: %w", id, err)
	}
	return c, nil
}

func gcm(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("store: customer key: %w", err)
	}
	return cipher.NewGCM(b)
}
