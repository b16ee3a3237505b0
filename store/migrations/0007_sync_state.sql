-- Issue 6, register side of the head-office sync.
-- catalog_sync: how far the head office's catalog change feed has been
-- applied. The cursor is written in the same transaction as the page of
-- changes it covers, so a crash leaves catalog and cursor in agreement.
CREATE TABLE catalog_sync (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	cursor     INTEGER NOT NULL DEFAULT 0,
	applied_at INTEGER NOT NULL DEFAULT 0 -- Unix ms of the last applied page
);
INSERT INTO catalog_sync (id) VALUES (1);

-- sync_rejections: journal entries the head office refused, with its reason,
-- for the manager. Ingest is strictly sequential (every entry continues the
-- hash chain), so a refused entry holds back every later one; the row says
-- so until the entry is accepted and cleared.
CREATE TABLE sync_rejections (
	entry_id   TEXT PRIMARY KEY,
	seq        INTEGER NOT NULL,
	reason     TEXT NOT NULL,
	first_seen INTEGER NOT NULL, -- Unix ms
	last_seen  INTEGER NOT NULL
);
