-- Shifts, cash moves and clock in/out live in the hash-chained journal only
-- (shift_open, cash_move, z_report, clock entries): the register's state is
-- read back from it, so it survives a restart and cannot disagree with the
-- record. This index makes "the last shift_open" and "the clock entries" one
-- index range instead of a scan of the whole journal.
CREATE INDEX journal_kind_seq ON journal (kind, seq);

-- Parked sales (issue 4, selling): an open sale put aside survives a restart.
-- Not journaled: a parked sale is not a sale yet. sale is the pos.Sale as JSON.
CREATE TABLE parked_sales (
	id         TEXT PRIMARY KEY,
	parked_at  INTEGER NOT NULL, -- Unix ms
	cashier_id TEXT NOT NULL DEFAULT '',
	cashier    TEXT NOT NULL DEFAULT '',
	gross      INTEGER NOT NULL,
	items      INTEGER NOT NULL,
	label      TEXT NOT NULL DEFAULT '',
	sale       BLOB NOT NULL
);

-- Product search as the cashier types: every word of the name by prefix
-- (FTS5, diacritics folded: "kase" finds "Käse"), SKU by prefix (index).
CREATE VIRTUAL TABLE products_fts USING fts5(
	name, content='products', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
INSERT INTO products_fts (products_fts) VALUES ('rebuild');
CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
	INSERT INTO products_fts (rowid, name) VALUES (new.rowid, new.name);
END;
CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
	INSERT INTO products_fts (products_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
END;
CREATE TRIGGER products_fts_update AFTER UPDATE OF name ON products BEGIN
	INSERT INTO products_fts (products_fts, rowid, name) VALUES ('delete', old.rowid, old.name);
	INSERT INTO products_fts (rowid, name) VALUES (new.rowid, new.name);
END;
CREATE INDEX products_sku ON products (sku);
