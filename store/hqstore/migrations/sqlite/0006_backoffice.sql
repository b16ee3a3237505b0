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
