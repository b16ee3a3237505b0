-- The card payment journal (issue 5): one row per card transaction, written
-- as an intent before the request goes to the terminal, then settled. It
-- holds only what PCI DSS allows outside the terminal: a masked PAN, never a
-- full card number (the CHECK refuses an all-digit masked_pan).
CREATE TABLE card_payments (
	id          TEXT PRIMARY KEY,
	sale_id     TEXT NOT NULL,
	kind        TEXT NOT NULL CHECK (kind IN ('sale', 'refund')),
	amount      INTEGER NOT NULL CHECK (amount > 0), -- minor units
	currency    TEXT NOT NULL,
	state       TEXT NOT NULL CHECK (state IN ('intent', 'approved', 'declined', 'unknown', 'reversed', 'manager-resolved')),
	charged     INTEGER NOT NULL DEFAULT 0 CHECK (charged IN (0, 1)),
	masked_pan  TEXT NOT NULL DEFAULT '' CHECK (masked_pan = '' OR masked_pan GLOB '*[^0-9]*'),
	brand       TEXT NOT NULL DEFAULT '',
	auth_code   TEXT NOT NULL DEFAULT '',
	trace       TEXT NOT NULL DEFAULT '',
	receipt_no  TEXT NOT NULL DEFAULT '', -- the terminal's receipt number
	terminal_id TEXT NOT NULL DEFAULT '',
	result_code TEXT NOT NULL DEFAULT '',
	message     TEXT NOT NULL DEFAULT '',
	resolved_by TEXT NOT NULL DEFAULT '', -- employee who decided an unknown outcome
	note        TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL, -- Unix ms
	updated_at  INTEGER NOT NULL
);

CREATE INDEX card_payments_sale ON card_payments (sale_id);
CREATE INDEX card_payments_trace ON card_payments (terminal_id, trace) WHERE trace <> '';
CREATE INDEX card_payments_receipt ON card_payments (terminal_id, receipt_no) WHERE receipt_no <> '';
CREATE INDEX card_payments_unsettled ON card_payments (created_at) WHERE state IN ('intent', 'unknown');
