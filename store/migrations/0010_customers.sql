-- The customer directory (docs/PRIVACY.md). Each row is sealed with AES-GCM
-- under its own key, and the keys live in a separate file (OpenCustomerKeys)
-- that backups of this database leave out: erasing a customer deletes the
-- row here and the key there, so copies of this file taken before the
-- erasure (backups, WAL frames, free pages) can no longer be read.
-- last_seen is in the clear so retention can find inactive customers.
CREATE TABLE customers (
	id        TEXT PRIMARY KEY,
	sealed    BLOB NOT NULL,
	last_seen INTEGER NOT NULL
);
CREATE INDEX customers_last_seen ON customers (last_seen);
