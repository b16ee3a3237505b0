-- Shifts, cash moves and clock in/out live in the hash-chained journal only
-- (shift_open, cash_move, z_report, clock entries): the register's state is
-- read back from it, so it survives a restart and cannot disagree with the
-- record. This index makes "the last shift_open" and "the clock entries" one
-- index range instead of a scan of the whole journal.
CREATE INDEX journal_kind_seq ON journal (kind, seq);
