-- Reserved for issue 4 (employees, PINs, lockout, clock in/out). Replace this with the real schema.
SELECT 1;
