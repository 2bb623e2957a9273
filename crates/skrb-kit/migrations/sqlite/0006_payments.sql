-- Payments (SQLite). Keep in step with ../postgres/0006_payments.sql.

-- The accounts a centre pays from, one per funding source (state, entity,
-- municipality), with the file its bank takes.
CREATE TABLE payer_account (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    funder TEXT NOT NULL,
    name TEXT NOT NULL,
    iban TEXT NOT NULL,
    bic TEXT,
    address TEXT,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('pain.001.001.03', 'pain.001.001.09', 'csv')),
    csv_columns TEXT,
    csv_separator TEXT,
    csv_decimal TEXT,
    csv_header BOOLEAN NOT NULL DEFAULT 1,
    -- transfers per file
    batch_size INTEGER NOT NULL DEFAULT 5000,
    active BOOLEAN NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (centre_id, funder)
);

-- Paid to someone other than the entitled person (a placement's institution, a
-- child's parent): frozen on each payment line.
ALTER TABLE entitlement ADD COLUMN payee_name TEXT;
ALTER TABLE entitlement ADD COLUMN payee_iban TEXT;
ALTER TABLE entitlement ADD COLUMN payee_address TEXT;

-- draft -> calculated -> approved (by another person) -> exported -> settled / partly_returned
CREATE TABLE payment_run (
    id INTEGER PRIMARY KEY,
    -- NULL: every centre (a ministry's run)
    centre_id INTEGER REFERENCES centre(id),
    kind TEXT NOT NULL CHECK (kind IN ('monthly', 'extra')),
    month TEXT NOT NULL,
    from_month TEXT NOT NULL,
    execution_on TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'calculated', 'approved', 'exported', 'settled', 'partly_returned')),
    lines INTEGER NOT NULL DEFAULT 0,
    held INTEGER NOT NULL DEFAULT 0,
    -- the run's lines have ids first_line..last_line (allocated together)
    first_line INTEGER,
    last_line INTEGER,
    -- JSON: count and sum per right, funder, account and currency
    summary TEXT,
    note TEXT,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL,
    calculated_by INTEGER REFERENCES app_user(id),
    calculated_at TEXT,
    approved_by INTEGER REFERENCES app_user(id),
    approved_at TEXT,
    exported_by INTEGER REFERENCES app_user(id),
    exported_at TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX payment_run_month ON payment_run(month);

-- One line per entitlement, month and funding source. Lean on purpose (a monthly run
-- writes 300,000): no foreign keys; the run writes every copy from the entitlement.
CREATE TABLE payment_line (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL,
    centre_id INTEGER NOT NULL,
    entitlement_id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    right_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    funder TEXT NOT NULL,
    account_id INTEGER,
    gross INTEGER NOT NULL,
    deducted INTEGER NOT NULL DEFAULT 0,
    recovery_id INTEGER,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    payee TEXT NOT NULL,
    iban TEXT,
    address TEXT,
    -- open: in a run, not yet on a statement; held: not paid (reason), on the work list
    status TEXT NOT NULL CHECK (status IN ('open', 'held', 'settled', 'returned', 'written_off')),
    reason TEXT,
    carried_from INTEGER,
    -- the run that paid a held or returned line again
    carried_by INTEGER,
    statement_id INTEGER,
    settled_on TEXT
);
-- Exactly once: an entitlement-month-funder has one current line; a held or returned
-- one is superseded (carried_by) when a later run pays it again.
CREATE UNIQUE INDEX payment_line_once ON payment_line(entitlement_id, month, funder) WHERE carried_by IS NULL;
CREATE INDEX payment_line_worklist ON payment_line(status, centre_id) WHERE status IN ('held', 'returned');

CREATE TABLE payment_file (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES payment_run(id),
    seq INTEGER NOT NULL,
    account_id INTEGER NOT NULL REFERENCES payer_account(id),
    format TEXT NOT NULL,
    msg_id TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    name TEXT NOT NULL,
    transfers INTEGER NOT NULL,
    total INTEGER NOT NULL,
    currency TEXT NOT NULL,
    first_line INTEGER NOT NULL,
    last_line INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    UNIQUE (run_id, seq)
);

-- Overpayments recovered (and other deductions) by monthly instalments.
CREATE TABLE recovery (
    id INTEGER PRIMARY KEY,
    entitlement_id INTEGER NOT NULL REFERENCES entitlement(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    kind TEXT NOT NULL CHECK (kind IN ('overpayment', 'deduction')),
    total INTEGER NOT NULL CHECK (total > 0),
    instalment INTEGER NOT NULL CHECK (instalment > 0),
    reason TEXT NOT NULL,
    from_month TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'cancelled')),
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX recovery_entitlement ON recovery(entitlement_id);

CREATE TABLE bank_statement (
    id INTEGER PRIMARY KEY,
    msg_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    items INTEGER NOT NULL,
    settled INTEGER NOT NULL,
    returned INTEGER NOT NULL,
    -- JSON: references that matched nothing, and why
    problems TEXT NOT NULL,
    imported_by INTEGER REFERENCES app_user(id),
    imported_at TEXT NOT NULL
);

INSERT INTO role_permission (role, permission) VALUES
    ('administrator', 'payment.read'),
    ('director', 'payment.read'), ('director', 'payment.approve'),
    ('head_of_unit', 'payment.read'),
    ('rights_officer', 'payment.read'),
    ('finance_officer', 'payment.read'), ('finance_officer', 'payment.run'), ('finance_officer', 'payment.approve'),
    ('auditor', 'payment.read'),
    ('ministry', 'payment.read');
