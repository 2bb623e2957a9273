-- The centre's year (SQLite). Keep in step with ../postgres/0015_year.sql.
-- Staff and working groups; the strategy, the year's action plan with its activities,
-- indicators and progress updates; the round table with its invitations, attendance,
-- answers and proposals; news; and what the public page says about the centre.

ALTER TABLE centre ADD COLUMN office_hours TEXT;
ALTER TABLE centre ADD COLUMN phone TEXT;
ALTER TABLE centre ADD COLUMN email TEXT;

-- Everyone who works for the centre, employed or engaged; a person engaged again is a
-- new row (the head count on a day reads the period).
CREATE TABLE staff_member (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('employee', 'intern', 'informator', 'public_works', 'student', 'volunteer')),
    funding TEXT NOT NULL CHECK (funding IN ('state', 'municipality', 'esf', 'project')),
    unit_id INTEGER REFERENCES unit(id),
    job TEXT NOT NULL,
    hours_week INTEGER NOT NULL CHECK (hours_week BETWEEN 1 AND 60),
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    user_id INTEGER REFERENCES app_user(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL,
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX staff_member_centre ON staff_member(centre_id, starts_on);
CREATE INDEX staff_member_user ON staff_member(user_id);

-- Municipal working groups and committees the centre sits in, with its members.
CREATE TABLE working_group (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    name TEXT NOT NULL,
    convened_by TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX working_group_centre ON working_group(centre_id);

CREATE TABLE working_group_member (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES working_group(id),
    staff_id INTEGER NOT NULL REFERENCES staff_member(id),
    role TEXT NOT NULL CHECK (role IN ('chair', 'member', 'secretary')),
    starts_on TEXT NOT NULL,
    ends_on TEXT
);
CREATE INDEX working_group_member_group ON working_group_member(group_id);

-- A strategy (the municipality's or the centre's own) with its goals and measures.
CREATE TABLE strategy (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    owner TEXT NOT NULL CHECK (owner IN ('municipality', 'centre')),
    name TEXT NOT NULL,
    from_year INTEGER NOT NULL,
    to_year INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (to_year >= from_year)
);
CREATE INDEX strategy_centre ON strategy(centre_id);

CREATE TABLE strategy_goal (
    id INTEGER PRIMARY KEY,
    strategy_id INTEGER NOT NULL REFERENCES strategy(id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    UNIQUE (strategy_id, code)
);

CREATE TABLE strategy_measure (
    id INTEGER PRIMARY KEY,
    goal_id INTEGER NOT NULL REFERENCES strategy_goal(id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    UNIQUE (goal_id, code)
);

-- The year's action plan: activities, their partners, indicators and progress updates.
CREATE TABLE action_plan (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    strategy_id INTEGER REFERENCES strategy(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (centre_id, year)
);

CREATE TABLE plan_activity (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES action_plan(id),
    measure_id INTEGER REFERENCES strategy_measure(id),
    title TEXT NOT NULL,
    responsible_id INTEGER REFERENCES staff_member(id),
    due_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'started', 'done', 'dropped')),
    proposal_id INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX plan_activity_plan ON plan_activity(plan_id);

CREATE TABLE plan_activity_partner (
    activity_id INTEGER NOT NULL REFERENCES plan_activity(id),
    partner_id INTEGER NOT NULL REFERENCES partner(id),
    PRIMARY KEY (activity_id, partner_id)
);

-- An indicator: computed by Skrb (`measure`, baseline and target in tenths of a percent)
-- or entered (a whole number of `unit`).
CREATE TABLE plan_indicator (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES plan_activity(id),
    name TEXT NOT NULL,
    measure TEXT CHECK (measure IN ('decisions_on_time', 'runs_on_time', 'files_without_overdue', 'homehelp_delivered', 'programme_reach')),
    unit TEXT,
    baseline INTEGER,
    target INTEGER,
    created_at TEXT NOT NULL,
    CHECK ((measure IS NULL) <> (unit IS NULL))
);
CREATE INDEX plan_indicator_activity ON plan_indicator(activity_id);

CREATE TABLE plan_update (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES plan_activity(id),
    indicator_id INTEGER REFERENCES plan_indicator(id),
    as_of TEXT NOT NULL,
    reported TEXT CHECK (reported IN ('planned', 'started', 'done', 'dropped')),
    value INTEGER,
    note TEXT,
    state TEXT NOT NULL DEFAULT 'submitted' CHECK (state IN ('submitted', 'approved', 'returned')),
    comment TEXT,
    submitted_by INTEGER REFERENCES app_user(id),
    submitted_at TEXT NOT NULL,
    reviewed_by INTEGER REFERENCES app_user(id),
    reviewed_at TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    form_key TEXT UNIQUE,
    CHECK (reported IS NOT NULL OR value IS NOT NULL)
);
CREATE INDEX plan_update_activity ON plan_update(activity_id, as_of);

-- The round table: the partners invited (each with a one-time link), who came, the
-- questionnaire's answers (without the invitation when the round table is anonymous)
-- and the proposals with what became of them.
CREATE TABLE round_table (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    title TEXT NOT NULL,
    held_on TEXT NOT NULL,
    place TEXT NOT NULL,
    plan_id INTEGER REFERENCES action_plan(id),
    anonymous BOOLEAN NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX round_table_centre ON round_table(centre_id, held_on);

CREATE TABLE round_table_invite (
    id INTEGER PRIMARY KEY,
    round_table_id INTEGER NOT NULL REFERENCES round_table(id),
    partner_id INTEGER NOT NULL REFERENCES partner(id),
    token TEXT NOT NULL UNIQUE,
    invited_at TEXT NOT NULL,
    answered_at TEXT,
    UNIQUE (round_table_id, partner_id)
);

CREATE TABLE round_table_attendee (
    id INTEGER PRIMARY KEY,
    invite_id INTEGER NOT NULL REFERENCES round_table_invite(id),
    name TEXT NOT NULL,
    job TEXT
);
CREATE INDEX round_table_attendee_invite ON round_table_attendee(invite_id);

CREATE TABLE round_table_answer (
    id INTEGER PRIMARY KEY,
    round_table_id INTEGER NOT NULL REFERENCES round_table(id),
    invite_id INTEGER REFERENCES round_table_invite(id),
    cooperation INTEGER CHECK (cooperation BETWEEN 1 AND 5),
    responsiveness INTEGER CHECK (responsiveness BETWEEN 1 AND 5),
    professional INTEGER CHECK (professional BETWEEN 1 AND 5),
    coordination INTEGER CHECK (coordination BETWEEN 1 AND 5),
    comment TEXT,
    answered_on TEXT NOT NULL
);
CREATE INDEX round_table_answer_table ON round_table_answer(round_table_id);

CREATE TABLE round_table_proposal (
    id INTEGER PRIMARY KEY,
    round_table_id INTEGER NOT NULL REFERENCES round_table(id),
    partner_id INTEGER REFERENCES partner(id),
    text TEXT NOT NULL,
    -- Made in a questionnaire (anonymous when the organisation is not kept).
    from_answer BOOLEAN NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL DEFAULT 'open' CHECK (outcome IN ('open', 'accepted', 'answered')),
    answer TEXT,
    activity_id INTEGER REFERENCES plan_activity(id),
    decided_by INTEGER REFERENCES app_user(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX round_table_proposal_table ON round_table_proposal(round_table_id);

-- What the public page says: news such as the round table's summary.
CREATE TABLE news_item (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centre(id),
    published_on TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    round_table_id INTEGER REFERENCES round_table(id),
    created_by INTEGER REFERENCES app_user(id),
    created_at TEXT NOT NULL
);
CREATE INDEX news_item_centre ON news_item(centre_id, published_on);

INSERT INTO role_permission (role, permission) VALUES
    ('director', 'year.read'), ('director', 'year.manage'), ('director', 'plan.approve'),
    ('head_of_unit', 'year.read'), ('head_of_unit', 'year.manage'),
    ('social_worker', 'year.read'),
    ('auditor', 'year.read'),
    ('partner', 'roundtable.answer');
