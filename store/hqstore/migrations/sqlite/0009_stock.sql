-- Stock (docs/INVENTORY.md): every movement derived from a stored journal
-- entry (sale, return, void, stock), and the on-hand projection per store
-- and product that ingest keeps up to date in the same transaction.
-- Movement ids are "<entry id>/<line>", unique per register as entry ids are.
CREATE TABLE stock_movements (
    register_id  TEXT NOT NULL,
    id           TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    line         INTEGER NOT NULL,
    entry_id     TEXT NOT NULL,
    store_id     TEXT NOT NULL,
    product_id   TEXT NOT NULL,
    kind         TEXT NOT NULL,  -- sale, return, receipt, adjustment, count, transfer_out, transfer_in
    qty          INTEGER NOT NULL,   -- thousandths; the level for a count, the signed change otherwise
    lot          TEXT NOT NULL,
    expiry       TEXT NOT NULL,
    ref          TEXT NOT NULL,
    reason       TEXT NOT NULL,
    at_ms        INTEGER NOT NULL,   -- the register's clock
    offset_ms    INTEGER NOT NULL,   -- its clock minus the head office's
    corrected_ms INTEGER NOT NULL,   -- at_ms - offset_ms: the one order's first key
    PRIMARY KEY (register_id, id)
);
-- The one order (pos.MovementBefore) within a product of a store.
CREATE INDEX stock_movements_order ON stock_movements
    (store_id, product_id, corrected_ms, register_id, seq, line, id);
CREATE INDEX stock_movements_ref ON stock_movements (ref) WHERE ref <> '';

-- On hand: the latest count (by the one order) plus every change after it.
CREATE TABLE stock_positions (
    store_id       TEXT NOT NULL,
    product_id     TEXT NOT NULL,
    qty            INTEGER NOT NULL,
    counted        INTEGER NOT NULL,  -- 1 when a count anchors qty
    count_qty      INTEGER NOT NULL,
    count_ms       INTEGER NOT NULL,       -- the count's key in the one order
    count_register TEXT NOT NULL,
    count_seq      INTEGER NOT NULL,
    count_line     INTEGER NOT NULL,
    count_id       TEXT NOT NULL,
    since          INTEGER NOT NULL,       -- changes after the count that make up qty
    -- stock_settings' reorder point and maximum, kept here too so the
    -- low-stock list is one index range, not a join over every product
    reorder_point  INTEGER NOT NULL DEFAULT 0,
    max_qty        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (store_id, product_id)
);
CREATE INDEX stock_positions_negative ON stock_positions (store_id, product_id) WHERE qty < 0;
CREATE INDEX stock_positions_product ON stock_positions (product_id);
CREATE INDEX stock_positions_low ON stock_positions (store_id, (qty - reorder_point)) WHERE max_qty > 0;

-- What the owner sets per store and product: the reorder point and the
-- min/max the suggested order fills up to (thousandths), and the cost price
-- (minor units per unit) that values the stock.
CREATE TABLE stock_settings (
    store_id      TEXT NOT NULL,
    product_id    TEXT NOT NULL,
    reorder_point INTEGER NOT NULL,
    max_qty       INTEGER NOT NULL,
    cost          INTEGER NOT NULL,
    PRIMARY KEY (store_id, product_id)
);
