-- Reserved for issue 5 (persisted print jobs). Replace this with the real schema.
SELECT 1;
