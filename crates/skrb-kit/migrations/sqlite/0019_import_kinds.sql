-- Two more kinds of record an import brings in: open case files with their worker, and
-- foster carers with the children placed with them. Keep in step with
-- ../postgres/0019_import_kinds.sql. SQLite cannot change a check in place, so the two
-- tables that name the kinds are copied; the foreign key from an import to its profile is
-- tested at commit, once both copies carry the old names again.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE import_profile_next (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    kind TEXT NOT NULL CHECK (kind IN ('persons', 'entitlements', 'cases', 'carers')),
    name TEXT NOT NULL,
    -- JSON: the heading each field is read from, value maps, encoding, delimiter
    settings TEXT NOT NULL,
    created_by INTEGER REFERENCES app_user(id),
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (centre_id, kind, name)
);
INSERT INTO import_profile_next SELECT * FROM import_profile;
CREATE TABLE import_batch_next (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    kind TEXT NOT NULL CHECK (kind IN ('persons', 'entitlements', 'cases', 'carers')),
    file_name TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')),
    -- as detected or chosen for a CSV: utf-8, windows-1250, windows-1251
    encoding TEXT,
    delimiter TEXT,
    -- the file itself, until the import is committed or discarded
    content BLOB,
    -- JSON: the file's headings
    headings TEXT NOT NULL,
    -- JSON: the mapping the rows were read with
    settings TEXT,
    profile_id INTEGER REFERENCES import_profile(id),
    status TEXT NOT NULL CHECK (status IN ('uploaded', 'validated', 'committed', 'discarded')),
    row_count INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL,
    validated_at TEXT,
    committed_at TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO import_batch_next SELECT * FROM import_batch;
DROP TABLE import_batch;
DROP TABLE import_profile;
ALTER TABLE import_profile_next RENAME TO import_profile;
ALTER TABLE import_batch_next RENAME TO import_batch;
CREATE INDEX import_batch_centre ON import_batch(centre_id, created_at);
CREATE INDEX import_batch_file ON import_batch(centre_id, kind, file_sha256);
