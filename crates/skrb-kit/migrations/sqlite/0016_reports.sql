-- Reports (SQLite). Keep in step with ../postgres/0016_reports.sql.
-- The inhabitants of each municipality by date (the statistics office's figure the
-- annual report quotes); the annual report being written (its narrative sections,
-- autosaved with every version kept) and its publications (a frozen, hashed snapshot).

CREATE TABLE population (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipality(id),
    on_date TEXT NOT NULL,
    inhabitants INTEGER NOT NULL CHECK (inhabitants >= 0),
    source TEXT NOT NULL DEFAULT '',
    UNIQUE (municipality_id, on_date)
);

-- One report per centre and period (a year, or Trebinje's eleven months).
CREATE TABLE annual_report (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL,
    UNIQUE (centre_id, period_from, period_to),
    CHECK (period_to >= period_from)
);

-- A narrative section as last saved; every save is a new version, kept below.
CREATE TABLE report_section (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES annual_report(id),
    key TEXT NOT NULL,
    body TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    saved_by INTEGER REFERENCES app_user(id),
    saved_at TEXT NOT NULL,
    UNIQUE (report_id, key)
);

CREATE TABLE report_section_version (
    id INTEGER PRIMARY KEY,
    section_id INTEGER NOT NULL REFERENCES report_section(id),
    version INTEGER NOT NULL,
    body TEXT NOT NULL,
    saved_by INTEGER REFERENCES app_user(id),
    saved_at TEXT NOT NULL,
    UNIQUE (section_id, version)
);

-- A published report: tables and narrative frozen as JSON, with the SHA-256 of exactly
-- those bytes; later changes to the data do not move it, publishing again makes a new one.
CREATE TABLE report_publication (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES annual_report(id),
    number INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    published_by INTEGER REFERENCES app_user(id),
    published_at TEXT NOT NULL,
    UNIQUE (report_id, number)
);

INSERT INTO role_permission (role, permission) VALUES
    ('director', 'report.write'), ('head_of_unit', 'report.write');
