-- Persisted print jobs (issue 5): a receipt or report waits here until the
-- printer has taken it whole. The done mark is written before the next job
-- starts, so a job never prints twice unasked; a job left 'printing' by a
-- restart, or interrupted mid-job ('failed-waiting' with resumed = 1), is
-- printed again in full, marked COPY and "resumed".
CREATE TABLE print_jobs (
	id         TEXT PRIMARY KEY,            -- UUIDv7; a reprint is a new job
	doc_id     TEXT NOT NULL,               -- the document's id (the sale id for a receipt)
	kind       TEXT NOT NULL CHECK (kind IN ('receipt', 'report')),
	doc        TEXT NOT NULL,               -- the pos.Doc as JSON
	state      TEXT NOT NULL CHECK (state IN ('queued', 'printing', 'done', 'failed-waiting')),
	attempts   INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	last_error TEXT NOT NULL DEFAULT '',
	resumed    INTEGER NOT NULL DEFAULT 0 CHECK (resumed IN (0, 1)),
	created_at INTEGER NOT NULL,            -- unix milliseconds
	updated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX print_jobs_unfinished ON print_jobs (created_at, id) WHERE state <> 'done';
CREATE INDEX print_jobs_doc ON print_jobs (doc_id);
