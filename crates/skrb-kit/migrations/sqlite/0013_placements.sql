-- Public authorisations: foster carers, institutions, placements and guardianship (SQLite).
-- Keep in step with ../postgres/0013_placements.sql.

-- The register of institutions a person may be placed in (children's homes, homes for
-- the elderly, special institutions), per jurisdiction: the monthly price is the one now
-- asked, each placement keeps its own.
CREATE TABLE institution (
    id INTEGER PRIMARY KEY,
    jurisdiction TEXT NOT NULL CHECK (jurisdiction IN ('SI', 'RS')),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('childrens_home', 'pensioners_home', 'special')),
    place TEXT,
    address TEXT,
    iban TEXT,
    price INTEGER CHECK (price IS NULL OR price >= 0),
    currency TEXT NOT NULL,
    places INTEGER,
    active BOOLEAN NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (jurisdiction, name)
);

-- A foster carer is a person of the registry, once per country (the register the
-- ministry keeps): the centre that assesses and supervises, the state, the permit and
-- its terms, the assessment's sections, the yearly review.
CREATE TABLE foster_carer (
    id INTEGER PRIMARY KEY,
    jurisdiction TEXT NOT NULL CHECK (jurisdiction IN ('SI', 'RS')),
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    status TEXT NOT NULL CHECK (status IN ('enquiry', 'assessment', 'approved', 'suspended', 'ended')),
    permit_kind TEXT CHECK (permit_kind IN ('regular', 'professional', 'relative')),
    permit_number TEXT,
    permit_on TEXT,
    permit_until TEXT,
    -- the approval's terms: how many children, of what ages, which needs
    max_children INTEGER NOT NULL DEFAULT 1 CHECK (max_children BETWEEN 1 AND 6),
    age_from INTEGER,
    age_to INTEGER,
    needs TEXT,
    disability BOOLEAN NOT NULL DEFAULT 0,
    languages TEXT,
    -- Republika Srpska: the most children in the household, its own included
    household_cap INTEGER,
    own_children INTEGER NOT NULL DEFAULT 0,
    municipality_id INTEGER REFERENCES municipality(id),
    iban TEXT,
    motivation TEXT,
    home TEXT,
    family TEXT,
    capacity TEXT,
    recommendation TEXT,
    assessed_on TEXT,
    review_on TEXT,
    ended_on TEXT,
    end_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL,
    UNIQUE (jurisdiction, person_id)
);
CREATE INDEX foster_carer_centre ON foster_carer(centre_id, status);

-- The carer's household and the checks made on each member.
CREATE TABLE foster_member (
    id INTEGER PRIMARY KEY,
    carer_id INTEGER NOT NULL REFERENCES foster_carer(id),
    name TEXT NOT NULL,
    relation TEXT NOT NULL,
    born TEXT,
    vetted_on TEXT,
    vetting TEXT CHECK (vetting IN ('clear', 'concern')),
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX foster_member_carer ON foster_member(carer_id);

CREATE TABLE foster_training (
    id INTEGER PRIMARY KEY,
    carer_id INTEGER NOT NULL REFERENCES foster_carer(id),
    on_day TEXT NOT NULL,
    hours INTEGER NOT NULL CHECK (hours > 0 AND hours <= 200),
    topic TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX foster_training_carer ON foster_training(carer_id);

-- Each dated step of a carer (assessed, approved, reviewed, suspended, ended).
CREATE TABLE foster_event (
    id INTEGER PRIMARY KEY,
    carer_id INTEGER NOT NULL REFERENCES foster_carer(id),
    on_day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('enquiry', 'assess', 'approve', 'review', 'suspend', 'resume', 'end')),
    note TEXT,
    user_id INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX foster_event_carer ON foster_event(carer_id, on_day);

-- A person placed in a foster family or an institution, on a court order (Slovenia) or
-- the centre's decision (Republika Srpska). A foster placement's payment is an
-- entitlement of the run (entitlement.placement_id); an institution's price is split
-- between the user, relatives and the public payer.
CREATE TABLE placement (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    setting TEXT NOT NULL CHECK (setting IN ('foster', 'institution')),
    carer_id INTEGER REFERENCES foster_carer(id),
    institution_id INTEGER REFERENCES institution(id),
    kind TEXT NOT NULL CHECK (kind IN ('full', 'weekend', 'emergency', 'respite')),
    basis TEXT NOT NULL CHECK (basis IN ('court', 'decision')),
    order_number TEXT NOT NULL,
    order_on TEXT NOT NULL,
    court TEXT,
    contract_number TEXT,
    contract_on TEXT,
    start_on TEXT NOT NULL,
    end_on TEXT,
    end_reason TEXT,
    maintenance_raise INTEGER NOT NULL DEFAULT 0 CHECK (maintenance_raise IN (0, 25, 50)),
    fee_raise INTEGER NOT NULL DEFAULT 0 CHECK (fee_raise IN (0, 25, 50)),
    disability BOOLEAN NOT NULL DEFAULT 0,
    -- a placement over the family's limit: why, and the second person who agreed
    over_limit_reason TEXT,
    over_limit_by INTEGER REFERENCES app_user(id),
    visit_every_months INTEGER NOT NULL DEFAULT 3 CHECK (visit_every_months BETWEEN 1 AND 12),
    next_visit_on TEXT,
    -- an institution: the monthly price and the parts of the user and liable relatives
    price INTEGER CHECK (price IS NULL OR price >= 0),
    user_part INTEGER NOT NULL DEFAULT 0 CHECK (user_part >= 0),
    relatives_part INTEGER NOT NULL DEFAULT 0 CHECK (relatives_part >= 0),
    relatives_name TEXT,
    worker_id INTEGER REFERENCES app_user(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL,
    CHECK ((setting = 'foster') = (carer_id IS NOT NULL)),
    CHECK ((setting = 'institution') = (institution_id IS NOT NULL)),
    CHECK (end_on IS NULL OR end_on >= start_on)
);
CREATE INDEX placement_carer ON placement(carer_id, end_on);
CREATE INDEX placement_person ON placement(person_id, start_on);
CREATE INDEX placement_centre ON placement(centre_id, end_on);
CREATE INDEX placement_institution ON placement(institution_id, end_on);

-- The child's timeline: start, absences and returns, raises, supervision visits and
-- reports, moves, the end.
CREATE TABLE placement_event (
    id INTEGER PRIMARY KEY,
    placement_id INTEGER NOT NULL REFERENCES placement(id),
    on_day TEXT NOT NULL,
    to_day TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('start', 'absence', 'return', 'raise', 'visit', 'report', 'move', 'end')),
    note TEXT,
    user_id INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX placement_event_placement ON placement_event(placement_id, on_day);

-- The user's and relatives' parts of an institution's price, billed once a month each.
CREATE TABLE placement_bill (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    placement_id INTEGER NOT NULL REFERENCES placement(id),
    month TEXT NOT NULL,
    payer TEXT NOT NULL CHECK (payer IN ('user', 'relative')),
    name TEXT NOT NULL,
    amount INTEGER NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    UNIQUE (placement_id, month, payer)
);
CREATE INDEX placement_bill_month ON placement_bill(centre_id, month);

ALTER TABLE entitlement ADD COLUMN placement_id INTEGER REFERENCES placement(id);
CREATE INDEX entitlement_placement ON entitlement(placement_id);

-- Guardianship of a child or an adult: who appointed (the court, or the centre), the
-- scope, the guardian (a person, a professional, the centre itself), the yearly report.
CREATE TABLE guardianship (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    ward_id INTEGER NOT NULL REFERENCES person(id),
    appointed_by TEXT NOT NULL CHECK (appointed_by IN ('court', 'decision')),
    order_number TEXT NOT NULL,
    appointed_on TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('full', 'partial', 'special')),
    scope_note TEXT,
    guardian_kind TEXT NOT NULL CHECK (guardian_kind IN ('person', 'professional', 'centre')),
    guardian_person_id INTEGER REFERENCES person(id),
    guardian_name TEXT NOT NULL,
    ended_on TEXT,
    end_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX guardianship_centre ON guardianship(centre_id, ended_on);
CREATE INDEX guardianship_ward ON guardianship(ward_id);

-- The guardian's yearly report and account of the ward's property, due on a day and
-- approved (or returned) by the centre.
CREATE TABLE guardian_report (
    id INTEGER PRIMARY KEY,
    guardianship_id INTEGER NOT NULL REFERENCES guardianship(id),
    year INTEGER NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('due', 'submitted', 'approved', 'returned')),
    submitted_on TEXT,
    income INTEGER,
    spending INTEGER,
    property INTEGER,
    body TEXT,
    decided_by INTEGER REFERENCES app_user(id),
    decided_on TEXT,
    note TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (guardianship_id, year)
);
CREATE INDEX guardian_report_due ON guardian_report(status, due_on);

-- The inventory of the ward's property and the centre's approvals of major decisions.
CREATE TABLE guardian_item (
    id INTEGER PRIMARY KEY,
    guardianship_id INTEGER NOT NULL REFERENCES guardianship(id),
    kind TEXT NOT NULL CHECK (kind IN ('inventory', 'approval')),
    on_day TEXT NOT NULL,
    what TEXT NOT NULL,
    value INTEGER,
    outcome TEXT CHECK (outcome IS NULL OR outcome IN ('approved', 'refused')),
    user_id INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX guardian_item_guardianship ON guardian_item(guardianship_id, kind);

-- The foster payment in Republika Srpska (the same rule as Slovenia's: maintenance and the
-- carer's fee, raises, a cap, 75 % for weekends), the public parts of an institution's
-- price, and the exemption from paying for institutional care (like home help's).
INSERT INTO right_type (jurisdiction, code, class_code, name_sl, name_sr, name_en, legal_basis, claimant, procedure, deadline_months, calculator, periodic, max_months, renews, commission, funding, currency, pays) VALUES
    ('RS', 'rs_foster_payment', '560', 'Hraniteljska nadomestila', 'Хранитељска накнада', 'Foster-care payment', 'ZSZ RS 36-41', 'child', 'short', 1, 'foster', 1, NULL, 0, 0, 'entity:10000', 'BAM', 1),
    ('SI', 'si_institution', '1240', 'Plačilo institucionalnega varstva (občina)', 'Плаћање институционалне заштите (општина)', 'Institutional care (municipality''s part)', 'ZSV 99-100', 'any', 'investigative', 2, 'none', 1, NULL, 0, 0, 'municipality:10000', 'EUR', 1),
    ('SI', 'si_institution_state', '1241', 'Plačilo institucionalnega varstva (država)', 'Плаћање институционалне заштите (држава)', 'Institutional care (state''s part)', 'ZSV 99-100', 'child', 'investigative', 2, 'none', 1, NULL, 0, 0, 'state:10000', 'EUR', 1),
    ('RS', 'rs_institution', '561', 'Namestitev v ustanovo', 'Смјештај у установу', 'Placement in an institution', 'ZSZ RS 37', 'any', 'investigative', 2, 'none', 1, NULL, 0, 0, 'entity:10000', 'BAM', 1),
    ('SI', 'si_inst_exemption', '1232', 'Oprostitev plačila institucionalnega varstva', 'Ослобођење од плаћања институционалне заштите', 'Exemption from paying for institutional care', 'ZSV 100; Uredba o merilih za oprostitve', 'any', 'investigative', 2, 'exemption', 1, 12, 0, 0, 'municipality:10000', 'EUR', 0);
-- Republika Srpska's amounts are the entity's yearly decision; these are the figures to
-- start from, changed on the parameters page when the decision is published.
INSERT INTO right_param (jurisdiction, code, valid_from, value, note) VALUES
    ('RS', 'rs.foster.maintenance', '2025-01-01', 45000, 'odluka o visini naknade'),
    ('RS', 'rs.foster.fee', '2025-01-01', 25000, 'odluka o visini naknade'),
    ('RS', 'rs.foster.raise_25', '2025-01-01', 2500, NULL),
    ('RS', 'rs.foster.raise_50', '2025-01-01', 5000, NULL),
    ('RS', 'rs.foster.cap', '2025-01-01', 105000, NULL),
    ('RS', 'rs.foster.weekend', '2025-01-01', 7500, NULL);

INSERT INTO role_permission (role, permission) VALUES
    ('director', 'placement.read'),
    ('head_of_unit', 'placement.read'), ('head_of_unit', 'placement.manage'),
    ('social_worker', 'placement.read'), ('social_worker', 'placement.manage'),
    ('finance_officer', 'placement.read'),
    ('auditor', 'placement.read');
