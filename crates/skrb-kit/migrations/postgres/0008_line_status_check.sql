-- Nothing to change here. On SQLite this version copies payment_line to write its status
-- check as comparisons, because SQLite builds a CHECK's IN list again for every row;
-- PostgreSQL builds the list once per statement. The number is kept so both backends
-- stay at the same version.
SELECT 1;
