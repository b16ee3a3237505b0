-- The chain's stores and the registers allowed to sync (see the SQLite
-- migration of the same name): only hashes of enrollment codes and tokens.
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
    code_expires_ms  BIGINT NOT NULL DEFAULT 0,
    enrolled_at_ms   BIGINT NOT NULL DEFAULT 0,
    public_key       BYTEA,
    token_hash       TEXT NOT NULL DEFAULT ''
);
