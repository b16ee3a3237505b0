-- The chain's stores and the registers allowed to sync. A register is added
-- with a one-time enrollment code (only its hash is kept) and becomes
-- enrolled when it presents the code with its Ed25519 public key; it then
-- authenticates with a bearer token, of which only the hash is kept.
CREATE TABLE stores (
    store_id TEXT PRIMARY KEY,
    name     TEXT NOT NULL
);

CREATE TABLE register_accounts (
    register_id      TEXT PRIMARY KEY,
    store_id         TEXT NOT NULL REFERENCES stores (store_id),
    name             TEXT NOT NULL,
    code_hash        TEXT UNIQUE,          -- NULL once used
    code_hint        TEXT NOT NULL DEFAULT '',
    code_expires_ms  INTEGER NOT NULL DEFAULT 0,
    enrolled_at_ms   INTEGER NOT NULL DEFAULT 0,
    public_key       BLOB,
    token_hash       TEXT NOT NULL DEFAULT ''
);
