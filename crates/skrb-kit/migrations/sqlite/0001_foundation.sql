-- Skrb foundation schema (SQLite). Keep in step with ../postgres/0001_foundation.sql:
-- same tables, columns and meaning; only types differ (TEXT dates, INTEGER booleans).

CREATE TABLE centre (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    jurisdiction TEXT NOT NULL CHECK (jurisdiction IN ('SI', 'RS')),
    currency TEXT NOT NULL
);

CREATE TABLE unit (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    name TEXT NOT NULL
);

CREATE TABLE municipality (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    unit_id INTEGER REFERENCES unit(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (centre_id, code)
);

CREATE TABLE app_user (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    locale TEXT,
    active BOOLEAN NOT NULL DEFAULT 1,
    centre_id INTEGER REFERENCES centre(id),
    created_at TEXT NOT NULL
);

CREATE TABLE session (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES app_user(id),
    kind TEXT NOT NULL CHECK (kind IN ('web', 'api')),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX session_by_user ON session(user_id);

CREATE TABLE person (
    id INTEGER PRIMARY KEY,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birth_date TEXT,
    sex TEXT CHECK (sex IN ('M', 'F', 'X')),
    emso TEXT,
    identity_override_reason TEXT,
    citizenship TEXT,
    address TEXT,
    postal_code TEXT,
    place TEXT,
    municipality_id INTEGER REFERENCES municipality(id),
    phone TEXT,
    email TEXT,
    iban TEXT,
    notes TEXT,
    name_key TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX person_emso ON person(emso);
CREATE INDEX person_birth_date ON person(birth_date);
CREATE INDEX person_name_key ON person(name_key);

-- One row per folded word of a person's names: the search index (prefix range scans).
CREATE TABLE person_token (
    token TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    PRIMARY KEY (token, person_id)
);
CREATE INDEX person_token_person ON person_token(person_id);

CREATE TABLE household (
    id INTEGER PRIMARY KEY,
    address TEXT,
    postal_code TEXT,
    place TEXT,
    municipality_id INTEGER REFERENCES municipality(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

-- Membership with validity dates: a move ends one row and starts another, so history stays.
CREATE TABLE household_member (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    relationship TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX household_member_household ON household_member(household_id);
CREATE INDEX household_member_person ON household_member(person_id);

-- Who read or changed what, written in the same transaction as the read or change.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id INTEGER REFERENCES app_user(id),
    username TEXT,
    ip TEXT,
    request_id TEXT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    person_id INTEGER,
    changes TEXT,
    reason TEXT
);
CREATE INDEX audit_log_person ON audit_log(person_id, id);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id, id);
CREATE INDEX audit_log_user ON audit_log(user_id, id);
