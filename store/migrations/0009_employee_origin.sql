-- from_head_office marks employees the head office's catalog feed sent. Once
-- the head office has staff for this register, catalog sync deactivates every
-- other employee (a catalog-file import, the demo catalog's PINs 1111-4444):
-- the head office decides who may log in.
ALTER TABLE employees ADD COLUMN from_head_office INTEGER NOT NULL DEFAULT 0 CHECK (from_head_office IN (0, 1));

-- Employees synced before this column existed are not marked: replay the
-- feed from the start once (upserts, so replaying is harmless) to mark them.
UPDATE catalog_sync SET cursor = 0;
