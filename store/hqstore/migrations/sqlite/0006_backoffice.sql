-- Back-office accounts, their sessions (only the hash of each cookie's
-- token is kept) and the audit log of every change made through the back
-- office or its admin API.
CREATE TABLE backoffice_accounts (
    name           TEXT PRIMARY KEY,
    role           TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'accountant')),
    stores         TEXT NOT NULL DEFAULT '[]',   -- JSON array of store ids (managers)
    password_hash  TEXT NOT NULL,
    totp_secret    TEXT NOT NULL DEFAULT '',
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at_ms  INTEGER NOT NULL
);

CREATE TABLE backoffice_sessions (
    token_hash    TEXT PRIMARY KEY,
    account_name  TEXT NOT NULL REFERENCES backoffice_accounts (name) ON DELETE CASCADE,
    created_at_ms INTEGER NOT NULL,
    last_seen_ms  INTEGER NOT NULL
);
CREATE INDEX backoffice_sessions_created ON backoffice_sessions (created_at_ms);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms   INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL DEFAULT '',
    before  TEXT NOT NULL DEFAULT '',   -- JSON, '' when nothing was there
    after   TEXT NOT NULL DEFAULT ''    -- JSON, '' when it was removed
);
CREATE INDEX audit_log_at ON audit_log (at_ms);

-- What the back office's store form sets. tax_mode: prices include tax
-- ('inclusive') or have it added ('exclusive'); cash_rounding: cash totals
-- round to this many minor units (0: none).
ALTER TABLE stores ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN vat_id TEXT NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN currency TEXT NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN tax_mode TEXT NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN receipt_header TEXT NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN receipt_footer TEXT NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN cash_rounding INTEGER NOT NULL DEFAULT 0;

-- A revoked register's token and key are wiped: it can neither call nor sign.
ALTER TABLE register_accounts ADD COLUMN revoked_at_ms INTEGER NOT NULL DEFAULT 0;
