-- Employees and their PINs. A PIN is stored only as an argon2id hash with its
-- own salt and the parameters it was hashed with (so they can be raised later
-- without breaking old hashes). failed_attempts/locked_until implement the
-- lockout: 5 wrong PINs lock the employee for 5 minutes.
CREATE TABLE employees (
	id              TEXT PRIMARY KEY,
	name            TEXT NOT NULL,
	role            TEXT NOT NULL CHECK (role IN ('cashier', 'supervisor', 'manager', 'owner')),
	pin_hash        BLOB NOT NULL,
	pin_salt        BLOB NOT NULL,
	pin_params      TEXT NOT NULL, -- "argon2id$v=19$m=65536,t=3,p=2"
	active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	sort            INTEGER NOT NULL DEFAULT 0,
	failed_attempts INTEGER NOT NULL DEFAULT 0,
	locked_until    INTEGER NOT NULL DEFAULT 0 -- Unix ms; 0 when not locked
);

-- PIN-only checks (a manager's override PIN) cannot tell whose PIN was
-- wrong: their misses count here, for the whole register, with the same rule.
CREATE TABLE pin_guard (
	id              INTEGER PRIMARY KEY CHECK (id = 1),
	failed_attempts INTEGER NOT NULL DEFAULT 0,
	locked_until    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO pin_guard (id) VALUES (1);
