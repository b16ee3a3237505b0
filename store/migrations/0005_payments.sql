-- Reserved for issue 5 (card payment journal). Replace this with the real schema.
SELECT 1;
