-- Reserved for issue 4 (parked sales, shifts, cash moves). Replace this with the real schema.
SELECT 1;
