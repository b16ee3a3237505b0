-- Reserved for issue 6 (enrollment, catalog cursor, rejected entries). Replace this with the real schema.
SELECT 1;
