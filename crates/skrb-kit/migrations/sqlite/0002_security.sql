-- Skrb security schema (SQLite). Keep in step with ../postgres/0002_security.sql.

-- Second factor: a TOTP secret (base32) once confirmed, and single-use recovery codes.
ALTER TABLE app_user ADD COLUMN totp_secret TEXT;
ALTER TABLE app_user ADD COLUMN totp_pending TEXT;
-- The last time step whose code was accepted: a code works once.
ALTER TABLE app_user ADD COLUMN totp_last_step BIGINT;

CREATE TABLE recovery_code (
    user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- A user works in one centre and in some of its units.
CREATE TABLE user_unit (
    user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES unit(id),
    PRIMARY KEY (user_id, unit_id)
);

-- A session waits for the second factor ('mfa') before it is 'full'.
ALTER TABLE session ADD COLUMN stage TEXT NOT NULL DEFAULT 'full' CHECK (stage IN ('full', 'mfa'));

-- Personal API tokens: hashed, scoped, expiring, revocable.
CREATE TABLE api_token (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT
);
CREATE INDEX api_token_user ON api_token(user_id);

-- Failed sign-ins, by account, by address and by both; read to throttle, pruned by retention.
CREATE TABLE login_failure (
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failure_key ON login_failure(key, at);

CREATE TABLE role_setting (
    role TEXT PRIMARY KEY,
    totp_required BOOLEAN NOT NULL DEFAULT 0
);

-- The centre responsible for a person decides who may see the person (data scope).
ALTER TABLE person ADD COLUMN centre_id INTEGER REFERENCES centre(id);
UPDATE person SET centre_id = (SELECT m.centre_id FROM municipality m WHERE m.id = person.municipality_id);
CREATE INDEX person_centre ON person(centre_id);
-- Search tokens carry the person's centre, so a user's search scans their centre's
-- slice of the index only (16 times fewer rows at country scale).
ALTER TABLE person_token ADD COLUMN centre_id INTEGER;
UPDATE person_token SET centre_id = (SELECT p.centre_id FROM person p WHERE p.id = person_token.person_id);
CREATE INDEX person_token_centre ON person_token(centre_id, token);
-- Restricted files (child protection, domestic violence) are readable by the team only.
ALTER TABLE person ADD COLUMN restricted BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE person ADD COLUMN anonymised_at TEXT;

CREATE TABLE person_team (
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    PRIMARY KEY (person_id, user_id)
);

-- "Break the glass": access to a restricted file outside the team, with a reason,
-- for a limited time, until a head of unit has reviewed it.
CREATE TABLE glass_break (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES app_user(id),
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    reviewed_by INTEGER REFERENCES app_user(id),
    reviewed_at TEXT
);
CREATE INDEX glass_break_user ON glass_break(user_id, person_id);

-- The audit log is a hash chain: each record carries the hash of the one before it.
-- Records are written unsealed (no lock on the request path) and sealed in order shortly
-- after by the sealer, which gives each its place in the chain (`seq`, without gaps).
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_seq ON audit_log(seq);
CREATE INDEX audit_log_unsealed ON audit_log(id) WHERE seq IS NULL;

-- Append-only: a sealed record can be neither changed nor removed.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN OLD.hash IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Roles are sets of permissions, editable by an administrator; these are the defaults.
CREATE TABLE role_permission (
    role TEXT NOT NULL,
    permission TEXT NOT NULL,
    PRIMARY KEY (role, permission)
);
INSERT INTO role_permission (role, permission) VALUES
    ('administrator', 'registry.read'), ('administrator', 'registry.write'),
    ('administrator', 'identity.override'), ('administrator', 'user.admin'),
    ('administrator', 'role.admin'), ('administrator', 'subject.export'),
    ('administrator', 'statistics.read'),
    ('director', 'registry.read'), ('director', 'break_glass'), ('director', 'glass.review'),
    ('director', 'audit.read'), ('director', 'subject.export'), ('director', 'statistics.read'),
    ('head_of_unit', 'registry.read'), ('head_of_unit', 'registry.write'),
    ('head_of_unit', 'identity.override'), ('head_of_unit', 'restricted.manage'),
    ('head_of_unit', 'break_glass'), ('head_of_unit', 'glass.review'),
    ('head_of_unit', 'statistics.read'),
    ('social_worker', 'registry.read'), ('social_worker', 'registry.write'),
    ('social_worker', 'restricted.manage'), ('social_worker', 'break_glass'),
    ('rights_officer', 'registry.read'), ('rights_officer', 'registry.write'),
    ('rights_officer', 'break_glass'),
    ('finance_officer', 'registry.read'),
    ('home_help_coordinator', 'registry.read'), ('home_help_coordinator', 'registry.write'),
    ('home_help_worker', 'registry.read'),
    ('commission_member', 'registry.read'),
    ('auditor', 'registry.read'), ('auditor', 'audit.read'), ('auditor', 'scope.all_centres'),
    ('ministry', 'statistics.read'), ('ministry', 'scope.all_centres');
