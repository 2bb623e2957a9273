-- Extra programmes with partners, the municipal committee's one-off aid, community
-- actions (SQLite). Keep in step with ../postgres/0014_programmes.sql.

-- A programme the centre runs beyond its duties (food, heating, school supplies, a
-- camp, a project): what a recipient gets and how much (base per recipient, member or
-- child, capped; each unit worth unit_value), the eligibility rule the list is evaluated
-- from, and the list's state.
CREATE TABLE programme (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('food', 'heating', 'school', 'camp', 'project', 'other')),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    benefit TEXT NOT NULL CHECK (benefit IN ('item', 'voucher', 'cash', 'place')),
    recipient TEXT NOT NULL CHECK (recipient IN ('household', 'person')),
    item TEXT,
    unit TEXT,
    per TEXT NOT NULL CHECK (per IN ('recipient', 'member', 'child')),
    base INTEGER NOT NULL DEFAULT 1 CHECK (base >= 1),
    cap INTEGER CHECK (cap IS NULL OR cap >= 1),
    unit_value INTEGER NOT NULL DEFAULT 0 CHECK (unit_value >= 0),
    currency TEXT NOT NULL,
    -- cash is paid by the monthly runs from this account (its funder picks the right)
    payer_account_id INTEGER REFERENCES payer_account(id),
    -- the rule: the whole country or the centre's area, one municipality, recipients of
    -- these rights (codes, comma-separated), a child of these ages, a person of this age
    whole_country BOOLEAN NOT NULL DEFAULT 0,
    rule_municipality_id INTEGER REFERENCES municipality(id),
    rule_rights TEXT,
    rule_child_from INTEGER,
    rule_child_to INTEGER,
    rule_age_from INTEGER,
    list_status TEXT NOT NULL DEFAULT 'none' CHECK (list_status IN ('none', 'draft', 'approved')),
    list_on TEXT,
    evaluated_by INTEGER REFERENCES app_user(id),
    evaluated_at TEXT,
    approved_by INTEGER REFERENCES app_user(id),
    approved_at TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX programme_centre ON programme(centre_id, period_from);

-- The budget by source (the city, the entity, a donor, the Red Cross).
CREATE TABLE programme_funding (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programme(id),
    source TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    created_at TEXT NOT NULL
);
CREATE INDEX programme_funding_programme ON programme_funding(programme_id);

-- The partner organisations taking part and what each does.
CREATE TABLE programme_partner (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programme(id),
    partner_id INTEGER NOT NULL REFERENCES partner(id),
    role TEXT NOT NULL CHECK (role IN ('delivers', 'stores', 'hosts', 'funds', 'other')),
    note TEXT,
    UNIQUE (programme_id, partner_id, role)
);

-- The list: one row per recipient, evaluated from the rule or added by hand, removed by
-- hand with a reason (kept, so a new evaluation does not bring it back). The quantity and
-- value are frozen with the list. Written by the tens of thousands in one statement, so,
-- like entitlement and payment_line, without foreign-key checks (they doubled the time of
-- a country's list); only this context's code writes it, from rows it has just read.
CREATE TABLE programme_entry (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    household_id INTEGER,
    members INTEGER NOT NULL DEFAULT 1,
    children INTEGER NOT NULL DEFAULT 0,
    quantity INTEGER NOT NULL,
    value INTEGER NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('rule', 'hand')),
    removed BOOLEAN NOT NULL DEFAULT 0,
    reason TEXT,
    changed_by INTEGER,
    entitlement_id INTEGER,
    created_at TEXT NOT NULL,
    UNIQUE (programme_id, person_id)
);
CREATE INDEX programme_entry_person ON programme_entry(person_id);

-- A voucher issued to an entry when the list is approved, redeemed once at a partner.
CREATE TABLE voucher (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programme(id),
    entry_id INTEGER NOT NULL UNIQUE REFERENCES programme_entry(id),
    code TEXT NOT NULL UNIQUE,
    value INTEGER NOT NULL,
    issued_on TEXT NOT NULL,
    redeemed_at TEXT,
    redeemed_by INTEGER REFERENCES app_user(id),
    partner_id INTEGER REFERENCES partner(id)
);
CREATE INDEX voucher_programme ON voucher(programme_id);

-- A handing over: when, where or by which partner, how much, who took it and how it
-- was confirmed. `form_key` is the form's own: a form sent twice is saved once.
CREATE TABLE distribution (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programme(id),
    entry_id INTEGER NOT NULL REFERENCES programme_entry(id),
    handed_on TEXT NOT NULL,
    partner_id INTEGER REFERENCES partner(id),
    place TEXT,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    value INTEGER NOT NULL,
    received_by TEXT NOT NULL,
    confirmation TEXT NOT NULL CHECK (confirmation IN ('signature', 'document', 'voucher', 'delivered')),
    note TEXT,
    form_key TEXT UNIQUE,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX distribution_entry ON distribution(entry_id);
CREATE INDEX distribution_programme ON distribution(programme_id);

-- The municipal committee (Velenje: help to citizens in severe distress): its sessions,
-- and the centre's proposals with the committee's decision on each.
CREATE TABLE committee_session (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    municipality_id INTEGER NOT NULL REFERENCES municipality(id),
    held_on TEXT NOT NULL,
    number TEXT NOT NULL,
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX committee_session_centre ON committee_session(centre_id, held_on);

CREATE TABLE committee_proposal (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    municipality_id INTEGER NOT NULL REFERENCES municipality(id),
    situation TEXT NOT NULL,
    opinion TEXT NOT NULL,
    requested INTEGER,
    in_kind TEXT,
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'granted', 'refused', 'withdrawn')),
    session_id INTEGER REFERENCES committee_session(id),
    amount INTEGER,
    granted_in_kind TEXT,
    decision_note TEXT,
    decided_on TEXT,
    decision_id INTEGER REFERENCES decision(id),
    entitlement_id INTEGER REFERENCES entitlement(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX committee_proposal_person ON committee_proposal(person_id);
CREATE INDEX committee_proposal_centre ON committee_proposal(centre_id, status);

-- Community actions for groups at risk: when, what, with whom, how many came by group.
CREATE TABLE community_action (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    held_on TEXT NOT NULL,
    name TEXT NOT NULL,
    place TEXT,
    note TEXT,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX community_action_centre ON community_action(centre_id, held_on);

CREATE TABLE community_action_partner (
    action_id INTEGER NOT NULL REFERENCES community_action(id),
    partner_id INTEGER NOT NULL REFERENCES partner(id),
    PRIMARY KEY (action_id, partner_id)
);

CREATE TABLE community_action_group (
    action_id INTEGER NOT NULL REFERENCES community_action(id),
    grp TEXT NOT NULL CHECK (grp IN ('children', 'youth', 'adults', 'elderly', 'disabled', 'families')),
    participants INTEGER NOT NULL CHECK (participants >= 0),
    PRIMARY KEY (action_id, grp)
);

-- Cash from a programme and the committee's aid are paid once by the monthly runs, from
-- the account of the funder named; they are granted by the programme's list or the
-- committee, never applied for (inactive in the catalogue, paid all the same).
INSERT INTO right_type (jurisdiction, code, class_code, name_sl, name_sr, name_en, legal_basis, claimant, procedure, deadline_months, calculator, periodic, max_months, renews, commission, funding, currency, active, pays) VALUES
    ('SI', 'si_municipal_aid', '1310', 'Enkratna občinska pomoč', 'Једнократна општинска помоћ', 'One-off municipal aid', 'Občinski pravilnik o enkratni pomoči', 'any', 'short', 1, 'none', 0, 1, 0, 0, 'municipality:10000', 'EUR', 0, 1),
    ('SI', 'si_programme_cash', '1311', 'Denarni del programa (občina)', 'Новчани дио програма (општина)', 'A programme''s cash (municipality)', 'Program centra', 'any', 'short', 1, 'none', 0, 1, 0, 0, 'municipality:10000', 'EUR', 0, 1),
    ('SI', 'si_programme_cash_state', '1312', 'Denarni del programa (država)', 'Новчани дио програма (држава)', 'A programme''s cash (state)', 'Program centra', 'any', 'short', 1, 'none', 0, 1, 0, 0, 'state:10000', 'EUR', 0, 1),
    ('RS', 'rs_programme_cash', '570', 'Denarni del programa (občina)', 'Новчани дио програма (град)', 'A programme''s cash (municipality)', 'Програм центра', 'any', 'short', 1, 'none', 0, 1, 0, 0, 'municipality:10000', 'BAM', 0, 1),
    ('RS', 'rs_programme_cash_entity', '571', 'Denarni del programa (entiteta)', 'Новчани дио програма (Република)', 'A programme''s cash (entity)', 'Програм центра', 'any', 'short', 1, 'none', 0, 1, 0, 0, 'entity:10000', 'BAM', 0, 1);

INSERT INTO role_permission (role, permission) VALUES
    ('director', 'programme.read'), ('director', 'programme.approve'),
    ('head_of_unit', 'programme.read'), ('head_of_unit', 'programme.manage'), ('head_of_unit', 'programme.approve'),
    ('social_worker', 'programme.read'), ('social_worker', 'programme.manage'),
    ('finance_officer', 'programme.read'),
    ('auditor', 'programme.read'),
    ('partner', 'voucher.redeem');
