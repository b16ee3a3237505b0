-- Entry ids are unique per register, not across the chain: a register that
-- stored an entry under an id another register will use later would have
-- made that register stuck forever.
ALTER TABLE sales DROP CONSTRAINT sales_entry_id_fkey;
ALTER TABLE sales DROP CONSTRAINT sales_pkey;
ALTER TABLE entries DROP CONSTRAINT entries_pkey;
ALTER TABLE entries ADD PRIMARY KEY (register_id, id);
ALTER TABLE sales ADD PRIMARY KEY (register_id, entry_id);
ALTER TABLE sales ADD FOREIGN KEY (register_id, entry_id) REFERENCES entries (register_id, id);
