-- Business days whose books were exported, and so are closed: the
-- postings booked for each (the exported ones, then any corrections, each
-- dated the day it was made) as JSON. A closed day is never booked again;
-- a later change of its facts is booked as a correction (books.Correct).
CREATE TABLE books_days (
    store_id TEXT NOT NULL,
    day      TEXT NOT NULL,  -- YYYY-MM-DD
    postings TEXT NOT NULL,
    PRIMARY KEY (store_id, day)
);
