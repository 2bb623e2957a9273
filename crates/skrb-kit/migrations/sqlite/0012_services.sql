-- Services (SQLite). Keep in step with ../postgres/0012_services.sql.

-- The catalogue of services, per jurisdiction and dated (home help moves under the
-- long-term care act): how each is given, its time norms, whether statistics count it.
CREATE TABLE service_type (
    id INTEGER PRIMARY KEY,
    jurisdiction TEXT NOT NULL CHECK (jurisdiction IN ('SI', 'RS')),
    code TEXT NOT NULL UNIQUE,
    name_sl TEXT NOT NULL,
    name_sr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    given_by TEXT NOT NULL CHECK (given_by IN ('agreement', 'decision')),
    form TEXT NOT NULL CHECK (form IN ('session', 'home_help')),
    -- time norms: minutes a week per user, users per worker (NULL: none set)
    norm_minutes_week INTEGER,
    norm_users_per_worker INTEGER,
    counted BOOLEAN NOT NULL DEFAULT 1,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    version INTEGER NOT NULL DEFAULT 1
);

INSERT INTO service_type (jurisdiction, code, name_sl, name_sr, name_en, legal_basis, given_by, form, norm_minutes_week, norm_users_per_worker, valid_from) VALUES
    ('SI', 'si_first_help', 'Prva socialna pomoč', 'Прва социјална помоћ', 'First social help', 'ZSV 11, 12', 'agreement', 'session', NULL, NULL, '2020-01-01'),
    ('SI', 'si_personal_help', 'Osebna pomoč', 'Лична помоћ', 'Personal help', 'ZSV 11, 13', 'agreement', 'session', NULL, NULL, '2020-01-01'),
    ('SI', 'si_family_help', 'Pomoč družini za dom', 'Помоћ породици за дом', 'Family help at the centre', 'ZSV 11, 14', 'agreement', 'session', NULL, NULL, '2020-01-01'),
    ('SI', 'si_home_help', 'Pomoč družini na domu', 'Помоћ породици у кући', 'Home help', 'ZSV 11, 15; Pravilnik o standardih in normativih', 'agreement', 'home_help', 1200, 7, '2020-01-01'),
    ('RS', 'rs_home_help', 'Pomoč in nega na domu', 'Помоћ и њега у кући', 'Home help and care', 'ZSZ RS 43', 'decision', 'home_help', 600, 8, '2020-01-01'),
    ('RS', 'rs_counselling', 'Svetovanje', 'Савјетовање', 'Counselling', 'ZSZ RS 44', 'decision', 'session', NULL, NULL, '2020-01-01');

-- A session of a counted service on a person's file: who, when, how long, what was done.
CREATE TABLE service_session (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    service_id INTEGER NOT NULL REFERENCES service_type(id),
    case_id INTEGER REFERENCES case_file(id),
    held_on TEXT NOT NULL,
    worker_id INTEGER NOT NULL REFERENCES app_user(id),
    minutes INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 720),
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX service_session_month ON service_session(centre_id, held_on);
CREATE INDEX service_session_person ON service_session(person_id, held_on);

-- Public holidays: a visit on one is priced at the holiday tariff.
CREATE TABLE holiday (
    jurisdiction TEXT NOT NULL CHECK (jurisdiction IN ('SI', 'RS')),
    day TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (jurisdiction, day)
);
INSERT INTO holiday (jurisdiction, day, name) VALUES
    ('SI', '2026-01-01', 'novo leto'), ('SI', '2026-01-02', 'novo leto'),
    ('SI', '2026-02-08', 'Prešernov dan'), ('SI', '2026-04-06', 'velikonočni ponedeljek'),
    ('SI', '2026-04-27', 'dan upora proti okupatorju'), ('SI', '2026-05-01', 'praznik dela'),
    ('SI', '2026-05-02', 'praznik dela'), ('SI', '2026-06-25', 'dan državnosti'),
    ('SI', '2026-08-15', 'Marijino vnebovzetje'), ('SI', '2026-10-31', 'dan reformacije'),
    ('SI', '2026-11-01', 'dan spomina na mrtve'), ('SI', '2026-12-25', 'božič'),
    ('SI', '2026-12-26', 'dan samostojnosti in enotnosti'),
    ('SI', '2027-01-01', 'novo leto'), ('SI', '2027-01-02', 'novo leto'),
    ('SI', '2027-02-08', 'Prešernov dan'), ('SI', '2027-03-29', 'velikonočni ponedeljek'),
    ('SI', '2027-04-27', 'dan upora proti okupatorju'), ('SI', '2027-05-01', 'praznik dela'),
    ('SI', '2027-05-02', 'praznik dela'), ('SI', '2027-06-25', 'dan državnosti'),
    ('SI', '2027-08-15', 'Marijino vnebovzetje'), ('SI', '2027-10-31', 'dan reformacije'),
    ('SI', '2027-11-01', 'dan spomina na mrtve'), ('SI', '2027-12-25', 'božič'),
    ('SI', '2027-12-26', 'dan samostojnosti in enotnosti'),
    ('RS', '2026-01-01', 'Нова година'), ('RS', '2026-01-02', 'Нова година'),
    ('RS', '2026-01-07', 'Божић'), ('RS', '2026-01-09', 'Дан Републике'),
    ('RS', '2026-03-01', 'Дан независности'), ('RS', '2026-04-10', 'Велики петак'),
    ('RS', '2026-04-13', 'Васкрс'), ('RS', '2026-05-01', 'Празник рада'),
    ('RS', '2026-05-02', 'Празник рада'), ('RS', '2026-05-09', 'Дан побједе'),
    ('RS', '2026-11-21', 'Дан Дејтонског споразума'),
    ('RS', '2027-01-01', 'Нова година'), ('RS', '2027-01-02', 'Нова година'),
    ('RS', '2027-01-07', 'Божић'), ('RS', '2027-01-09', 'Дан Републике'),
    ('RS', '2027-05-01', 'Празник рада'), ('RS', '2027-05-02', 'Празник рада'),
    ('RS', '2027-05-09', 'Дан побједе'), ('RS', '2027-11-21', 'Дан Дејтонског споразума');

-- The account invoices to users are paid to (the UPN QR's recipient).
ALTER TABLE centre ADD COLUMN receipts_iban TEXT;

-- A municipality's home-help price list, dated: economic price of an effective hour by
-- kind of day, and the subsidy in bands by the month's minutes
-- ('1200:6000,1800:5500,:5244': 60 % up to 20 h, 55 % up to 30 h, 52.44 % above).
CREATE TABLE hh_price (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipality(id),
    valid_from TEXT NOT NULL,
    weekday INTEGER NOT NULL CHECK (weekday >= 0),
    sunday INTEGER NOT NULL CHECK (sunday >= 0),
    holiday INTEGER NOT NULL CHECK (holiday >= 0),
    bands TEXT NOT NULL,
    currency TEXT NOT NULL,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL,
    UNIQUE (municipality_id, valid_from)
);

-- Carers: the centre's employees, public-works workers (their programme ends on a date),
-- students; a qualification with its expiry; contracted minutes a week.
CREATE TABLE hh_carer (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('employee', 'public_works', 'student')),
    programme TEXT,
    programme_ends TEXT,
    -- the carer's own sign-in, for the phone
    user_id INTEGER UNIQUE REFERENCES app_user(id),
    coordinator_id INTEGER REFERENCES app_user(id),
    minutes_week INTEGER NOT NULL CHECK (minutes_week > 0 AND minutes_week <= 3600),
    qualification TEXT,
    qualified_until TEXT,
    phone TEXT,
    active BOOLEAN NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX hh_carer_centre ON hh_carer(centre_id, active);

CREATE TABLE hh_absence (
    id INTEGER PRIMARY KEY,
    carer_id INTEGER NOT NULL REFERENCES hh_carer(id),
    from_day TEXT NOT NULL,
    to_day TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('leave', 'sick', 'training', 'other')),
    created_at TEXT NOT NULL,
    CHECK (to_day >= from_day)
);
CREATE INDEX hh_absence_carer ON hh_absence(carer_id, to_day);

-- Home help agreed with a user (Slovenia) or decided (Republika Srpska): what, how many
-- minutes a week, from when, reviewed when; waiting while there is no capacity.
CREATE TABLE hh_agreement (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    municipality_id INTEGER NOT NULL REFERENCES municipality(id),
    service_id INTEGER NOT NULL REFERENCES service_type(id),
    number TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'active', 'ended')),
    urgent BOOLEAN NOT NULL DEFAULT 0,
    requested_on TEXT NOT NULL,
    assessed_on TEXT,
    start_on TEXT,
    review_on TEXT,
    end_on TEXT,
    end_reason TEXT,
    -- the parts agreed, as ',household,hygiene,'
    tasks TEXT NOT NULL,
    minutes_week INTEGER NOT NULL CHECK (minutes_week > 0 AND minutes_week <= 1200),
    meals_minutes INTEGER NOT NULL DEFAULT 0 CHECK (meals_minutes IN (0, 15, 30)),
    -- the care plan: what is done at each visit, one step a line
    plan TEXT NOT NULL DEFAULT '',
    address TEXT,
    -- Slovenia: a complaint goes to the centre's council and is recorded here
    complaint TEXT,
    complaint_on TEXT,
    -- Republika Srpska: the decision granting it; either: an exemption from payment
    decision_id INTEGER REFERENCES decision(id),
    exemption_decision_id INTEGER REFERENCES decision(id),
    coordinator_id INTEGER REFERENCES app_user(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL,
    UNIQUE (centre_id, number)
);
CREATE INDEX hh_agreement_list ON hh_agreement(centre_id, status, requested_on);
CREATE INDEX hh_agreement_person ON hh_agreement(person_id);

-- The regular week: entered once, repeated forward (the same carer each week).
CREATE TABLE hh_pattern (
    id INTEGER PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES hh_agreement(id),
    carer_id INTEGER NOT NULL REFERENCES hh_carer(id),
    -- ISO weekday, Monday 1
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_min INTEGER NOT NULL CHECK (start_min >= 0 AND start_min < 1440),
    minutes INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 480),
    valid_from TEXT NOT NULL,
    valid_to TEXT
);
CREATE INDEX hh_pattern_agreement ON hh_pattern(agreement_id);

-- A visit: planned from the pattern (or by hand), then recorded on the carer's phone
-- with the times as recorded and when they reached the server. Sent twice, saved once.
-- A visit of a month billed (an invoice of its agreement and month that is not
-- credited) is no longer changed.
CREATE TABLE hh_visit (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    agreement_id INTEGER NOT NULL REFERENCES hh_agreement(id),
    person_id INTEGER NOT NULL REFERENCES person(id),
    carer_id INTEGER NOT NULL REFERENCES hh_carer(id),
    -- the carer planned, when another replaces them
    planned_carer_id INTEGER REFERENCES hh_carer(id),
    day TEXT NOT NULL,
    start_min INTEGER NOT NULL CHECK (start_min >= 0 AND start_min < 1440),
    minutes INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 480),
    status TEXT NOT NULL CHECK (status IN ('planned', 'done', 'not_home', 'cancelled')),
    arrived_at TEXT,
    left_at TEXT,
    received_at TEXT,
    delivered_minutes INTEGER,
    done_tasks TEXT,
    note TEXT,
    idem_key TEXT UNIQUE,
    recorded_by INTEGER REFERENCES app_user(id),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (agreement_id, day, start_min)
);
CREATE INDEX hh_visit_carer ON hh_visit(carer_id, day);
CREATE INDEX hh_visit_month ON hh_visit(centre_id, day, status);

-- Invoices to users, one per agreement and month, and credit notes that cancel one.
CREATE TABLE hh_invoice (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL,
    -- centre, person and municipality are the agreement's, kept for the lists and
    -- statements (no foreign keys of their own: a month's bill is written in bulk)
    agreement_id INTEGER NOT NULL REFERENCES hh_agreement(id),
    person_id INTEGER NOT NULL,
    municipality_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('invoice', 'credit')),
    number TEXT NOT NULL,
    reference TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    economic INTEGER NOT NULL,
    subsidy INTEGER NOT NULL,
    exempted INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'paid', 'credited')),
    credit_of INTEGER REFERENCES hh_invoice(id),
    issued_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    paid_on TEXT,
    paid_amount INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    UNIQUE (centre_id, number)
);
CREATE UNIQUE INDEX hh_invoice_once ON hh_invoice(agreement_id, month) WHERE kind = 'invoice' AND status <> 'credited';
CREATE INDEX hh_invoice_month ON hh_invoice(centre_id, month);
CREATE INDEX hh_invoice_reference ON hh_invoice(reference);
CREATE INDEX hh_invoice_open ON hh_invoice(centre_id, status, due_on);

-- Payments received for invoices, from bank statements: each taken once.
CREATE TABLE hh_receipt (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES hh_invoice(id),
    statement_id TEXT NOT NULL,
    item_key TEXT NOT NULL UNIQUE,
    amount INTEGER NOT NULL,
    booked_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX hh_receipt_invoice ON hh_receipt(invoice_id);

-- An exemption from payment is a right decided in the procedure: its amount is what the
-- user still pays each month, so it is never paid out.
ALTER TABLE right_type ADD COLUMN pays BOOLEAN NOT NULL DEFAULT 1;
INSERT INTO right_type (jurisdiction, code, class_code, name_sl, name_sr, name_en, legal_basis, claimant, procedure, deadline_months, calculator, periodic, max_months, renews, commission, funding, currency, pays) VALUES
    ('SI', 'si_hh_exemption', '1231', 'Oprostitev plačila pomoči na domu', 'Ослобођење од плаћања помоћи у кући', 'Exemption from paying for home help', 'ZSV 100; Uredba o merilih za oprostitve', 'any', 'investigative', 2, 'exemption', TRUE, 12, FALSE, FALSE, 'municipality:10000', 'EUR', FALSE);
INSERT INTO right_param (jurisdiction, code, valid_from, value, note) VALUES
    ('SI', 'si.exemption.margin', '2020-01-01', 12000, NULL);

INSERT INTO role_permission (role, permission) VALUES
    ('administrator', 'service.catalogue'),
    ('director', 'homehelp.read'),
    ('head_of_unit', 'homehelp.read'), ('head_of_unit', 'homehelp.manage'),
    ('social_worker', 'homehelp.read'),
    ('finance_officer', 'homehelp.read'), ('finance_officer', 'homehelp.bill'),
    ('auditor', 'homehelp.read'),
    ('home_help_coordinator', 'homehelp.read'), ('home_help_coordinator', 'homehelp.manage'),
    ('home_help_coordinator', 'homehelp.bill'),
    ('home_help_worker', 'homehelp.visit');
-- A carer sees their own visits and their users' care plans, nothing else of a file.
DELETE FROM role_permission WHERE role = 'home_help_worker' AND permission <> 'homehelp.visit';
