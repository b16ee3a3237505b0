-- The rest of the journal's projection (app/headoffice's LineFact and
-- EventFact), beside money_facts and keyed the same way: written with the
-- entry in the ingest transaction, remade by RebuildMoneyFacts. Reports
-- read them by time; category and cost come from the catalog when asked.
CREATE TABLE line_facts (
    register_id TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    line        INTEGER NOT NULL,
    store_id    TEXT NOT NULL,
    shift_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,  -- sale, return, void
    employee_id TEXT NOT NULL,
    product_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    tax_bp      INTEGER NOT NULL,
    qty         INTEGER NOT NULL,   -- thousandths, signed
    net         INTEGER NOT NULL,
    tax         INTEGER NOT NULL,
    gross       INTEGER NOT NULL,
    discount    INTEGER NOT NULL,
    refers_to   TEXT NOT NULL,
    currency    TEXT NOT NULL,
    at_ms       INTEGER NOT NULL,
    PRIMARY KEY (register_id, seq, line)
);
CREATE INDEX line_facts_by_time ON line_facts (at_ms);

CREATE TABLE event_facts (
    register_id TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    store_id    TEXT NOT NULL,
    shift_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,  -- shift_close, clock_in, clock_out, override
    employee_id TEXT NOT NULL,
    approver_id TEXT NOT NULL,
    action      TEXT NOT NULL,
    currency    TEXT NOT NULL,
    amount      INTEGER NOT NULL,   -- shift_close: over (+) or short (-)
    expected    INTEGER NOT NULL,
    counted     INTEGER NOT NULL,
    gross       INTEGER NOT NULL,
    net         INTEGER NOT NULL,
    tax         INTEGER NOT NULL,
    at_ms       INTEGER NOT NULL,
    PRIMARY KEY (register_id, seq)
);
CREATE INDEX event_facts_by_time ON event_facts (at_ms);
