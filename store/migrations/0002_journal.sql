-- The journal is append-only: triggers refuse UPDATE and DELETE, so only a
-- person with the file and intent (drop trigger) can change history, and the
-- hash chain then shows it.
CREATE TABLE journal (
	seq         INTEGER PRIMARY KEY,
	id          TEXT UNIQUE NOT NULL,
	register_id TEXT NOT NULL,
	kind        TEXT NOT NULL,
	created_at  INTEGER NOT NULL, -- Unix ms, as hashed
	payload     BLOB NOT NULL,
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL
);

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN
	SELECT RAISE(ABORT, 'journal is append-only: UPDATE refused');
END;

CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN
	SELECT RAISE(ABORT, 'journal is append-only: DELETE refused');
END;

-- The outbox holds the journal entries the head office has not acknowledged.
-- Rows are deleted when acknowledged; acked_through only ever grows.
CREATE TABLE outbox (
	seq INTEGER PRIMARY KEY REFERENCES journal(seq)
);

CREATE TABLE outbox_state (
	id            INTEGER PRIMARY KEY CHECK (id = 1),
	acked_through INTEGER NOT NULL
);
INSERT INTO outbox_state (id, acked_through) VALUES (1, 0);
