-- clocked_in is who is clocked in, and since when (the clock record's "at",
-- RFC 3339): a projection of the journal's clock entries kept in each clock
-- entry's own transaction (store.appendEntry), so a login does not read every
-- clock entry since the register's first day. Rebuilt here from the journal
-- (the same statement as store.rebuildClockedInSQL).
CREATE TABLE clocked_in (
	employee_id TEXT PRIMARY KEY,
	since TEXT NOT NULL
);
INSERT INTO clocked_in (employee_id, since)
	SELECT json_extract(CAST(j.payload AS TEXT), '$.employee_id'), json_extract(CAST(j.payload AS TEXT), '$.at')
	FROM journal j
	WHERE j.kind = 'clock' AND json_extract(CAST(j.payload AS TEXT), '$.in') = 1
	AND j.seq = (SELECT max(k.seq) FROM journal k WHERE k.kind = 'clock'
		AND json_extract(CAST(k.payload AS TEXT), '$.employee_id') = json_extract(CAST(j.payload AS TEXT), '$.employee_id'));
