-- Catalog administration (issue 6): the current catalog as records in the
-- register's CatalogFile JSON, store price overrides, and the change feed
-- registers pull. Every catalog write appends one catalog_changes row per
-- record, store_id '' for the whole chain or the store a price is for.
CREATE TABLE catalog_items (
    kind       TEXT NOT NULL,   -- setting, tax_rate, category, product, employee
    item_id    TEXT NOT NULL,
    data       TEXT NOT NULL,   -- JSON, the CatalogFile record
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (kind, item_id)
);

CREATE TABLE catalog_barcodes (
    code       TEXT PRIMARY KEY,
    product_id TEXT NOT NULL
);
CREATE INDEX catalog_barcodes_product ON catalog_barcodes (product_id);

CREATE TABLE store_prices (
    store_id   TEXT NOT NULL REFERENCES stores (store_id),
    product_id TEXT NOT NULL,
    price      INTEGER NOT NULL CHECK (price >= 0),
    PRIMARY KEY (store_id, product_id)
);

CREATE TABLE catalog_changes (
    change_id INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id TEXT NOT NULL DEFAULT '',
    kind     TEXT NOT NULL,
    item_id  TEXT NOT NULL,
    data     TEXT,                 -- NULL: deleted
    at_ms    INTEGER NOT NULL
);
CREATE INDEX catalog_changes_store ON catalog_changes (store_id, change_id);

-- pruned_through: changes up to this change_id are gone; a register behind it
-- must fetch a snapshot. last_cursor survives pruning everything.
CREATE TABLE catalog_horizon (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_through INTEGER NOT NULL DEFAULT 0,
    last_cursor    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO catalog_horizon (id) VALUES (1);

-- The latest heartbeat of each register, as JSON.
CREATE TABLE register_health (
    register_id    TEXT PRIMARY KEY,
    received_ms    INTEGER NOT NULL,
    data           TEXT NOT NULL
);
