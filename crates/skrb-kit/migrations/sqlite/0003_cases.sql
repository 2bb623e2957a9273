-- Case work (issue 5): intake, case files, contact log, attachments, plans, tasks,
-- domestic-violence co-ordination, partners and referrals. Keep in step with
-- ../postgres/0003_cases.sql.

-- How a centre numbers its files ({class}, {seq}, {year}, {centre}) and how many
-- norm hours a full-time worker has in a year (caseload against the norm).
ALTER TABLE centre ADD COLUMN file_pattern TEXT NOT NULL DEFAULT '{class}-{seq}/{year}';
ALTER TABLE centre ADD COLUMN worker_hours INTEGER NOT NULL DEFAULT 1500;

-- The catalogue of tasks (Slovenia: the association's five areas; Republika Srpska: the
-- legal user categories). Data, so an administrator adds or retires a type without a
-- code change. A statutory deadline generates a task when a file of the type opens.
CREATE TABLE case_type (
    id INTEGER PRIMARY KEY,
    jurisdiction TEXT NOT NULL CHECK (jurisdiction IN ('SI', 'RS')),
    code TEXT NOT NULL,
    area TEXT NOT NULL,
    class_code TEXT NOT NULL,
    name_sl TEXT NOT NULL,
    name_sr TEXT NOT NULL,
    name_en TEXT NOT NULL,
    legal_basis TEXT,
    norm_hours INTEGER NOT NULL DEFAULT 10,
    deadline_days INTEGER,
    deadline_task TEXT,
    opens_restricted BOOLEAN NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT 1,
    UNIQUE (jurisdiction, code)
);

CREATE TABLE case_counter (
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (centre_id, year)
);

CREATE TABLE case_file (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    unit_id INTEGER REFERENCES unit(id),
    number TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES person(id),
    household_id INTEGER REFERENCES household(id),
    type_id INTEGER NOT NULL REFERENCES case_type(id),
    -- problem areas as ',code,code,' so one LIKE finds a code
    problems TEXT NOT NULL DEFAULT ',',
    summary TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'on_hold', 'closed')),
    close_reason TEXT,
    open_tasks_reason TEXT,
    worker_id INTEGER NOT NULL REFERENCES app_user(id),
    restricted BOOLEAN NOT NULL DEFAULT 0,
    opened_on TEXT NOT NULL,
    closed_on TEXT,
    last_activity_on TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (centre_id, number)
);
CREATE INDEX case_file_list ON case_file(centre_id, status, opened_on);
CREATE INDEX case_file_worker ON case_file(worker_id, status, last_activity_on);
CREATE INDEX case_file_person ON case_file(person_id);

CREATE TABLE case_team (
    case_id INTEGER NOT NULL REFERENCES case_file(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES app_user(id),
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_team_user ON case_team(user_id);

CREATE TABLE case_transfer (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES case_file(id),
    from_worker INTEGER REFERENCES app_user(id),
    to_worker INTEGER NOT NULL REFERENCES app_user(id),
    from_unit INTEGER REFERENCES unit(id),
    to_unit INTEGER REFERENCES unit(id),
    reason TEXT,
    by_user INTEGER REFERENCES app_user(id),
    at TEXT NOT NULL
);
CREATE INDEX case_transfer_case ON case_transfer(case_id);

-- First social help: a walk-in, a call or a referral, recorded in under a minute. The
-- person may be unknown at first (unknown_name) and identified later.
CREATE TABLE intake (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER REFERENCES centre(id),
    at TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('walk_in', 'phone', 'referral', 'email', 'letter')),
    person_id INTEGER REFERENCES person(id),
    unknown_name TEXT,
    problem TEXT NOT NULL,
    description TEXT NOT NULL,
    action_taken TEXT,
    case_id INTEGER REFERENCES case_file(id),
    worker_id INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX intake_centre ON intake(centre_id, at);
CREATE INDEX intake_person ON intake(person_id);

-- The contact log: visits, interviews, calls, letters, team meetings, notes.
CREATE TABLE case_entry (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES case_file(id),
    kind TEXT NOT NULL CHECK (kind IN ('visit', 'interview', 'phone', 'letter', 'team_meeting', 'note')),
    on_date TEXT NOT NULL,
    participants TEXT,
    body TEXT NOT NULL,
    author_id INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX case_entry_case ON case_entry(case_id, on_date);

-- A note being typed, saved every few seconds so that a timeout never loses it.
CREATE TABLE note_draft (
    user_id INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    case_id INTEGER NOT NULL REFERENCES case_file(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (user_id, case_id)
);

-- Scanned documents, PDFs and images, kept in the database (one backup holds all) after
-- their content was recognised as an allowed type.
CREATE TABLE attachment (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES case_file(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by INTEGER REFERENCES app_user(id),
    uploaded_at TEXT NOT NULL
);
CREATE INDEX attachment_case ON attachment(case_id);

-- Individual plans, care plans and safety plans, with goals and reviews against them.
CREATE TABLE case_plan (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES case_file(id),
    kind TEXT NOT NULL CHECK (kind IN ('individual', 'care', 'safety')),
    agreed_on TEXT NOT NULL,
    review_on TEXT,
    participants TEXT,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX case_plan_case ON case_plan(case_id);

CREATE TABLE plan_goal (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES case_plan(id),
    goal TEXT NOT NULL,
    activities TEXT,
    responsible TEXT,
    due_on TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'achieved', 'partly', 'not_achieved', 'dropped'))
);
CREATE INDEX plan_goal_plan ON plan_goal(plan_id);

CREATE TABLE goal_review (
    id INTEGER PRIMARY KEY,
    goal_id INTEGER NOT NULL REFERENCES plan_goal(id),
    reviewed_on TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('open', 'achieved', 'partly', 'not_achieved', 'dropped')),
    note TEXT,
    by_user INTEGER REFERENCES app_user(id),
    at TEXT NOT NULL
);
CREATE INDEX goal_review_goal ON goal_review(goal_id);

-- Tasks with due dates; `source` says where a generated one came from.
CREATE TABLE task (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER REFERENCES centre(id),
    case_id INTEGER REFERENCES case_file(id),
    title TEXT NOT NULL,
    assignee_id INTEGER NOT NULL REFERENCES app_user(id),
    due_on TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'statutory', 'plan_review', 'referral', 'violence')),
    done_at TEXT,
    done_by INTEGER REFERENCES app_user(id),
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX task_open ON task(assignee_id, done_at, due_on);
CREATE INDEX task_case ON task(case_id);

-- Domestic violence: the report, the multidisciplinary team, measures.
CREATE TABLE violence_report (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES case_file(id),
    reported_on TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX violence_report_case ON violence_report(case_id);

CREATE TABLE mdt_member (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES case_file(id),
    name TEXT NOT NULL,
    organisation TEXT,
    partner_id INTEGER,
    role TEXT
);
CREATE INDEX mdt_member_case ON mdt_member(case_id);

CREATE TABLE protective_measure (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES case_file(id),
    kind TEXT NOT NULL CHECK (kind IN ('restraining_order', 'eviction', 'shelter', 'removal_of_child', 'supervision', 'other')),
    ordered_by TEXT,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    note TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX protective_measure_case ON protective_measure(case_id);

-- Partner organisations and their people; referrals out of and into the centre.
CREATE TABLE partner (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER REFERENCES centre(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('city', 'health', 'school', 'kindergarten', 'police', 'court', 'pensioners_home', 'ngo', 'employment', 'other')),
    address TEXT,
    phone TEXT,
    email TEXT,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX partner_centre ON partner(centre_id, name);

CREATE TABLE partner_contact (
    id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL REFERENCES partner(id),
    name TEXT NOT NULL,
    position TEXT,
    phone TEXT,
    email TEXT
);
CREATE INDEX partner_contact_partner ON partner_contact(partner_id);

-- A partner organisation's user sees the referrals addressed to their organisation.
ALTER TABLE app_user ADD COLUMN partner_id INTEGER REFERENCES partner(id);

CREATE TABLE referral (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER REFERENCES centre(id),
    direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    partner_id INTEGER NOT NULL REFERENCES partner(id),
    case_id INTEGER REFERENCES case_file(id),
    person_id INTEGER REFERENCES person(id),
    subject TEXT NOT NULL,
    body TEXT,
    sent_on TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('sent', 'accepted', 'answered', 'declined', 'closed')),
    answer TEXT,
    answered_on TEXT,
    answered_by INTEGER REFERENCES app_user(id),
    created_by INTEGER REFERENCES app_user(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX referral_partner ON referral(partner_id, status);
CREATE INDEX referral_case ON referral(case_id);
CREATE INDEX referral_centre ON referral(centre_id, sent_on);

INSERT INTO role_permission (role, permission) VALUES
    ('administrator', 'case.read'), ('administrator', 'case.manage'), ('administrator', 'partner.manage'),
    ('director', 'case.read'), ('director', 'case.manage'),
    ('head_of_unit', 'case.read'), ('head_of_unit', 'case.write'), ('head_of_unit', 'case.manage'),
    ('head_of_unit', 'partner.manage'),
    ('social_worker', 'case.read'), ('social_worker', 'case.write'), ('social_worker', 'partner.manage'),
    ('rights_officer', 'case.read'),
    ('home_help_coordinator', 'case.read'), ('home_help_coordinator', 'case.write'),
    ('partner', 'referral.answer');

-- The catalogue as shipped; norm hours are a file's yearly time norm (hours of work), the
-- deadlines are those the law or the rules of practice set for the first step.
INSERT INTO case_type (jurisdiction, code, area, class_code, name_sl, name_sr, name_en, legal_basis, norm_hours, deadline_days, deadline_task, opens_restricted) VALUES
    ('SI', 'child_risk', 'child_family', '1201', 'Ogroženi otroci', 'Угрожена дјеца', 'Children at risk', 'DZ, 2019; ZSV 11', 40, 3, 'assessment', FALSE),
    ('SI', 'parental_care', 'child_family', '1202', 'Varstvo in vzgoja otrok, stiki', 'Старање и васпитање дјеце, контакти', 'Custody and contact of children', 'DZ', 20, NULL, NULL, FALSE),
    ('SI', 'foster_care', 'child_family', '1203', 'Rejništvo', 'Хранитељство', 'Foster care', 'ZIRD', 12, NULL, NULL, FALSE),
    ('SI', 'guardianship_child', 'child_family', '1204', 'Skrbništvo za otroke', 'Старатељство над дјецом', 'Guardianship of children', 'DZ', 24, NULL, NULL, FALSE),
    ('SI', 'adoption', 'child_family', '1205', 'Posvojitev', 'Усвојење', 'Adoption', 'DZ', 30, NULL, NULL, FALSE),
    ('SI', 'minor_offender', 'child_family', '1206', 'Mladoletniki v kazenskih postopkih', 'Малољетници у кривичном поступку', 'Minors in criminal proceedings', 'KZ-1, ZKP', 16, NULL, NULL, FALSE),
    ('SI', 'adult_protection', 'adult', '1210', 'Varstvo odraslih', 'Заштита одраслих', 'Adult protection', 'ZSV 11', 20, NULL, NULL, FALSE),
    ('SI', 'guardianship_adult', 'adult', '1211', 'Skrbništvo za odrasle', 'Старатељство над одраслима', 'Guardianship of adults', 'DZ', 24, NULL, NULL, FALSE),
    ('SI', 'material_help', 'material', '1220', 'Materialna pomoč in svetovanje', 'Материјална помоћ и савјетовање', 'Material assistance and advice', 'ZSVarPre, ZUPJS', 4, NULL, NULL, FALSE),
    ('SI', 'first_help', 'services', '1230', 'Prva socialna pomoč', 'Прва социјална помоћ', 'First social help', 'ZSV 11', 1, NULL, NULL, FALSE),
    ('SI', 'personal_help', 'services', '1231', 'Osebna pomoč', 'Лична помоћ', 'Personal help', 'ZSV 11', 20, NULL, NULL, FALSE),
    ('SI', 'family_help', 'services', '1232', 'Pomoč družini za dom', 'Помоћ породици за дом', 'Family help at the centre', 'ZSV 11', 24, NULL, NULL, FALSE),
    ('SI', 'home_help', 'services', '1233', 'Pomoč družini na domu', 'Помоћ породици у кући', 'Home help', 'ZSV 11', 6, NULL, NULL, FALSE),
    ('SI', 'long_term_care', 'services', '1234', 'Dolgotrajna oskrba', 'Дуготрајна њега', 'Long-term care', 'ZDOsk-1', 8, NULL, NULL, FALSE),
    ('SI', 'domestic_violence', 'coordination', '1240', 'Nasilje v družini', 'Насиље у породици', 'Domestic violence', 'ZPND', 30, 3, 'mdt', TRUE),
    ('SI', 'local_coordination', 'coordination', '1241', 'Koordinacija v lokalni skupnosti', 'Координација у локалној заједници', 'Local co-ordination', 'ZSV', 4, NULL, NULL, FALSE),
    ('SI', 'community_service', 'coordination', '1242', 'Nadomestna kazen zapora', 'Замјена казне затвора', 'Substitute prison sentence', 'KZ-1 86', 8, NULL, NULL, FALSE),
    ('RS', 'child_no_parental_care', 'children', '551', 'Otroci brez starševskega varstva', 'Дјеца без родитељског старања', 'Children without parental care', 'ZSZ RS 17', 30, NULL, NULL, FALSE),
    ('RS', 'child_development', 'children', '552', 'Otroci z razvojnimi težavami', 'Дјеца са сметњама у развоју', 'Children with developmental difficulties', 'ZSZ RS 17', 16, NULL, NULL, FALSE),
    ('RS', 'child_family_disrupted', 'children', '553', 'Otroci z motenim razvojem zaradi družinskih razmer', 'Дјеца чији је развој ометен породичним приликама', 'Children whose development is disrupted by family circumstances', 'ZSZ RS 17', 24, NULL, NULL, FALSE),
    ('RS', 'child_victim', 'children', '554', 'Otroci, žrtve nasilja ali trgovine z ljudmi', 'Дјеца жртве насиља или трговине људима', 'Children who are victims of violence or trafficking', 'ZSZ RS 17', 30, 3, 'mdt', TRUE),
    ('RS', 'child_risky_behaviour', 'children', '555', 'Otroci s tveganim vedenjem', 'Дјеца са ризичним понашањем', 'Children with risky behaviour', 'ZSZ RS 17', 20, NULL, NULL, FALSE),
    ('RS', 'adult_unprovided', 'adults', '561', 'Materialno nepreskrbljeni, nezmožni za delo', 'Материјално необезбијеђени и за рад неспособни', 'Adults materially unprovided and unable to work', 'ZSZ RS 18', 4, NULL, NULL, FALSE),
    ('RS', 'adult_disability', 'adults', '562', 'Odrasli z invalidnostjo', 'Одрасла лица са инвалидитетом', 'Adults with disability', 'ZSZ RS 18', 8, NULL, NULL, FALSE),
    ('RS', 'elderly_no_care', 'adults', '563', 'Starejši brez družinske oskrbe', 'Старија лица без породичног старања', 'Elderly without family care', 'ZSZ RS 18', 12, NULL, NULL, FALSE),
    ('RS', 'adult_negative_behaviour', 'adults', '564', 'Osebe z družbeno negativnim vedenjem', 'Лица са друштвено негативним понашањем', 'Adults with socially negative behaviour', 'ZSZ RS 18', 16, NULL, NULL, FALSE),
    ('RS', 'adult_addiction', 'adults', '565', 'Osebe z odvisnostjo', 'Лица са болестима зависности', 'Adults with addiction', 'ZSZ RS 18', 16, NULL, NULL, FALSE),
    ('RS', 'adult_victim', 'adults', '566', 'Žrtve nasilja v družini ali trgovine z ljudmi', 'Жртве насиља у породици или трговине људима', 'Victims of domestic violence or trafficking', 'ZSZ RS 18', 30, 3, 'mdt', TRUE);
