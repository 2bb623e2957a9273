//! Official statistics: the Republika Srpska statistics institute's yearly forms SZ-1
//! (minor users), SZ-1a (adult users) and SZ-61 (the centre: staff, guardianship, foster
//! families, adoptions), and Slovenia's counts of users and rights by month. Each form is
//! a few tables in its layout (rows as the form lists them, men / women / total), read
//! with one `GROUP BY` each in one snapshot, and written as the page, XLSX and CSV.

use skrb_domain::reports::{AgeBand, Period};
use skrb_kit::db::{Db, Tx};
use skrb_kit::error::AppResult;
use skrb_kit::i18n;
use skrb_kit::sheet::{Cell, Table};
use skrb_kit::sql;

use crate::annual::{band_case, Whose, USERS};

/// The forms Skrb fills.
pub const FORMS: [&str; 4] = ["sz1", "sz1a", "sz61", "si-rights"];

/// A person counted under a heading, a band and a sex.
type Counted = (String, String, String, i64);

fn sexed(l: i18n::Locale, key: &str, first: &str) -> Table {
    Table::new(
        key,
        i18n::t(l, &format!("report-stat-{key}")),
        vec![
            i18n::t(l, first),
            i18n::t(l, "report-men"),
            i18n::t(l, "report-women"),
            i18n::t(l, "report-total"),
        ],
    )
}

/// Men, women and everyone (a person of unknown sex counts in the total only).
fn mfx(rows: &[Counted], pick: impl Fn(&Counted) -> bool) -> Vec<Cell> {
    let of = |s: Option<&str>| {
        rows.iter()
            .filter(|r| pick(r) && s.is_none_or(|s| r.2 == s))
            .map(|r| r.3)
            .sum::<i64>()
    };
    vec![
        Cell::Persons(of(Some("M"))),
        Cell::Persons(of(Some("F"))),
        Cell::Persons(of(None)),
    ]
}

fn minor_band(band: &str) -> Option<bool> {
    AgeBand::from_code(band)
        .filter(|b| *b != AgeBand::Unknown)
        .map(|b| b.minor())
}

/// Persons under each heading of `sets` (a `SELECT heading, person_id` union), by band
/// and sex on the period's last day.
async fn counted(tx: &mut Tx, w: &Whose, p: Period, sets: &str) -> AppResult<Vec<Counted>> {
    let (case, params) = band_case(p.to, 4);
    let sql = format!(
        "SELECT u.heading, {case} AS band, COALESCE(p.sex, 'X') AS sex, COUNT(*) \
         FROM ({sets}) u JOIN person p ON p.id = u.person_id GROUP BY 1, 2, 3"
    );
    Ok(sql!(tx, c => {
        let mut q = sqlx::query_as(&sql).bind(w.centre).bind(p.from).bind(p.to);
        for d in &params {
            q = q.bind(*d);
        }
        q.fetch_all(&mut *c).await?
    }))
}

/// Every form of protection a person had in the period, once per form.
const FORMS_OF_PROTECTION: &str =
    "SELECT 'foster' AS heading, person_id FROM placement WHERE ($1 IS NULL OR centre_id = $1) \
      AND setting = 'foster' AND start_on <= $3 AND (end_on IS NULL OR end_on >= $2) \
    UNION SELECT 'institution', person_id FROM placement WHERE ($1 IS NULL OR centre_id = $1) \
      AND setting = 'institution' AND start_on <= $3 AND (end_on IS NULL OR end_on >= $2) \
    UNION SELECT 'guardianship', ward_id FROM guardianship WHERE ($1 IS NULL OR centre_id = $1) \
      AND appointed_on <= $3 AND (ended_on IS NULL OR ended_on >= $2) \
    UNION SELECT 'cash', person_id FROM entitlement WHERE ($1 IS NULL OR centre_id = $1) \
      AND valid_from <= $3 AND (valid_to IS NULL OR valid_to >= $2) \
    UNION SELECT 'home_help', person_id FROM hh_agreement WHERE ($1 IS NULL OR centre_id = $1) \
      AND start_on IS NOT NULL AND start_on <= $3 AND (end_on IS NULL OR end_on >= $2) \
    UNION SELECT 'services', person_id FROM service_session WHERE ($1 IS NULL OR centre_id = $1) \
      AND held_on >= $2 AND held_on <= $3";

const PROTECTION: [&str; 6] = [
    "foster",
    "institution",
    "guardianship",
    "cash",
    "home_help",
    "services",
];

/// SZ-1 (minors) or SZ-1a (adults): users by age band, by kind of need (the catalogue's
/// legal categories of their case files) and by form of protection.
async fn users_form(tx: &mut Tx, w: &Whose, p: Period, minors: bool) -> AppResult<Vec<Table>> {
    let l = w.locale;
    let suffix = if minors { "minors" } else { "adults" };
    let all = counted(
        tx,
        w,
        p,
        &format!("SELECT 'user' AS heading, person_id FROM ({USERS}) x"),
    )
    .await?;
    let mut by_age = sexed(l, &format!("age-{suffix}"), "report-age");
    for b in AgeBand::ALL
        .iter()
        .filter(|b| **b != AgeBand::Unknown && b.minor() == minors)
    {
        let mut cells = vec![Cell::Text(b.code().to_string())];
        cells.extend(mfx(&all, |r| r.1 == b.code()));
        by_age.row(cells);
    }
    let by_age = by_age.totalled(i18n::t(l, "report-total"));

    // Kind of need: the legal category of each of the person's files open in the period.
    let needs: Vec<Counted> = counted(
        tx,
        w,
        p,
        "SELECT DISTINCT t.code AS heading, f.person_id FROM case_file f JOIN case_type t ON t.id = f.type_id \
         WHERE ($1 IS NULL OR f.centre_id = $1) AND f.opened_on <= $3 AND (f.closed_on IS NULL OR f.closed_on >= $2)",
    )
    .await?;
    let types: Vec<(String, String, String, String)> = sql!(tx, c => sqlx::query_as(
        "SELECT code, name_sl, name_sr, name_en FROM case_type ORDER BY class_code, code")
        .fetch_all(&mut *c).await?);
    let mut by_need = sexed(l, &format!("need-{suffix}"), "report-need");
    for (code, sl, sr, en) in &types {
        let rows: Vec<Counted> = needs
            .iter()
            .filter(|r| &r.0 == code && minor_band(&r.1) == Some(minors))
            .cloned()
            .collect();
        if rows.is_empty() {
            continue;
        }
        let mut cells = vec![Cell::Text(i18n::name_in(l, sl, sr, en))];
        cells.extend(mfx(&rows, |_| true));
        by_need.row(cells);
    }

    let forms = counted(tx, w, p, FORMS_OF_PROTECTION).await?;
    let mut by_form = sexed(l, &format!("protection-{suffix}"), "report-protection");
    for f in PROTECTION {
        let mut cells = vec![Cell::Text(i18n::t(l, &format!("report-protection-{f}")))];
        cells.extend(mfx(&forms, |r| {
            r.0 == f && minor_band(&r.1) == Some(minors)
        }));
        by_form.row(cells);
    }
    // A person in two kinds of need or two forms counts in both: no totals there.
    Ok(vec![by_age, by_need, by_form])
}

/// SZ-61: the centre's staff on the last day, persons under guardianship and in foster
/// families (minors and adults), foster families, minors adopted.
async fn centre_form(tx: &mut Tx, w: &Whose, p: Period) -> AppResult<Vec<Table>> {
    use skrb_domain::year::StaffKind;
    let l = w.locale;
    let staff: Vec<(String, i64)> = sql!(tx, c => sqlx::query_as(
        "SELECT kind, COUNT(*) FROM staff_member WHERE ($1 IS NULL OR centre_id = $1) \
         AND starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $2) GROUP BY kind")
        .bind(w.centre).bind(p.to).fetch_all(&mut *c).await?);
    let mut t_staff = Table::new(
        "staff",
        i18n::t(l, "report-stat-staff"),
        vec![
            i18n::t(l, "report-staff-kind"),
            i18n::t(l, "report-persons"),
        ],
    );
    for k in StaffKind::ALL {
        let n = staff.iter().filter(|r| r.0 == k.code()).map(|r| r.1).sum();
        t_staff.row(vec![
            Cell::Text(i18n::t(l, &format!("year-kind-{}", k.code()))),
            Cell::Persons(n),
        ]);
    }
    let t_staff = t_staff.totalled(i18n::t(l, "report-total"));

    let care = counted(
        tx,
        w,
        p,
        "SELECT 'guardianship' AS heading, ward_id AS person_id FROM guardianship WHERE ($1 IS NULL OR centre_id = $1) \
           AND appointed_on <= $3 AND (ended_on IS NULL OR ended_on >= $2) \
         UNION SELECT 'foster', person_id FROM placement WHERE ($1 IS NULL OR centre_id = $1) \
           AND setting = 'foster' AND start_on <= $3 AND (end_on IS NULL OR end_on >= $2) \
         UNION SELECT 'adopted', f.person_id FROM case_file f JOIN case_type t ON t.id = f.type_id \
           WHERE ($1 IS NULL OR f.centre_id = $1) AND t.code = 'adoption' AND f.closed_on >= $2 AND f.closed_on <= $3",
    )
    .await?;
    let mut t_care = sexed(l, "care", "report-figure");
    for (heading, minors, key) in [
        ("guardianship", Some(true), "report-stat-wards-minors"),
        ("guardianship", Some(false), "report-stat-wards-adults"),
        ("foster", Some(true), "report-stat-foster-minors"),
        ("foster", Some(false), "report-stat-foster-adults"),
        ("adopted", None, "report-stat-adopted"),
    ] {
        let mut cells = vec![Cell::Text(i18n::t(l, key))];
        cells.extend(mfx(&care, |r| {
            r.0 == heading && (minors.is_none() || minor_band(&r.1) == minors)
        }));
        t_care.row(cells);
    }
    let families: Vec<(i64,)> = sql!(tx, c => sqlx::query_as(
        "SELECT COUNT(*) FROM foster_carer WHERE ($1 IS NULL OR centre_id = $1) AND status IN ('approved', 'suspended') \
         AND permit_on IS NOT NULL AND permit_on <= $2")
        .bind(w.centre).bind(p.to).fetch_all(&mut *c).await?);
    let mut t_families = Table::new(
        "families",
        i18n::t(l, "report-stat-families"),
        vec![i18n::t(l, "report-figure"), i18n::t(l, "report-value")],
    );
    t_families.row(vec![
        Cell::Text(i18n::t(l, "report-foster-families")),
        Cell::Count(families.first().map(|r| r.0).unwrap_or(0)),
    ]);
    Ok(vec![t_staff, t_care, t_families])
}

/// Slovenia's counts: persons paid each right in each month of the period, and in the
/// whole period (a person paid in two months counts once there).
async fn si_rights(tx: &mut Tx, w: &Whose, p: Period) -> AppResult<Vec<Table>> {
    let l = w.locale;
    let months = p.months();
    let first = p.from.replace_day(1).unwrap_or(p.from);
    let rows: Vec<(i64, time::Date, i64)> = sql!(tx, c => sqlx::query_as(
        "SELECT l.right_id, l.month, COUNT(DISTINCT l.person_id) FROM payment_line l JOIN payment_run r ON r.id = l.run_id \
         WHERE ($1 IS NULL OR l.centre_id = $1) AND l.month >= $2 AND l.month <= $3 \
           AND l.status IN ('open', 'settled') AND r.status IN ('exported', 'settled', 'partly_returned') \
         GROUP BY l.right_id, l.month")
        .bind(w.centre).bind(first).bind(p.to).fetch_all(&mut *c).await?);
    let year: Vec<(i64, i64)> = sql!(tx, c => sqlx::query_as(
        "SELECT l.right_id, COUNT(DISTINCT l.person_id) FROM payment_line l JOIN payment_run r ON r.id = l.run_id \
         WHERE ($1 IS NULL OR l.centre_id = $1) AND l.month >= $2 AND l.month <= $3 \
           AND l.status IN ('open', 'settled') AND r.status IN ('exported', 'settled', 'partly_returned') \
         GROUP BY l.right_id")
        .bind(w.centre).bind(first).bind(p.to).fetch_all(&mut *c).await?);
    let names: Vec<(i64, String, String, String)> = sql!(tx, c => sqlx::query_as(
        "SELECT id, name_sl, name_sr, name_en FROM right_type ORDER BY id").fetch_all(&mut *c).await?);
    let mut cols = vec![i18n::t(l, "report-right")];
    cols.extend(months.iter().cloned());
    cols.push(i18n::t(l, "report-stat-in-period"));
    let mut t = Table::new(
        "rights-months",
        i18n::t(l, "report-stat-rights-months"),
        cols,
    );
    for (id, sl, sr, en) in names.iter().filter(|n| year.iter().any(|y| y.0 == n.0)) {
        let mut cells = vec![Cell::Text(i18n::name_in(l, sl, sr, en))];
        for m in &months {
            let n = rows
                .iter()
                .filter(|r| {
                    r.0 == *id && &format!("{:04}-{:02}", r.1.year(), r.1.month() as u8) == m
                })
                .map(|r| r.2)
                .sum();
            cells.push(Cell::Persons(n));
        }
        cells.push(Cell::Persons(
            year.iter().filter(|y| y.0 == *id).map(|y| y.1).sum(),
        ));
        t.row(cells);
    }
    Ok(vec![t])
}

/// The tables of a form for the period, in one read-only snapshot.
pub async fn form(db: &Db, w: &Whose, p: Period, form: &str) -> AppResult<Vec<Table>> {
    let mut tx = db.begin_read().await?;
    if let Tx::Postgres(t) = &mut tx {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut **t)
            .await?;
    }
    let tables = match form {
        "sz1" => users_form(&mut tx, w, p, true).await?,
        "sz1a" => users_form(&mut tx, w, p, false).await?,
        "sz61" => centre_form(&mut tx, w, p).await?,
        "si-rights" => si_rights(&mut tx, w, p).await?,
        _ => return Err(skrb_kit::error::AppError::NotFound),
    };
    tx.commit().await?;
    Ok(tables)
}
