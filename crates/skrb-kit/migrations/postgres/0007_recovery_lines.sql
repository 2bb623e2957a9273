-- What a recovery has taken so far is summed from the lines that deducted it (a payment
-- run, the entitlement's page). Only lines with a deduction are indexed: the index stays
-- as small as the recoveries, where a scan would read every line ever paid.
CREATE INDEX payment_line_recovery ON payment_line(recovery_id) WHERE recovery_id IS NOT NULL;
