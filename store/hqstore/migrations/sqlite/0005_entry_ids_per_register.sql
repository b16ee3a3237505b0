-- Entry ids are unique per register, not across the chain: a register that
-- stored an entry under an id another register will use later would have
-- made that register stuck forever. SQLite cannot change a primary key in
-- place, so both tables are rebuilt (the renames carry the foreign key).
ALTER TABLE sales RENAME TO sales_old;
ALTER TABLE entries RENAME TO entries_old;

CREATE TABLE entries (
    id             TEXT NOT NULL,
    register_id    TEXT NOT NULL REFERENCES registers (register_id),
    seq            INTEGER NOT NULL CHECK (seq >= 1),
    kind           TEXT NOT NULL,
    created_at_ms  INTEGER NOT NULL,
    payload        BLOB NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL,
    received_at_ms INTEGER NOT NULL,
    PRIMARY KEY (register_id, id),
    UNIQUE (register_id, seq)
);
INSERT INTO entries SELECT id, register_id, seq, kind, created_at_ms, payload, prev_hash, hash, received_at_ms FROM entries_old;

CREATE TABLE sales (
    entry_id        TEXT NOT NULL,
    register_id     TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    sale_id         TEXT NOT NULL,
    store_id        TEXT NOT NULL,
    receipt_no      TEXT NOT NULL,
    currency        TEXT NOT NULL,
    total_gross     INTEGER NOT NULL,
    completed_at_ms INTEGER NOT NULL,
    PRIMARY KEY (register_id, entry_id),
    FOREIGN KEY (register_id, entry_id) REFERENCES entries (register_id, id)
);
INSERT INTO sales SELECT entry_id, register_id, seq, sale_id, store_id, receipt_no, currency, total_gross, completed_at_ms FROM sales_old;

DROP TABLE sales_old;
DROP TABLE entries_old;
CREATE INDEX sales_by_completed ON sales (completed_at_ms);
CREATE INDEX sales_by_register ON sales (register_id, completed_at_ms);
CREATE INDEX sales_by_store ON sales (store_id, completed_at_ms);
