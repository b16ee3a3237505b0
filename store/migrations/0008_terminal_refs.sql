-- Trace and receipt numbers of card terminal transactions that are not
-- payments of their own (a reversal gets fresh numbers from the terminal).
-- Card recovery matches the terminal's last transaction by numbers it has
-- not seen; without these a reversal would look like a lost approval.
CREATE TABLE card_terminal_refs (
	id          TEXT PRIMARY KEY,
	payment_id  TEXT NOT NULL DEFAULT '', -- the card payment it reversed, '' if not known
	what        TEXT NOT NULL,            -- 'reversal'
	amount      INTEGER NOT NULL,
	terminal_id TEXT NOT NULL DEFAULT '',
	trace       TEXT NOT NULL DEFAULT '',
	receipt_no  TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL -- Unix ms
);

CREATE INDEX card_terminal_refs_trace ON card_terminal_refs (terminal_id, trace) WHERE trace <> '';
CREATE INDEX card_terminal_refs_receipt ON card_terminal_refs (terminal_id, receipt_no) WHERE receipt_no <> '';
