-- The ministry sees aggregate figures only (SECURITY.md). Migration 0006 granted it
-- `payment.read`, which reads payees, IBANs and amounts of persons of every centre.
-- Take back every permission beyond the aggregate ones; the program also ignores any
-- such grant from now on (auth::policy), so an edit of this table cannot bring it back.
DELETE FROM role_permission
WHERE role = 'ministry' AND permission NOT IN ('statistics.read', 'scope.all_centres');
