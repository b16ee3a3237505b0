-- shift_totals is the open shift's running totals (register.ShiftTotals as
-- JSON, at most one row): a projection of the journal kept in each entry's
-- own transaction (store.appendEntry), so an X or Z report does not read
-- every sale of the shift. Its definition is Go (ShiftTotals.Apply), so the
-- rows are built from the journal right after migrating (store.Open calls
-- ensureShiftTotals, which runs RebuildShiftTotals when the open shift has
-- no row).
CREATE TABLE shift_totals (
	shift_id TEXT PRIMARY KEY,
	totals TEXT NOT NULL
);
