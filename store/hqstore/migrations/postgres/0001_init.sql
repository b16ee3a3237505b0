-- One row per register that has pushed anything: the end of its stored chain.
-- IngestBatch locks this row (SELECT ... FOR UPDATE) so that concurrent
-- batches of one register run one after the other.
CREATE TABLE registers (
    register_id      TEXT PRIMARY KEY,
    last_seq         BIGINT NOT NULL,
    last_hash        TEXT NOT NULL,
    last_entry_at_ms BIGINT NOT NULL,
    updated_at_ms    BIGINT NOT NULL
);

-- Every journal entry exactly as the register sealed it.
CREATE TABLE entries (
    id             TEXT PRIMARY KEY,
    register_id    TEXT NOT NULL REFERENCES registers (register_id),
    seq            BIGINT NOT NULL CHECK (seq >= 1),
    kind           TEXT NOT NULL,
    created_at_ms  BIGINT NOT NULL,
    payload        BYTEA NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL,
    received_at_ms BIGINT NOT NULL,
    UNIQUE (register_id, seq)
);

-- Figures of "sale" entries, in columns so reports need no JSON. store_id is
-- the planned distribution column when sales move to Citus (docs/SCALING.md).
CREATE TABLE sales (
    entry_id        TEXT PRIMARY KEY REFERENCES entries (id),
    register_id     TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    sale_id         TEXT NOT NULL,
    store_id        TEXT NOT NULL,
    receipt_no      TEXT NOT NULL,
    currency        TEXT NOT NULL,
    total_gross     BIGINT NOT NULL,
    completed_at_ms BIGINT NOT NULL
);
CREATE INDEX sales_by_completed ON sales (completed_at_ms);
CREATE INDEX sales_by_register ON sales (register_id, completed_at_ms);
CREATE INDEX sales_by_store ON sales (store_id, completed_at_ms);
