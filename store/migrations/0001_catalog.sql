-- The catalog: tax rates, categories, products and their barcodes.
-- Barcodes have their own table keyed by code so a scan is one index hit,
-- and a code can belong to one product only.
CREATE TABLE tax_rates (
	id           TEXT PRIMARY KEY,
	name         TEXT NOT NULL,
	basis_points INTEGER NOT NULL CHECK (basis_points BETWEEN 0 AND 10000)
);

CREATE TABLE categories (
	id    TEXT PRIMARY KEY,
	name  TEXT NOT NULL,
	color TEXT NOT NULL DEFAULT '',
	sort  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE products (
	id             TEXT PRIMARY KEY,
	sku            TEXT NOT NULL DEFAULT '',
	name           TEXT NOT NULL,
	price          INTEGER NOT NULL CHECK (price >= 0),
	tax_rate_id    TEXT NOT NULL REFERENCES tax_rates(id),
	category_id    TEXT REFERENCES categories(id),
	sold_by_weight INTEGER NOT NULL DEFAULT 0 CHECK (sold_by_weight IN (0, 1)),
	quick_key      INTEGER NOT NULL DEFAULT 0 CHECK (quick_key IN (0, 1)),
	sort           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX products_quick_keys ON products (category_id, sort, name) WHERE quick_key = 1;
CREATE INDEX products_tax_rate ON products (tax_rate_id);

CREATE TABLE barcodes (
	code       TEXT PRIMARY KEY,
	product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
	pos        INTEGER NOT NULL DEFAULT 0 -- 0 is the product's primary code
) WITHOUT ROWID;
CREATE INDEX barcodes_product ON barcodes (product_id, pos);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
