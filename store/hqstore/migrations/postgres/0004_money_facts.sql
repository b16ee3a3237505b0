-- The projection of every journal entry that moves money (app/headoffice's
-- MoneyFact): a sale, return or void has a row of its own (part 0) and one
-- per tender; a float, drop, payout or no-sale one row. Written with the
-- entry in the ingest transaction; RebuildMoneyFacts makes the same rows from
-- the stored entries. Later projections (sale lines, tax) sit beside it,
-- keyed the same way: register, seq, part.
CREATE TABLE money_facts (
    register_id TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    part        INTEGER NOT NULL,
    entry_id    TEXT NOT NULL,
    store_id    TEXT NOT NULL,
    shift_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,  -- sale, return, void, float, drop, payout, no_sale
    tender      TEXT NOT NULL,  -- '' on a sale record's own row
    currency    TEXT NOT NULL,
    amount      BIGINT NOT NULL,
    net         BIGINT NOT NULL,
    tax         BIGINT NOT NULL,
    at_ms       BIGINT NOT NULL,
    PRIMARY KEY (register_id, seq, part)
);
CREATE INDEX money_facts_by_time ON money_facts (at_ms);
