-- Rights (issue 6): the catalogue of rights and its dated parameters, applications in the
-- administrative procedure, decisions with their frozen inputs and document, entitlements,
-- appeals, and commissions. Keep in step with ../postgres/0005_rights.sql.

-- A right that a centre decides on. Rights of the state or entity come with Skrb; a
-- municipality's extended rights (a city decision) are added by an administrator
-- (municipality_id set). The calculator is one of the pure functions of skrb-domain.
CREATE TABLE right_type (
    id INTEGER PRIMARY KEY,
    jurisdiction TEXT NOT NULL CHECK (jurisdiction IN ('SI', 'RS')),
    municipality_id INTEGER REFERENCES municipality(id),
    code TEXT NOT NULL UNIQUE,
    class_code TEXT NOT NULL,
    name_sl TEXT NOT NULL,
    name_sr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    -- who may claim it: any person, adults (18+), children (under 18)
    claimant TEXT NOT NULL CHECK (claimant IN ('any', 'adult', 'child')),
    -- short procedure (decision within 1 month) or investigative (2 months)
    procedure TEXT NOT NULL CHECK (procedure IN ('short', 'investigative')),
    deadline_months INTEGER NOT NULL,
    calculator TEXT NOT NULL,
    -- paid every month (1) or once
    periodic BOOLEAN NOT NULL DEFAULT 1,
    -- the longest first grant in months (NULL: until changed or ended)
    max_months INTEGER,
    -- renewed every year by a provisional calculation (informativni izračun)
    renews BOOLEAN NOT NULL DEFAULT 0,
    -- decided on a commission's finding and opinion
    commission BOOLEAN NOT NULL DEFAULT 0,
    -- who pays, as 'funder:share' with shares in ten-thousandths, e.g. 'entity:5000,municipality:5000'
    funding TEXT NOT NULL,
    currency TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1
);

-- Dated parameters: the value valid on a day is the row with the latest valid_from on or
-- before it. Amounts in minor units, weights and shares in ten-thousandths. Rows are
-- added, never changed, so past decisions (which freeze the values they used) and new
-- ones agree on history.
CREATE TABLE right_param (
    id INTEGER PRIMARY KEY,
    jurisdiction TEXT NOT NULL CHECK (jurisdiction IN ('SI', 'RS')),
    code TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    value INTEGER NOT NULL,
    note TEXT,
    created_by INTEGER REFERENCES app_user(id),
    UNIQUE (jurisdiction, code, valid_from)
);

-- An application in the administrative procedure. The decision deadline runs from the
-- day it is complete (due_on); a request for completion stops nothing but is recorded.
CREATE TABLE application (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    number TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES person(id),
    right_id INTEGER NOT NULL REFERENCES right_type(id),
    received_on TEXT NOT NULL,
    channel TEXT NOT NULL,
    documents TEXT,
    complete_on TEXT,
    completion_asked_on TEXT,
    completion_due TEXT,
    completion_note TEXT,
    due_on TEXT,
    status TEXT NOT NULL CHECK (status IN ('received', 'incomplete', 'in_procedure', 'decided', 'appealed', 'withdrawn')),
    officer_id INTEGER REFERENCES app_user(id),
    -- the officer's working input for the calculation (JSON), frozen into the decision
    input TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (centre_id, number)
);
CREATE INDEX application_due ON application(centre_id, status, due_on);
CREATE INDEX application_officer ON application(officer_id, status, due_on);
CREATE INDEX application_person ON application(person_id);

-- A decision: first instance, a change, suspension or termination of an entitlement, a
-- provisional annual calculation, or the outcome a second instance ordered. `inputs`
-- freezes the household, the parameters and the calculation it rests on, so a later
-- edit of the registry or of a parameter changes nothing decided. The document is kept
-- as issued.
CREATE TABLE decision (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL,
    application_id INTEGER REFERENCES application(id),
    entitlement_id INTEGER,
    person_id INTEGER NOT NULL,
    right_id INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('first', 'change', 'suspension', 'termination', 'provisional', 'second_instance')),
    outcome TEXT NOT NULL CHECK (outcome IN ('granted', 'partly', 'refused', 'dismissed')),
    amount INTEGER,
    currency TEXT NOT NULL,
    period_from TEXT,
    period_to TEXT,
    reasoning TEXT NOT NULL,
    inputs TEXT NOT NULL,
    -- an amount typed by hand instead of the calculator's: why, and who approved it
    manual_reason TEXT,
    approved_by INTEGER REFERENCES app_user(id),
    status TEXT NOT NULL CHECK (status IN ('awaiting_approval', 'issued')),
    number TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    decided_by INTEGER REFERENCES app_user(id),
    signatory TEXT NOT NULL,
    document BLOB,
    document_sha256 TEXT,
    -- a provisional calculation is dispatched, deemed delivered 21 days later
    dispatched_on TEXT,
    delivered_on TEXT,
    delivery_method TEXT,
    objection_on TEXT,
    objection TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX decision_application ON decision(application_id);
CREATE INDEX decision_person ON decision(person_id);
CREATE INDEX decision_entitlement ON decision(entitlement_id);
CREATE INDEX decision_approval ON decision(centre_id, status);

-- What a decision grants: an amount per month (or once) for a period, paid by funders
-- in shares (`funding` holds the amounts, 'entity:13430,municipality:13430').
--
-- Decisions and entitlements carry their application's centre, person and right as
-- copies, without foreign keys: the application holds those keys, the copies are
-- written in one place each (rights::decisions, rights::renewal) and checked by the
-- demo's consistency test. A foreign-key check per row made a set-based renewal of
-- 135,000 entitlements three times slower on PostgreSQL.
CREATE TABLE entitlement (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL,
    decision_id INTEGER NOT NULL REFERENCES decision(id),
    person_id INTEGER NOT NULL,
    right_id INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'ended')),
    funding TEXT NOT NULL,
    -- the input the amount was calculated from (JSON): a renewal starts from it
    input TEXT NOT NULL,
    end_reason TEXT,
    -- suspended from this day (status 'suspended')
    suspended_from TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX entitlement_right ON entitlement(right_id, status, valid_to);
CREATE INDEX entitlement_person ON entitlement(person_id, right_id);
CREATE INDEX entitlement_centre ON entitlement(centre_id, status);

-- An appeal against a decision, or against silence (decision_id NULL), sent to the
-- second instance, whose outcome is recorded and applied.
CREATE TABLE appeal (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES application(id),
    decision_id INTEGER REFERENCES decision(id),
    lodged_on TEXT NOT NULL,
    grounds TEXT NOT NULL,
    late_reason TEXT,
    forwarded_on TEXT,
    outcome TEXT CHECK (outcome IN ('upheld', 'annulled', 'changed')),
    outcome_on TEXT,
    outcome_note TEXT,
    new_amount INTEGER,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX appeal_application ON appeal(application_id);

-- Commissions (RS: first-instance commissions set up by the mayor; second instance at
-- the ministry) assess capacity to work, functional state and children's needs.
CREATE TABLE commission (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    name TEXT NOT NULL,
    instance INTEGER NOT NULL CHECK (instance IN (1, 2)),
    kind TEXT NOT NULL CHECK (kind IN ('capacity', 'children')),
    active BOOLEAN NOT NULL DEFAULT 1
);

CREATE TABLE commission_member (
    id INTEGER PRIMARY KEY,
    commission_id INTEGER NOT NULL REFERENCES commission(id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    user_id INTEGER REFERENCES app_user(id)
);

CREATE TABLE commission_session (
    id INTEGER PRIMARY KEY,
    commission_id INTEGER NOT NULL REFERENCES commission(id),
    held_on TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'held')),
    note TEXT
);
CREATE INDEX commission_session_of ON commission_session(commission_id, held_on);

-- A person on a session's agenda, and the finding and opinion recorded for them, which
-- the decision then uses (care degree, impairment, capacity to work, category).
CREATE TABLE commission_item (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES commission_session(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    application_id INTEGER REFERENCES application(id),
    entitlement_id INTEGER REFERENCES entitlement(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('assessment', 'reassessment')),
    work_capacity TEXT,
    care_degree TEXT,
    impairment INTEGER,
    category TEXT,
    finding TEXT,
    recorded_on TEXT,
    recorded_by INTEGER REFERENCES app_user(id)
);
CREATE INDEX commission_item_session ON commission_item(session_id);
CREATE INDEX commission_item_person ON commission_item(person_id);
CREATE INDEX commission_item_application ON commission_item(application_id);

INSERT INTO role_permission (role, permission) VALUES
    ('administrator', 'right.read'), ('administrator', 'right.catalogue'),
    ('director', 'right.read'), ('director', 'right.approve'), ('director', 'right.catalogue'),
    ('head_of_unit', 'right.read'), ('head_of_unit', 'right.decide'), ('head_of_unit', 'right.approve'),
    ('head_of_unit', 'commission.work'),
    ('social_worker', 'right.read'),
    ('rights_officer', 'right.read'), ('rights_officer', 'right.decide'), ('rights_officer', 'commission.work'),
    ('finance_officer', 'right.read'),
    ('commission_member', 'commission.work');

-- The rights as shipped. Shares are ten-thousandths of the amount.
INSERT INTO right_type (jurisdiction, code, class_code, name_sl, name_sr, name_en, legal_basis, claimant, procedure, deadline_months, calculator, periodic, max_months, renews, commission, funding, currency) VALUES
    ('SI', 'dsp', '1221', 'Denarna socialna pomoč', 'Новчана социјална помоћ', 'Financial social assistance', 'ZSVarPre 5, 26; ZUPJS', 'any', 'short', 1, 'dsp', 1, 3, 0, 0, 'state:10000', 'EUR'),
    ('SI', 'dsp_extraordinary', '1221', 'Izredna denarna socialna pomoč', 'Ванредна новчана социјална помоћ', 'Extraordinary financial social assistance', 'ZSVarPre 30, 31', 'any', 'short', 1, 'dsp_extraordinary', 0, NULL, 0, 0, 'state:10000', 'EUR'),
    ('SI', 'vd', '1222', 'Varstveni dodatek', 'Заштитни додатак', 'Income supplement', 'ZSVarPre 50-54', 'adult', 'investigative', 2, 'vd', 1, 12, 1, 0, 'state:10000', 'EUR'),
    ('SI', 'foster_payment', '1203', 'Plačilo rejnine', 'Хранитељска накнада', 'Foster-care payment', 'ZIRD 39-44', 'adult', 'short', 1, 'foster', 1, NULL, 0, 0, 'state:10000', 'EUR'),
    ('RS', 'rs_cash', '553', 'Denarna pomoč', 'Новчана помоћ', 'Cash assistance', 'ZSZ RS 21-26', 'any', 'investigative', 2, 'rs_cash', 1, 12, 1, 0, 'entity:5000,municipality:5000', 'BAM'),
    ('RS', 'rs_care', '554', 'Dodatek za pomoč in nego druge osebe', 'Додатак за помоћ и његу другог лица', 'Allowance for care and help by another person', 'ZSZ RS 27-31', 'any', 'investigative', 2, 'rs_care', 1, NULL, 0, 1, 'entity:5000,municipality:5000', 'BAM'),
    ('RS', 'rs_disability', '555', 'Osebna invalidnina', 'Лична инвалиднина', 'Personal disability allowance', 'ZSZ RS 32-35', 'any', 'investigative', 2, 'rs_disability', 1, NULL, 0, 1, 'entity:10000', 'BAM'),
    ('RS', 'rs_one_off', '556', 'Enkratna denarna pomoč', 'Једнократна новчана помоћ', 'One-off cash assistance', 'ZSZ RS 45', 'any', 'short', 1, 'rs_one_off', 0, NULL, 0, 0, 'municipality:10000', 'BAM');

-- Slovenia: OZMD by the date it is paid at (507.43 EUR from 1 Mar 2026, paid from 1 Apr
-- 2026), the weights of ZSVarPre art. 26, VD, extraordinary DSP, foster care (1 Nov 2025).
INSERT INTO right_param (jurisdiction, code, valid_from, value, note) VALUES
    ('SI', 'si.ozmd', '2020-01-01', 40218, 'OZMD'),
    ('SI', 'si.ozmd', '2022-04-01', 42189, 'OZMD'),
    ('SI', 'si.ozmd', '2023-04-01', 46534, 'OZMD'),
    ('SI', 'si.ozmd', '2025-04-01', 49409, 'OZMD'),
    ('SI', 'si.ozmd', '2026-04-01', 50743, 'OZMD from 1 Mar 2026, DSP and VD paid at it from 1 Apr 2026'),
    ('SI', 'si.dsp.w.first', '2020-01-01', 10000, NULL),
    ('SI', 'si.dsp.w.first_60', '2020-01-01', 12600, NULL),
    ('SI', 'si.dsp.w.first_128', '2020-01-01', 15100, NULL),
    ('SI', 'si.dsp.w.further', '2020-01-01', 5700, NULL),
    ('SI', 'si.dsp.w.further_60', '2020-01-01', 7000, NULL),
    ('SI', 'si.dsp.w.further_128', '2020-01-01', 8300, NULL),
    ('SI', 'si.dsp.w.child', '2020-01-01', 5900, NULL),
    ('SI', 'si.dsp.w.single_parent_child', '2020-01-01', 1800, NULL),
    ('SI', 'si.dsp.w.young_with_parents', '2020-01-01', 7000, NULL),
    ('SI', 'si.dsp.w.unable_non_family', '2020-01-01', 7600, NULL),
    ('SI', 'si.dsp_extra.per_year', '2020-01-01', 50000, 'five monthly minimum incomes a year'),
    ('SI', 'si.vd.threshold', '2020-01-01', 14700, NULL),
    ('SI', 'si.vd.max_alone', '2020-01-01', 4700, NULL),
    ('SI', 'si.vd.max_shared', '2020-01-01', 4700, 'to be checked against ZSVarPre 53'),
    ('SI', 'si.foster.maintenance', '2025-11-01', 63800, NULL),
    ('SI', 'si.foster.fee', '2025-11-01', 46000, NULL),
    ('SI', 'si.foster.raise_25', '2025-11-01', 2500, NULL),
    ('SI', 'si.foster.raise_50', '2025-11-01', 5000, NULL),
    ('SI', 'si.foster.cap', '2025-11-01', 164700, NULL),
    ('SI', 'si.foster.weekend', '2025-11-01', 7500, NULL),
    ('RS', 'rs.base', '2020-01-01', 90600, 'average net wage of the previous year'),
    ('RS', 'rs.base', '2022-01-01', 114400, NULL),
    ('RS', 'rs.base', '2025-01-01', 158000, NULL),
    ('RS', 'rs.cash.1', '2020-01-01', 1700, NULL),
    ('RS', 'rs.cash.2', '2020-01-01', 2200, NULL),
    ('RS', 'rs.cash.3', '2020-01-01', 2700, NULL),
    ('RS', 'rs.cash.4', '2020-01-01', 3000, NULL),
    ('RS', 'rs.cash.5', '2020-01-01', 3300, NULL),
    ('RS', 'rs.dpnj.full', '2020-01-01', 2200, NULL),
    ('RS', 'rs.dpnj.partial', '2020-01-01', 1100, NULL),
    ('RS', 'rs.disability.100', '2020-01-01', 1500, NULL),
    ('RS', 'rs.disability.90', '2020-01-01', 1300, NULL),
    ('RS', 'rs.disability.80', '2020-01-01', 1100, NULL),
    ('RS', 'rs.disability.70', '2020-01-01', 900, NULL),
    ('RS', 'rs.disability.100', '2022-01-01', 1700, NULL),
    ('RS', 'rs.disability.90', '2022-01-01', 1400, NULL),
    ('RS', 'rs.disability.80', '2022-01-01', 1200, NULL),
    ('RS', 'rs.disability.70', '2022-01-01', 1000, NULL),
    ('RS', 'rs.one_off.max', '2020-01-01', 10000, 'one base at most');
