//! The annual work report's tables: each one `GROUP BY` over one context's rows for the
//! centre (or every centre) and the period, read in one read-only snapshot, so the tables
//! agree with each other and a country's report costs a few scans, never a row at a time.

use std::collections::BTreeMap;

use skrb_domain::reports::{AgeBand, Period, UserGroup};
use skrb_kit::audit::Actor;
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::AppResult;
use skrb_kit::i18n::{self, Locale};
use skrb_kit::sheet::{Cell, Chart, Table};
use skrb_kit::sql;
use time::Date;

/// Whose report: a centre's, or every centre's (the ministry's).
#[derive(Debug, Clone)]
pub struct Whose {
    pub centre: Option<i64>,
    /// A unit of the centre: its files, its staff, its municipalities and the persons
    /// living in them.
    pub unit: Option<i64>,
    /// The centre's name, or the words for all centres.
    pub name: String,
    pub currency: String,
    pub locale: Locale,
}

/// The report's generated part: tables and the charts drawn from them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Tables {
    pub tables: Vec<Table>,
    #[serde(skip)]
    pub charts: Vec<Chart>,
}

/// The sections in the order the report prints them (each a table; the CLI's progress
/// counts them).
pub const SECTIONS: [&str; 18] = [
    "territory",
    "staff",
    "users-group",
    "users-age",
    "users-municipality",
    "users-problem",
    "files",
    "decisions",
    "payments",
    "payments-month",
    "services",
    "care",
    "intakes",
    "violence",
    "programmes",
    "groups",
    "plan",
    "round-table",
];

struct Q<'a> {
    w: &'a Whose,
    p: Period,
}

impl Q<'_> {
    fn t(&self, key: &str) -> String {
        i18n::t(self.w.locale, key)
    }
    fn table(&self, key: &str, columns: &[&str]) -> Table {
        Table::new(
            key,
            self.t(&format!("report-table-{key}")),
            columns.iter().map(|c| self.t(c)).collect(),
        )
        .currency(&self.w.currency)
    }
    fn total(&self) -> String {
        self.t("report-total")
    }
    /// The query narrowed to the report's unit, if it has one: after each centre condition
    /// (`($1 IS NULL OR x.centre_id = $1)`) the unit's condition on the same rows, by the
    /// table they come from: a case file, a staff member or a municipality by its unit;
    /// anything of a person (a decision, a payment, a visit, a placement) by the person
    /// living in the unit's municipalities. Programmes, working groups, the plan and the
    /// round table are the centre's and stay so.
    fn scoped(&self, sql: &str) -> String {
        const START: &str = "($1 IS NULL OR ";
        const END: &str = "centre_id = $1)";
        if self.w.unit.is_none() {
            return sql.to_string();
        }
        let mut out = String::with_capacity(sql.len() + 256);
        let mut rest = sql;
        while let Some(i) = rest.find(START) {
            let after = &rest[i + START.len()..];
            let Some(j) = after.find(END) else { break };
            let alias = &after[..j];
            let upto = i + START.len() + j + END.len();
            out.push_str(&rest[..upto]);
            let table = {
                let before = &sql[..sql.len() - rest.len() + i];
                before
                    .rfind("FROM ")
                    .map(|f| {
                        before[f + 5..]
                            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                            .next()
                            .unwrap_or("")
                    })
                    .unwrap_or("")
            };
            let cond = match (alias, table) {
                ("m.", _) => self.unit_is("m.unit_id"),
                ("f.", _) => self.unit_is("f.unit_id"),
                ("", "case_file") | ("", "staff_member") => self.unit_is("unit_id"),
                ("", "guardianship") => self.lives_in("ward_id"),
                ("", _) => self.lives_in("person_id"),
                ("l.", _) | ("s.", _) | ("d.", _) => self.lives_in(&format!("{alias}person_id")),
                _ => String::new(),
            };
            out.push_str(&cond);
            rest = &rest[upto..];
        }
        out.push_str(rest);
        out
    }
    /// For a unit's report: `col` (a unit column) is the unit. Empty for a centre's.
    /// The unit's id is a number read from the database, never the request's text.
    fn unit_is(&self, col: &str) -> String {
        self.w
            .unit
            .map(|u| format!(" AND {col} = {u}"))
            .unwrap_or_default()
    }
    /// For a unit's report: the person `col` lives in one of the unit's municipalities.
    fn lives_in(&self, col: &str) -> String {
        self.w
            .unit
            .map(|u| {
                format!(
                    " AND {col} IN (SELECT up.id FROM person up JOIN municipality um ON um.id = up.municipality_id \
                     WHERE um.unit_id = {u})"
                )
            })
            .unwrap_or_default()
    }
}

/// Builds every table, calling `step` after each (a progress bar's tick).
pub async fn tables(
    db: &Db,
    actor: &Actor,
    w: &Whose,
    p: Period,
    step: &mut (dyn FnMut(usize) + Send),
) -> AppResult<Tables> {
    let q = Q { w, p };
    let mut tx = db.begin_read().await?;
    if let Tx::Postgres(t) = &mut tx {
        // One snapshot for every table: a run exported while the report is read does
        // not make the payments disagree with the decisions. A standby allows it too.
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut **t)
            .await?;
    }
    let mut out = Vec::new();
    let mut charts = Vec::new();
    out.push(territory(&mut tx, &q).await?);
    step(out.len());
    out.push(staff(&mut tx, &q).await?);
    step(out.len());
    let (group, age, municipality) = users(&mut tx, &q).await?;
    charts.push(chart_of(&age, 4, w.locale));
    out.push(group);
    out.push(age);
    out.push(municipality);
    step(out.len());
    out.push(problems(&mut tx, &q).await?);
    step(out.len());
    out.push(files(&mut tx, &q).await?);
    step(out.len());
    let decisions = decisions(&mut tx, &q).await?;
    charts.push(chart_of(&decisions, 1, w.locale));
    out.push(decisions);
    step(out.len());
    let (by_right, by_month) = payments(&mut tx, &q).await?;
    charts.push(chart_of(&by_month, 3, w.locale));
    out.push(by_right);
    out.push(by_month);
    step(out.len());
    out.push(services(&mut tx, &q).await?);
    step(out.len());
    out.push(care(&mut tx, &q).await?);
    step(out.len());
    out.push(intakes(&mut tx, &q).await?);
    step(out.len());
    out.push(violence(&mut tx, &q).await?);
    step(out.len());
    out.push(programmes(&mut tx, &q).await?);
    step(out.len());
    out.push(groups(&mut tx, &q).await?);
    step(out.len());
    out.push(plan(&mut tx, &q, actor).await?);
    step(out.len());
    out.push(round_table(&mut tx, &q).await?);
    step(out.len());
    tx.commit().await?;
    Ok(Tables {
        tables: out,
        charts,
    })
}

/// A chart of one column of a table, a bar per row (not the total).
pub fn chart_of(t: &Table, column: usize, l: Locale) -> Chart {
    let heading = t.columns.get(column).cloned().unwrap_or_default();
    let mut c = Chart::new(
        &format!("{}-{column}", t.key),
        format!("{}: {}", t.title, heading.to_lowercase()),
    );
    for r in &t.rows {
        let label = r
            .first()
            .map(|c| c.show(l, &t.currency))
            .unwrap_or_default();
        let cell = r.get(column).cloned().unwrap_or(Cell::Empty);
        let value = cell.number().unwrap_or(0);
        c.bar(label, value, cell.show(l, &t.currency));
    }
    c
}

fn centre(w: &Whose) -> Option<i64> {
    w.centre
}

// ---------------------------------------------------------------- territory and staff

async fn territory(tx: &mut Tx, q: &Q<'_>) -> AppResult<Table> {
    // The latest count on or before the period's end, per municipality.
    let rows: Vec<(String, Option<i64>, Option<Date>)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT m.name, p.inhabitants, p.on_date FROM municipality m \
         LEFT JOIN population p ON p.municipality_id = m.id AND p.on_date = \
           (SELECT MAX(x.on_date) FROM population x WHERE x.municipality_id = m.id AND x.on_date <= $2) \
         WHERE ($1 IS NULL OR m.centre_id = $1) ORDER BY m.name"))
        .bind(centre(q.w)).bind(q.p.to).fetch_all(&mut *c).await?);
    let mut t = q.table(
        "territory",
        &[
            "report-municipality",
            "report-inhabitants",
            "report-counted-on",
        ],
    );
    for (name, n, on) in rows {
        t.row(vec![
            Cell::Text(name),
            n.map(Cell::Count).unwrap_or(Cell::Empty),
            on.map(Cell::Date).unwrap_or(Cell::Empty),
        ]);
    }
    Ok(t.totalled(q.total()))
}

async fn staff(tx: &mut Tx, q: &Q<'_>) -> AppResult<Table> {
    use skrb_domain::year::{Funding, StaffKind};
    let rows: Vec<(String, String, i64)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT kind, funding, COUNT(*) FROM staff_member WHERE ($1 IS NULL OR centre_id = $1) \
         AND starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $2) GROUP BY kind, funding"))
        .bind(centre(q.w)).bind(q.p.to).fetch_all(&mut *c).await?);
    let mut cols: Vec<String> = vec![q.t("report-staff-kind")];
    cols.extend(
        Funding::ALL
            .iter()
            .map(|f| q.t(&format!("year-funding-{}", f.code()))),
    );
    cols.push(q.total());
    let mut t = Table::new(
        "staff",
        format!(
            "{} {}",
            q.t("report-table-staff"),
            i18n::fmt_date(q.w.locale, q.p.to)
        ),
        cols,
    );
    for k in StaffKind::ALL {
        let of = |f: &Funding| {
            rows.iter()
                .filter(|r| r.0 == k.code() && r.1 == f.code())
                .map(|r| r.2)
                .sum::<i64>()
        };
        let mut cells = vec![Cell::Text(q.t(&format!("year-kind-{}", k.code())))];
        cells.extend(Funding::ALL.iter().map(|f| Cell::Persons(of(f))));
        cells.push(Cell::Persons(Funding::ALL.iter().map(of).sum()));
        t.row(cells);
    }
    Ok(t.totalled(q.total()))
}

// ---------------------------------------------------------------- users

/// The persons the centre worked for in the period: a case file open at some time in
/// it, a right paid for some of it, or home help given in it.
pub(crate) const USERS: &str =
    "SELECT person_id FROM case_file WHERE ($1 IS NULL OR centre_id = $1) \
      AND person_id IS NOT NULL AND opened_on <= $3 AND (closed_on IS NULL OR closed_on >= $2) \
    UNION SELECT person_id FROM entitlement WHERE ($1 IS NULL OR centre_id = $1) \
      AND valid_from <= $3 AND (valid_to IS NULL OR valid_to >= $2) \
    UNION SELECT person_id FROM hh_agreement WHERE ($1 IS NULL OR centre_id = $1) \
      AND start_on IS NOT NULL AND start_on <= $3 AND (end_on IS NULL OR end_on >= $2)";

/// A count of users: age band, sex, municipality, persons.
type UserRow = (String, String, String, i64);

/// Birth dates on or before which a person is at least `age` on `on`.
fn born_by(on: Date, age: i32) -> Date {
    let y = on.year() - age;
    Date::from_calendar_date(y, on.month(), on.day())
        .or_else(|_| Date::from_calendar_date(y, on.month(), 28))
        .unwrap_or(on)
}

/// The age band of `p.birth_date` on `on` as SQL, comparing birth dates with the days
/// each band begins (the same SQL on both databases, and an index-friendly comparison);
/// its dates are bound from placeholder `$first` on.
pub(crate) fn band_case(on: Date, first: usize) -> (String, Vec<Date>) {
    let bands: Vec<AgeBand> = AgeBand::ALL
        .iter()
        .copied()
        .filter(|b| b.bounds().is_some())
        .collect();
    let mut case = String::from("CASE WHEN p.birth_date IS NULL THEN 'unknown'");
    // From the oldest band down: born on or before the day a person turns its lowest age.
    let mut params: Vec<Date> = Vec::new();
    for b in bands.iter().rev() {
        if let Some((lo, _)) = b.bounds() {
            if lo == 0 {
                case.push_str(&format!(" ELSE '{}' END", b.code()));
            } else {
                params.push(born_by(on, lo));
                case.push_str(&format!(
                    " WHEN p.birth_date <= ${} THEN '{}'",
                    params.len() + first - 1,
                    b.code()
                ));
            }
        }
    }
    (case, params)
}

async fn users(tx: &mut Tx, q: &Q<'_>) -> AppResult<(Table, Table, Table)> {
    let (case, params) = band_case(q.p.to, 4);
    let sql = q.scoped(&format!(
        "SELECT {case} AS band, COALESCE(p.sex, 'X') AS sex, COALESCE(m.name, '') AS municipality, COUNT(*) \
         FROM ({USERS}) u JOIN person p ON p.id = u.person_id LEFT JOIN municipality m ON m.id = p.municipality_id \
         GROUP BY 1, 2, 3"
    ));
    let rows: Vec<UserRow> = sql!(tx, c => {
        let mut qq = sqlx::query_as(&sql).bind(centre(q.w)).bind(q.p.from).bind(q.p.to);
        for d in &params {
            qq = qq.bind(*d);
        }
        qq.fetch_all(&mut *c).await?
    });
    let sexes = ["M", "F"];
    let cols = [
        "report-men",
        "report-women",
        "report-sex-other",
        "report-total",
    ];
    let split = |pick: &dyn Fn(&UserRow) -> bool| -> Vec<Cell> {
        let of = |s: Option<&str>| {
            rows.iter()
                .filter(|r| pick(r))
                .filter(|r| match s {
                    Some(s) => r.1 == s,
                    None => !sexes.contains(&r.1.as_str()),
                })
                .map(|r| r.3)
                .sum::<i64>()
        };
        let (m, f, x) = (of(Some("M")), of(Some("F")), of(None));
        vec![
            Cell::Persons(m),
            Cell::Persons(f),
            Cell::Persons(x),
            Cell::Persons(m + f + x),
        ]
    };
    let mut group_cols = vec!["report-group"];
    group_cols.extend(cols);
    let mut by_group = q.table("users-group", &group_cols);
    for g in UserGroup::ALL {
        let band_in_group = |band: &str| {
            let age = AgeBand::from_code(band)
                .and_then(|b| b.bounds())
                .map(|(lo, _)| lo);
            UserGroup::of(age) == *g
        };
        let mut cells = vec![Cell::Text(q.t(&format!("report-group-{}", g.code())))];
        cells.extend(split(&|r| band_in_group(&r.0)));
        by_group.row(cells);
    }
    let mut age_cols = vec!["report-age"];
    age_cols.extend(cols);
    let mut by_age = q.table("users-age", &age_cols);
    for b in AgeBand::ALL {
        let label = if *b == AgeBand::Unknown {
            q.t("report-age-unknown")
        } else {
            b.code().to_string()
        };
        let mut cells = vec![Cell::Text(label)];
        cells.extend(split(&|r| r.0 == b.code()));
        by_age.row(cells);
    }
    let mut m_cols = vec!["report-municipality"];
    m_cols.extend(cols);
    let mut by_m = q.table("users-municipality", &m_cols);
    let mut names: Vec<&String> = rows.iter().map(|r| &r.2).collect();
    names.sort();
    names.dedup();
    for n in names {
        let label = if n.is_empty() {
            q.t("report-municipality-unknown")
        } else {
            n.clone()
        };
        let mut cells = vec![Cell::Text(label)];
        cells.extend(split(&|r| &r.2 == n));
        by_m.row(cells);
    }
    Ok((
        by_group.totalled(q.total()),
        by_age.totalled(q.total()),
        by_m.totalled(q.total()),
    ))
}

async fn problems(tx: &mut Tx, q: &Q<'_>) -> AppResult<Table> {
    // A file names its problems as `,poverty,addiction,`: joined with the catalogue of
    // problems, a person counts once under each of their files' problems.
    let list = skrb_cases::PROBLEMS
        .iter()
        .map(|p| format!("SELECT '{p}' AS code"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let sql = q.scoped(&format!(
        "SELECT k.code, COUNT(DISTINCT f.person_id), COUNT(*) FROM case_file f JOIN ({list}) k \
           ON f.problems LIKE '%,' || k.code || ',%' \
         WHERE ($1 IS NULL OR f.centre_id = $1) AND f.opened_on <= $3 AND (f.closed_on IS NULL OR f.closed_on >= $2) \
         GROUP BY k.code"
    ));
    let rows: Vec<(String, i64, i64)> = sql!(tx, c => sqlx::query_as(&sql)
        .bind(centre(q.w)).bind(q.p.from).bind(q.p.to).fetch_all(&mut *c).await?);
    let mut t = q.table(
        "users-problem",
        &["report-problem", "report-persons", "report-files"],
    );
    for p in skrb_cases::PROBLEMS {
        let r = rows.iter().find(|r| r.0 == p);
        t.row(vec![
            Cell::Text(q.t(&format!("cases-problem-{p}"))),
            Cell::Persons(r.map(|r| r.1).unwrap_or(0)),
            Cell::Count(r.map(|r| r.2).unwrap_or(0)),
        ]);
    }
    // A person with two problems counts under both: no total of persons.
    Ok(t)
}

// ---------------------------------------------------------------- case work

async fn files(tx: &mut Tx, q: &Q<'_>) -> AppResult<Table> {
    let rows: Vec<(String, String, String, String, i64, i64, i64)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT t.code, t.name_sl, t.name_sr, t.name_en, \
           SUM(CASE WHEN f.opened_on >= $2 THEN 1 ELSE 0 END), \
           SUM(CASE WHEN f.closed_on IS NOT NULL AND f.closed_on <= $3 THEN 1 ELSE 0 END), \
           SUM(CASE WHEN f.closed_on IS NULL OR f.closed_on > $3 THEN 1 ELSE 0 END) \
         FROM case_file f JOIN case_type t ON t.id = f.type_id \
         WHERE ($1 IS NULL OR f.centre_id = $1) AND f.opened_on <= $3 AND (f.closed_on IS NULL OR f.closed_on >= $2) \
         GROUP BY t.code, t.name_sl, t.name_sr, t.name_en ORDER BY t.code"))
        .bind(centre(q.w)).bind(q.p.from).bind(q.p.to).fetch_all(&mut *c).await?);
    let mut t = q.table(
        "files",
        &[
            "report-task",
            "report-opened",
            "report-closed",
            "report-open-end",
        ],
    );
    for (_code, sl, sr, en, opened, closed, open) in rows {
        t.row(vec![
            Cell::Text(i18n::name_in(q.w.locale, &sl, &sr, &en)),
            Cell::Count(opened),
            Cell::Count(closed),
            Cell::Count(open),
        ]);
    }
    Ok(t.totalled(q.total()))
}

// ---------------------------------------------------------------- rights and money

type RightKey = (i64, String, String, String);

async fn right_names(tx: &mut Tx, ids: &[i64]) -> AppResult<BTreeMap<i64, RightKey>> {
    let mut out = BTreeMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let rows: Vec<RightKey> = sql!(tx, c => sqlx::query_as(
        "SELECT id, name_sl, name_sr, name_en FROM right_type ORDER BY id")
        .fetch_all(&mut *c).await?);
    for r in rows {
        if ids.contains(&r.0) {
            out.insert(r.0, r);
        }
    }
    Ok(out)
}

async fn decisions(tx: &mut Tx, q: &Q<'_>) -> AppResult<Table> {
    let issued: Vec<(i64, i64, i64, i64)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT right_id, \
           SUM(CASE WHEN outcome IN ('granted', 'partly') THEN 1 ELSE 0 END), \
           SUM(CASE WHEN outcome = 'refused' THEN 1 ELSE 0 END), \
           SUM(CASE WHEN outcome = 'dismissed' THEN 1 ELSE 0 END) \
         FROM decision WHERE ($1 IS NULL OR centre_id = $1) AND status = 'issued' \
           AND kind <> 'second_instance' AND decided_on >= $2 AND decided_on <= $3 GROUP BY right_id"))
        .bind(centre(q.w)).bind(q.p.from).bind(q.p.to).fetch_all(&mut *c).await?);
    let appeals: Vec<(i64, i64, i64)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT d.right_id, \
           SUM(CASE WHEN a.lodged_on >= $2 AND a.lodged_on <= $3 THEN 1 ELSE 0 END), \
           SUM(CASE WHEN a.outcome = 'annulled' AND a.outcome_on >= $2 AND a.outcome_on <= $3 THEN 1 ELSE 0 END) \
         FROM appeal a JOIN decision d ON d.id = a.decision_id \
         WHERE ($1 IS NULL OR d.centre_id = $1) AND (a.lodged_on <= $3) AND (a.outcome_on IS NULL OR a.outcome_on >= $2) \
         GROUP BY d.right_id"))
        .bind(centre(q.w)).bind(q.p.from).bind(q.p.to).fetch_all(&mut *c).await?);
    let mut ids: Vec<i64> = issued
        .iter()
        .map(|r| r.0)
        .chain(appeals.iter().map(|r| r.0))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let names = right_names(tx, &ids).await?;
    let mut t = q.table(
        "decisions",
        &[
            "report-right",
            "report-granted",
            "report-refused",
            "report-dismissed",
            "report-appealed",
            "report-annulled",
        ],
    );
    for id in ids {
        let i = issued.iter().find(|r| r.0 == id);
        let a = appeals.iter().find(|r| r.0 == id);
        let name = names
            .get(&id)
            .map(|n| i18n::name_in(q.w.locale, &n.1, &n.2, &n.3))
            .unwrap_or_default();
        t.row(vec![
            Cell::Text(name),
            Cell::Count(i.map(|r| r.1).unwrap_or(0)),
            Cell::Count(i.map(|r| r.2).unwrap_or(0)),
            Cell::Count(i.map(|r| r.3).unwrap_or(0)),
            Cell::Count(a.map(|r| r.1).unwrap_or(0)),
            Cell::Count(a.map(|r| r.2).unwrap_or(0)),
        ]);
    }
    Ok(t.totalled(q.total()))
}

/// What was paid: lines of exported runs that went to the bank (open or settled).
const PAID: &str = "FROM payment_line l JOIN payment_run r ON r.id = l.run_id \
    WHERE ($1 IS NULL OR l.centre_id = $1) AND l.month >= $2 AND l.month <= $3 \
      AND l.status IN ('open', 'settled') AND r.status IN ('exported', 'settled', 'partly_returned')";

async fn payments(tx: &mut Tx, q: &Q<'_>) -> AppResult<(Table, Table)> {
    // A line's month is the month's first day: from the first of the period's first
    // month to the period's last day.
    let months = q.p.months();
    let first = q.p.from.replace_day(1).unwrap_or(q.p.from);
    let last = q.p.to;
    let by_right: Vec<(i64, String, i64, i64, i64)> = sql!(tx, c => sqlx::query_as(&q.scoped(&format!(
        "SELECT l.right_id, l.funder, COUNT(DISTINCT l.person_id), COUNT(*), CAST(COALESCE(SUM(l.amount), 0) AS BIGINT) \
         {PAID} GROUP BY l.right_id, l.funder")))
        .bind(centre(q.w)).bind(first).bind(last).fetch_all(&mut *c).await?);
    let by_month: Vec<(Date, i64, i64, i64)> = sql!(tx, c => sqlx::query_as(&q.scoped(&format!(
        "SELECT l.month, COUNT(DISTINCT l.person_id), COUNT(*), CAST(COALESCE(SUM(l.amount), 0) AS BIGINT) \
         {PAID} GROUP BY l.month")))
        .bind(centre(q.w)).bind(first).bind(last).fetch_all(&mut *c).await?);
    let ids: Vec<i64> = by_right.iter().map(|r| r.0).collect();
    let names = right_names(tx, &ids).await?;
    let mut t = q.table(
        "payments",
        &[
            "report-right",
            "report-funder",
            "report-persons",
            "report-lines",
            "report-amount",
        ],
    );
    let mut rows: Vec<(String, String, i64, i64, i64)> = by_right
        .into_iter()
        .map(|(id, funder, persons, lines, amount)| {
            let name = names
                .get(&id)
                .map(|n| i18n::name_in(q.w.locale, &n.1, &n.2, &n.3))
                .unwrap_or_default();
            (name, funder, persons, lines, amount)
        })
        .collect();
    rows.sort();
    for (name, funder, persons, lines, amount) in rows {
        t.row(vec![
            Cell::Text(name),
            Cell::Text(q.t(&format!("payments-funder-{funder}"))),
            Cell::Persons(persons),
            Cell::Count(lines),
            Cell::Money(amount),
        ]);
    }
    // Persons are counted per right: one paid two rights counts twice in a total.
    let mut t = t.totalled(q.total());
    if let Some(total) = t.total.as_mut() {
        total[2] = Cell::Empty;
    }
    let mut m = q.table(
        "payments-month",
        &[
            "report-month",
            "report-persons",
            "report-lines",
            "report-amount",
        ],
    );
    for month in &months {
        let r = by_month
            .iter()
            .find(|r| &format!("{:04}-{:02}", r.0.year(), r.0.month() as u8) == month);
        m.row(vec![
            Cell::Text(month_name(q.w.locale, month)),
            Cell::Persons(r.map(|r| r.1).unwrap_or(0)),
            Cell::Count(r.map(|r| r.2).unwrap_or(0)),
            Cell::Money(r.map(|r| r.3).unwrap_or(0)),
        ]);
    }
    let mut m = m.totalled(q.total());
    if let Some(total) = m.total.as_mut() {
        total[1] = Cell::Empty;
    }
    Ok((t, m))
}

/// `2014-03` as the reader names the month (`3/2014`).
fn month_name(_l: Locale, ym: &str) -> String {
    match ym.split_once('-') {
        Some((y, m)) => format!("{}/{y}", m.trim_start_matches('0')),
        None => ym.to_string(),
    }
}

// ---------------------------------------------------------------- services and care

async fn services(tx: &mut Tx, q: &Q<'_>) -> AppResult<Table> {
    let rows: Vec<(String, String, String, String, i64, i64, i64)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT t.code, t.name_sl, t.name_sr, t.name_en, COUNT(DISTINCT s.person_id), COUNT(*), \
           CAST(COALESCE(SUM(s.minutes), 0) AS BIGINT) \
         FROM service_session s JOIN service_type t ON t.id = s.service_id \
         WHERE ($1 IS NULL OR s.centre_id = $1) AND s.held_on >= $2 AND s.held_on <= $3 \
         GROUP BY t.code, t.name_sl, t.name_sr, t.name_en ORDER BY t.code"))
        .bind(centre(q.w)).bind(q.p.from).bind(q.p.to).fetch_all(&mut *c).await?);
    let hh: Vec<(i64, i64, i64, i64)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT COUNT(DISTINCT person_id), COUNT(DISTINCT carer_id), COUNT(*), \
           CAST(COALESCE(SUM(delivered_minutes), 0) AS BIGINT) \
         FROM hh_visit WHERE ($1 IS NULL OR centre_id = $1) AND status = 'done' AND day >= $2 AND day <= $3"))
        .bind(centre(q.w)).bind(q.p.from).bind(q.p.to).fetch_all(&mut *c).await?);
    let mut t = q.table(
        "services",
        &[
            "report-service",
            "report-persons",
            "report-sessions",
            "report-hours",
        ],
    );
    for (_code, sl, sr, en, persons, sessions, minutes) in rows {
        t.row(vec![
            Cell::Text(i18n::name_in(q.w.locale, &sl, &sr, &en)),
            Cell::Persons(persons),
            Cell::Count(sessions),
            Cell::Minutes(minutes),
        ]);
    }
    if let Some((persons, _carers, visits, minutes)) = hh.first().copied() {
        if visits > 0 {
            t.row(vec![
                Cell::Text(q.t("report-home-help")),
                Cell::Persons(persons),
                Cell::Count(visits),
                Cell::Minutes(minutes),
            ]);
        }
    }
    let mut t = t.totalled(q.total());
    if let Some(total) = t.total.as_mut() {
        total[1] = Cell::Empty;
    }
    Ok(t)
}

/// Home help's money, placements, guardianship and foster families: one figure a row.
async fn care(tx: &mut Tx, q: &Q<'_>) -> AppResult<Table> {
    let hh: Vec<(i64, i64, i64)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT COUNT(DISTINCT carer_id), COUNT(DISTINCT person_id), CAST(COALESCE(SUM(delivered_minutes), 0) AS BIGINT) \
         FROM hh_visit WHERE ($1 IS NULL OR centre_id = $1) AND status = 'done' AND day >= $2 AND day <= $3"))
        .bind(centre(q.w)).bind(q.p.from).bind(q.p.to).fetch_all(&mut *c).await?);
    let months = q.p.months();
    let money: Vec<(i64, i64, i64)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT CAST(COALESCE(SUM(economic), 0) AS BIGINT), CAST(COALESCE(SUM(subsidy), 0) AS BIGINT), \
           CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM hh_invoice \
         WHERE ($1 IS NULL OR centre_id = $1) AND month >= $2 AND month <= $3"))
        .bind(centre(q.w)).bind(months.first().cloned().unwrap_or_default())
        .bind(months.last().cloned().unwrap_or_default()).fetch_all(&mut *c).await?);
    let placed: Vec<(String, i64, i64, i64)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT setting, COUNT(DISTINCT person_id), \
           SUM(CASE WHEN start_on >= $2 THEN 1 ELSE 0 END), \
           SUM(CASE WHEN end_on IS NOT NULL AND end_on <= $3 THEN 1 ELSE 0 END) \
         FROM placement WHERE ($1 IS NULL OR centre_id = $1) AND start_on <= $3 AND (end_on IS NULL OR end_on >= $2) \
         GROUP BY setting"))
        .bind(centre(q.w)).bind(q.p.from).bind(q.p.to).fetch_all(&mut *c).await?);
    let wards: Vec<(i64,)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT COUNT(DISTINCT ward_id) FROM guardianship WHERE ($1 IS NULL OR centre_id = $1) \
         AND appointed_on <= $3 AND (ended_on IS NULL OR ended_on >= $2)"))
        .bind(centre(q.w)).bind(q.p.from).bind(q.p.to).fetch_all(&mut *c).await?);
    let families: Vec<(i64,)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT COUNT(*) FROM foster_carer WHERE ($1 IS NULL OR centre_id = $1) AND status IN ('approved', 'suspended') \
         AND permit_on IS NOT NULL AND permit_on <= $2"))
        .bind(centre(q.w)).bind(q.p.to).fetch_all(&mut *c).await?);
    let (carers, hh_users, minutes) = hh.first().copied().unwrap_or((0, 0, 0));
    let (economic, subsidy, paid) = money.first().copied().unwrap_or((0, 0, 0));
    let of = |s: &str, i: usize| {
        placed
            .iter()
            .find(|r| r.0 == s)
            .map(|r| match i {
                1 => r.1,
                2 => r.2,
                _ => r.3,
            })
            .unwrap_or(0)
    };
    let mut t = q.table("care", &["report-figure", "report-value"]);
    let rows = [
        ("report-hh-users", Cell::Persons(hh_users)),
        ("report-hh-hours", Cell::Minutes(minutes)),
        ("report-hh-carers", Cell::Persons(carers)),
        ("report-hh-economic", Cell::Money(economic)),
        ("report-hh-subsidy", Cell::Money(subsidy)),
        ("report-hh-paid", Cell::Money(paid)),
        ("report-foster-children", Cell::Persons(of("foster", 1))),
        ("report-foster-started", Cell::Count(of("foster", 2))),
        ("report-foster-ended", Cell::Count(of("foster", 3))),
        (
            "report-institution-persons",
            Cell::Persons(of("institution", 1)),
        ),
        (
            "report-wards",
            Cell::Persons(wards.first().map(|r| r.0).unwrap_or(0)),
        ),
        (
            "report-foster-families",
            Cell::Count(families.first().map(|r| r.0).unwrap_or(0)),
        ),
    ];
    for (k, v) in rows {
        t.row(vec![Cell::Text(q.t(k)), v]);
    }
    Ok(t)
}

// ---------------------------------------------------------------- the year's other work

async fn intakes(tx: &mut Tx, q: &Q<'_>) -> AppResult<Table> {
    let next = q.p.to.next_day().unwrap_or(q.p.to);
    let rows: Vec<(String, i64, i64)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT channel, COUNT(*), SUM(CASE WHEN case_id IS NOT NULL THEN 1 ELSE 0 END) FROM intake \
         WHERE ($1 IS NULL OR centre_id = $1) AND at >= $2 AND at < $3 GROUP BY channel"))
        .bind(centre(q.w)).bind(q.p.from).bind(next).fetch_all(&mut *c).await?);
    let mut t = q.table(
        "intakes",
        &["report-channel", "report-intakes", "report-intakes-filed"],
    );
    for ch in ["walk_in", "phone", "referral", "email", "letter"] {
        let r = rows.iter().find(|r| r.0 == ch);
        t.row(vec![
            Cell::Text(q.t(&format!("cases-channel-{ch}"))),
            Cell::Count(r.map(|r| r.1).unwrap_or(0)),
            Cell::Count(r.map(|r| r.2).unwrap_or(0)),
        ]);
    }
    Ok(t.totalled(q.total()))
}

async fn violence(tx: &mut Tx, q: &Q<'_>) -> AppResult<Table> {
    let reports: Vec<(i64,)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT COUNT(*) FROM violence_report v JOIN case_file f ON f.id = v.case_id \
         WHERE ($1 IS NULL OR f.centre_id = $1) AND v.reported_on >= $2 AND v.reported_on <= $3"))
        .bind(centre(q.w)).bind(q.p.from).bind(q.p.to).fetch_all(&mut *c).await?);
    let files: Vec<(i64, i64, i64)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT CAST(COALESCE(SUM(CASE WHEN opened_on >= $2 THEN 1 ELSE 0 END), 0) AS BIGINT), \
           CAST(COALESCE(SUM(CASE WHEN closed_on IS NULL OR closed_on > $3 THEN 1 ELSE 0 END), 0) AS BIGINT), \
           COUNT(DISTINCT person_id) \
         FROM case_file WHERE ($1 IS NULL OR centre_id = $1) AND problems LIKE '%,domestic_violence,%' \
           AND opened_on <= $3 AND (closed_on IS NULL OR closed_on >= $2)"))
        .bind(centre(q.w)).bind(q.p.from).bind(q.p.to).fetch_all(&mut *c).await?);
    let (opened, open, persons) = files.first().copied().unwrap_or((0, 0, 0));
    let mut t = q.table("violence", &["report-figure", "report-value"]);
    for (k, v) in [
        (
            "report-violence-reports",
            Cell::Count(reports.first().map(|r| r.0).unwrap_or(0)),
        ),
        ("report-violence-opened", Cell::Count(opened)),
        ("report-violence-open", Cell::Count(open)),
        ("report-violence-persons", Cell::Persons(persons)),
    ] {
        t.row(vec![Cell::Text(q.t(k)), v]);
    }
    Ok(t)
}

async fn programmes(tx: &mut Tx, q: &Q<'_>) -> AppResult<Table> {
    type Row = (String, String, i64, i64, i64, i64);
    let rows: Vec<Row> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT p.name, p.kind, \
           (SELECT COUNT(*) FROM programme_entry e WHERE e.programme_id = p.id AND NOT e.removed), \
           (SELECT CAST(COALESCE(SUM(e.members), 0) AS BIGINT) FROM programme_entry e WHERE e.programme_id = p.id AND NOT e.removed), \
           (SELECT CAST(COALESCE(SUM(f.amount), 0) AS BIGINT) FROM programme_funding f WHERE f.programme_id = p.id), \
           (SELECT COUNT(*) FROM distribution d WHERE d.programme_id = p.id AND d.handed_on >= $2 AND d.handed_on <= $3) \
         FROM programme p WHERE ($1 IS NULL OR p.centre_id = $1) AND p.period_from <= $3 AND p.period_to >= $2 \
         ORDER BY p.period_from, p.name"))
        .bind(centre(q.w)).bind(q.p.from).bind(q.p.to).fetch_all(&mut *c).await?);
    let mut t = q.table(
        "programmes",
        &[
            "report-programme",
            "report-recipients",
            "report-persons",
            "report-budget",
            "report-handed-out",
        ],
    );
    for (name, kind, recipients, persons, budget, handed) in rows {
        t.row(vec![
            Cell::Text(format!(
                "{name} ({})",
                q.t(&format!("programmes-kind-{kind}"))
            )),
            Cell::Count(recipients),
            Cell::Persons(persons),
            Cell::Money(budget),
            Cell::Count(handed),
        ]);
    }
    // A person may be on two programmes' lists: no total of persons.
    let mut t = t.totalled(q.total());
    if let Some(total) = t.total.as_mut() {
        total[2] = Cell::Empty;
    }
    Ok(t)
}

async fn groups(tx: &mut Tx, q: &Q<'_>) -> AppResult<Table> {
    let rows: Vec<(String, String, i64)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT g.name, g.convened_by, (SELECT COUNT(*) FROM working_group_member m WHERE m.group_id = g.id \
           AND m.starts_on <= $3 AND (m.ends_on IS NULL OR m.ends_on >= $2)) \
         FROM working_group g WHERE ($1 IS NULL OR g.centre_id = $1) AND g.starts_on <= $3 \
           AND (g.ends_on IS NULL OR g.ends_on >= $2) ORDER BY g.name"))
        .bind(centre(q.w)).bind(q.p.from).bind(q.p.to).fetch_all(&mut *c).await?);
    let mut t = q.table(
        "groups",
        &["report-group-name", "report-convened-by", "report-members"],
    );
    for (name, by, members) in rows {
        t.row(vec![Cell::Text(name), Cell::Text(by), Cell::Count(members)]);
    }
    Ok(t)
}

/// The action plan's indicators, planned against done: each with its activity, its
/// baseline and target, and what it was on the period's last day (computed from Skrb's
/// own data over the plan year up to that day, numerator and denominator beside it, or
/// the last approved value entered), and the activity's status.
async fn plan(tx: &mut Tx, q: &Q<'_>, actor: &Actor) -> AppResult<Table> {
    let plans = skrb_year::plans::of_period(tx, actor, centre(q.w), q.p.from, q.p.to).await?;
    let mut t = q.table(
        "plan",
        &[
            "report-plan-indicator",
            "report-plan-activity",
            "report-plan-unit",
            "report-plan-baseline",
            "report-plan-target",
            "report-plan-actual",
            "report-plan-of",
            "report-plan-status",
        ],
    );
    for (_, activities) in plans {
        for a in activities {
            for i in &a.indicators {
                let computed = i.measure.is_some();
                let value = |v: Option<i64>| match v {
                    Some(v) if computed => Cell::PerMille(v),
                    Some(v) => Cell::Count(v),
                    None => Cell::Empty,
                };
                t.row(vec![
                    Cell::Text(i.name.clone()),
                    Cell::Text(a.title.clone()),
                    Cell::Text(match (&i.measure, &i.unit) {
                        (Some(_), _) => "%".into(),
                        (None, Some(u)) => u.clone(),
                        (None, None) => String::new(),
                    }),
                    value(i.baseline),
                    value(i.target),
                    value(i.actual),
                    match &i.ratio {
                        Some(r) => {
                            Cell::Text(format!("{}\u{a0}/\u{a0}{}", r.numerator, r.denominator))
                        }
                        None => Cell::Empty,
                    },
                    Cell::Text(q.t(&format!("year-status-{}", a.status))),
                ]);
            }
        }
    }
    Ok(t)
}

/// The round tables held in the period: the partners' average rating per question (in
/// tenths) and what became of their proposals.
async fn round_table(tx: &mut Tx, q: &Q<'_>) -> AppResult<Table> {
    let ratings: Vec<(i64, i64, i64, i64, i64)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT COUNT(*), CAST(COALESCE(SUM(a.cooperation), 0) AS BIGINT), CAST(COALESCE(SUM(a.responsiveness), 0) AS BIGINT), \
           CAST(COALESCE(SUM(a.professional), 0) AS BIGINT), CAST(COALESCE(SUM(a.coordination), 0) AS BIGINT) \
         FROM round_table_answer a JOIN round_table r ON r.id = a.round_table_id \
         WHERE ($1 IS NULL OR r.centre_id = $1) AND r.held_on >= $2 AND r.held_on <= $3"))
        .bind(centre(q.w)).bind(q.p.from).bind(q.p.to).fetch_all(&mut *c).await?);
    let outcomes: Vec<(String, i64)> = sql!(tx, c => sqlx::query_as(
        &q.scoped("SELECT p.outcome, COUNT(*) FROM round_table_proposal p JOIN round_table r ON r.id = p.round_table_id \
         WHERE ($1 IS NULL OR r.centre_id = $1) AND r.held_on >= $2 AND r.held_on <= $3 GROUP BY p.outcome"))
        .bind(centre(q.w)).bind(q.p.from).bind(q.p.to).fetch_all(&mut *c).await?);
    let (answers, sums) = match ratings.first() {
        Some(&(n, a, b, c, d)) => (n, [a, b, c, d]),
        None => (0, [0; 4]),
    };
    let mut t = q.table("round-table", &["report-figure", "report-value"]);
    t.row(vec![
        Cell::Text(q.t("report-rt-answers")),
        Cell::Count(answers),
    ]);
    let sep = if q.w.locale == Locale::En { '.' } else { ',' };
    for (question, sum) in [
        "cooperation",
        "responsiveness",
        "professional",
        "coordination",
    ]
    .iter()
    .zip(sums)
    {
        // An average of whole marks 1-5, in tenths, rounded half up.
        let shown = if answers > 0 {
            let tenths = (sum * 10 + answers / 2) / answers;
            Cell::Text(format!("{}{sep}{}", tenths / 10, tenths % 10))
        } else {
            Cell::Text("—".into())
        };
        t.row(vec![
            Cell::Text(format!(
                "{}: {}",
                q.t("report-rt-average"),
                q.t(&format!("year-question-{question}"))
            )),
            shown,
        ]);
    }
    for o in ["accepted", "answered", "open"] {
        let n = outcomes.iter().filter(|r| r.0 == o).map(|r| r.1).sum();
        t.row(vec![
            Cell::Text(format!(
                "{}: {}",
                q.t("report-rt-proposals"),
                q.t(&format!("year-outcome-{o}"))
            )),
            Cell::Count(n),
        ]);
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_birthday_on_the_29th_of_february_falls_back_to_the_28th() {
        assert_eq!(born_by(date!(2014 - 12 - 31), 18), date!(1996 - 12 - 31));
        assert_eq!(born_by(date!(2016 - 02 - 29), 1), date!(2015 - 02 - 28));
    }
}
