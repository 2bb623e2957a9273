-- Two more kinds of record an import brings in: open case files with their worker, and
-- foster carers with the children placed with them. Keep in step with
-- ../sqlite/0019_import_kinds.sql.
ALTER TABLE import_profile DROP CONSTRAINT import_profile_kind_check;
ALTER TABLE import_profile ADD CONSTRAINT import_profile_kind_check
    CHECK (kind IN ('persons', 'entitlements', 'cases', 'carers'));
ALTER TABLE import_batch DROP CONSTRAINT import_batch_kind_check;
ALTER TABLE import_batch ADD CONSTRAINT import_batch_kind_check
    CHECK (kind IN ('persons', 'entitlements', 'cases', 'carers'));
