-- Bringing old registers in sqlite. Keep in step with ../postgres/0018_import.sql.
-- A file's rows are read, mapped and checked into import_row before anything is written
-- to the registry; the commit then writes the rows that may go in, a set per
-- transaction, and marks each with what it became, so that a commit killed at any point
-- goes on from where it stopped and a row never goes in twice.

-- A mapping of columns and values, kept by name for the next file of the same shape.
CREATE TABLE import_profile (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    kind TEXT NOT NULL CHECK (kind IN ('persons', 'entitlements')),
    name TEXT NOT NULL,
    -- JSON: the heading each field is read from, value maps, encoding, delimiter
    settings TEXT NOT NULL,
    created_by INTEGER REFERENCES app_user(id),
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (centre_id, kind, name)
);

-- One file brought in.
CREATE TABLE import_batch (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    kind TEXT NOT NULL CHECK (kind IN ('persons', 'entitlements')),
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
CREATE INDEX import_batch_centre ON import_batch(centre_id, created_at);
CREATE INDEX import_batch_file ON import_batch(centre_id, kind, file_sha256);

-- A row of a file as read source, as mapped fields, what checking found, and what
-- it became. Written in sets by the check; like payment lines, no foreign keys.
CREATE TABLE import_row (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL,
    -- the row's line in the file, the headings' line being 1
    row_no INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('valid', 'warned', 'invalid', 'duplicate', 'already')),
    source TEXT NOT NULL,
    fields TEXT NOT NULL,
    -- JSON: a list of field, key, args, the words' keys, shown in the reader's language
    problems TEXT,
    -- the mapped values' hash: the same row in a later file is not imported again
    row_hash TEXT NOT NULL,
    emso TEXT,
    birth_date TEXT,
    name_key TEXT,
    -- the household the row's person belongs to, as the file names it
    group_key TEXT,
    -- the registered person the row probably is for persons, or is about for rights
    match_person_id INTEGER,
    -- an earlier row of the same file it probably is
    match_row INTEGER,
    choice TEXT CHECK (choice IN ('merge', 'new', 'skip')),
    decided_by INTEGER,
    -- what it became: the person, the migrated decision
    target_id INTEGER,
    imported_at TEXT
);
CREATE UNIQUE INDEX import_row_no ON import_row(batch_id, row_no);
CREATE INDEX import_row_hash ON import_row(row_hash);
CREATE INDEX import_row_group ON import_row(batch_id, group_key, row_no);

-- The registry's duplicate check joins by birth date and the folded name: one index
-- answers both the old one on birth date alone is its prefix.
DROP INDEX person_birth_date;
CREATE INDEX person_birth_name ON person(birth_date, name_key);

INSERT INTO role_permission (role, permission) VALUES
    ('administrator', 'import.run'), ('head_of_unit', 'import.run');
