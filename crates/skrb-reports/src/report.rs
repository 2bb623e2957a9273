//! One annual report: whose it is and for which period (parsed from what was asked,
//! refused beyond the asker's reach), its tables read from the report database, and the
//! same report written as a workbook or a PDF. The report shows no person, only sums;
//! where it leaves the centre (the ministry's view) counts under five are hidden.

use serde::Deserialize;
use skrb_domain::reports::{Period, PeriodError};
use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::Db;
use skrb_kit::error::{AppError, AppResult, FieldError, Msg};
use skrb_kit::i18n::{self, Locale};
use skrb_kit::sheet::{Chart, Table};
use time::Date;

use crate::annual::{self, Whose};

/// What a reader asks for: a year, or a period from-to; a centre (the ministry may ask
/// for any, or none: all centres).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReportQuery {
    /// A calendar year (`2014`); ignored when `from` and `to` are given.
    pub year: Option<String>,
    /// The period's first day (`2016-01-01`).
    pub from: Option<String>,
    /// The period's last day (`2016-11-30`).
    pub to: Option<String>,
    /// A centre's code (`csd-velenje`); none: the reader's own centre, or all centres
    /// for a reader of all centres.
    pub centre: Option<String>,
    /// A unit of the centre (its number): the files of the unit and the persons living
    /// in its municipalities; none: the whole centre.
    pub unit: Option<String>,
}

fn bad(field: &'static str, key: &'static str) -> AppError {
    AppError::Validation(vec![FieldError {
        field,
        msg: Msg::new(key),
    }])
}

/// The period asked for; last year's when nothing is asked (reports are written in
/// January about the year before).
pub fn period_of(q: &ReportQuery, today: Date) -> AppResult<Period> {
    let day = |field: &'static str, v: &str| {
        Date::parse(
            v.trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| bad(field, "report-err-date"))
    };
    match (
        q.from.as_deref().filter(|s| !s.trim().is_empty()),
        q.to.as_deref().filter(|s| !s.trim().is_empty()),
    ) {
        (Some(f), Some(t)) => Period::new(day("from", f)?, day("to", t)?).map_err(|e| match e {
            PeriodError::Reversed => bad("to", "report-err-reversed"),
            PeriodError::TooLong => bad("to", "report-err-too-long"),
        }),
        (Some(_), None) => Err(bad("to", "report-err-date")),
        (None, Some(_)) => Err(bad("from", "report-err-date")),
        (None, None) => {
            let year = match q.year.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(y) => y
                    .parse::<i32>()
                    .ok()
                    .filter(|y| (2000..=2100).contains(y))
                    .ok_or_else(|| bad("year", "report-err-year"))?,
                None => today.year() - 1,
            };
            Period::year(year).ok_or_else(|| bad("year", "report-err-year"))
        }
    }
}

/// Whose report the actor may read: their own centre's; any centre's, or all centres
/// together, for a reader of all centres (the ministry) and the command line; all
/// centres for a reader of no centre (an administrator), with small counts hidden.
pub async fn whose(db: &Db, actor: &Actor, code: Option<&str>, l: Locale) -> AppResult<Whose> {
    whose_unit(db, actor, code, None, l).await
}

/// Whose report, narrowed to a unit of the centre when `unit` is given (a unit of
/// another centre is refused like the centre itself; for a reader of all centres the
/// unit names its centre).
pub async fn whose_unit(
    db: &Db,
    actor: &Actor,
    code: Option<&str>,
    unit: Option<&str>,
    l: Locale,
) -> AppResult<Whose> {
    let unit = unit.map(str::trim).filter(|u| !u.is_empty());
    let Some(unit) = unit else {
        return whose_centre(db, actor, code, l).await;
    };
    let id: i64 = unit.parse().map_err(|_| bad("unit", "err-number"))?;
    let row: Option<(String, String)> = skrb_kit::sql_pool!(db, p => sqlx::query_as(
        "SELECT c.code, u.name FROM unit u JOIN centre c ON c.id = u.centre_id WHERE u.id = $1")
        .bind(id).fetch_optional(p).await?);
    let (centre_code, name) = row.ok_or(AppError::NotFound)?;
    if code.is_some_and(|c| c.trim() != centre_code && !c.trim().is_empty()) {
        return Err(AppError::NotFound);
    }
    let mut w = whose_centre(db, actor, Some(&centre_code), l).await?;
    w.unit = Some(id);
    w.name = format!("{}, {name}", w.name);
    Ok(w)
}

async fn whose_centre(db: &Db, actor: &Actor, code: Option<&str>, l: Locale) -> AppResult<Whose> {
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    let all = match actor.scope {
        None => true,
        Some(s) => s.all_centres,
    };
    let own = actor.scope.and_then(|s| s.centre_id);
    let row: Option<(i64, String, String)> = match (code, all, own) {
        (Some(code), _, _) => {
            let r: Option<(i64, String, String)> = skrb_kit::sql_pool!(db, p => sqlx::query_as(
                "SELECT id, name, currency FROM centre WHERE code = $1").bind(code).fetch_optional(p).await?);
            let r = r.ok_or(AppError::NotFound)?;
            if !all && own != Some(r.0) {
                return Err(AppError::Refused(Msg::new("out-of-scope")));
            }
            Some(r)
        }
        (None, true, _) => None,
        (None, false, Some(id)) => skrb_kit::sql_pool!(db, p => sqlx::query_as(
            "SELECT id, name, currency FROM centre WHERE id = $1").bind(id).fetch_optional(p).await?),
        (None, false, None) => None,
    };
    Ok(match row {
        Some((id, name, currency)) => Whose {
            centre: Some(id),
            unit: None,
            name,
            currency,
            locale: l,
        },
        None => {
            // All centres: one currency per country; a mixed deployment shows the first.
            let cur: Option<(String,)> = skrb_kit::sql_pool!(db, p => sqlx::query_as(
                "SELECT currency FROM centre ORDER BY id LIMIT 1").fetch_optional(p).await?);
            Whose {
                centre: None,
                unit: None,
                name: i18n::t(l, "report-all-centres"),
                currency: cur.map(|c| c.0).unwrap_or_else(|| "EUR".into()),
                locale: l,
            }
        }
    })
}

/// A report ready to show: its tables (small counts hidden where it leaves the centre)
/// and charts.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Report {
    pub title: String,
    pub whose: String,
    pub centre_code: Option<String>,
    pub period: Period,
    pub tables: Vec<Table>,
    pub charts: Vec<Chart>,
    /// The centre's own words (a centre's report only).
    #[serde(default)]
    pub sections: Vec<crate::narrative::Narrative>,
    /// Counts of one to four persons are shown as "<5".
    pub small_hidden: bool,
    pub locale: String,
    /// What it is in a file's name (`annual-report`, `sz1`...).
    #[serde(default)]
    pub kind: String,
    /// A publication's mark (its number and fingerprint), printed under the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamp: Option<String>,
}

impl Report {
    /// The sections printed before the first table.
    pub fn sections_first(&self) -> Vec<&crate::narrative::Narrative> {
        self.sections_where(|s| s.first())
    }

    /// The sections that follow the table `key`.
    pub fn sections_after(&self, key: &str) -> Vec<&crate::narrative::Narrative> {
        self.sections_where(|s| s.after() == Some(key))
    }

    /// The sections about what no table holds, after the last table.
    pub fn sections_last(&self) -> Vec<&crate::narrative::Narrative> {
        self.sections_where(|s| !s.first() && s.after().is_none())
    }

    fn sections_where(
        &self,
        pick: impl Fn(skrb_domain::reports::Section) -> bool,
    ) -> Vec<&crate::narrative::Narrative> {
        self.sections
            .iter()
            .filter(|n| skrb_domain::reports::Section::from_code(&n.key).is_some_and(&pick))
            .collect()
    }

    pub fn table(&self, key: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.key == key)
    }

    /// The file name of a download (`letno-porocilo-csd-velenje-2014.pdf`).
    pub fn file_name(&self, ext: &str) -> String {
        let who = self.centre_code.clone().unwrap_or_else(|| "all".into());
        let when = if self.period.is_year() {
            self.period.from.year().to_string()
        } else {
            format!("{}_{}", self.period.from, self.period.to)
        };
        let kind = if self.kind.is_empty() {
            "annual-report"
        } else {
            &self.kind
        };
        format!("{kind}-{who}-{when}.{ext}")
    }
}

/// Whether a reader sees the report as it leaves the centre: a role of figures only (the
/// ministry) never sees a count small enough to recognise someone.
pub fn hides_small(perms: skrb_kit::auth::PermSet) -> bool {
    use skrb_kit::auth::Permission;
    !Permission::ALL
        .iter()
        .any(|p| !p.is_aggregate() && perms.has(*p))
}

/// Whose report and which period, as asked and allowed, and whether small counts hide.
struct Asked {
    period: Period,
    whose: Whose,
    centre_code: Option<String>,
    hide_small: bool,
}

async fn asked(
    primary: &Db,
    actor: &Actor,
    q: &ReportQuery,
    l: Locale,
    hide_small: bool,
) -> AppResult<Asked> {
    let period = period_of(q, actor.today())?;
    let whose = whose_unit(primary, actor, q.centre.as_deref(), q.unit.as_deref(), l).await?;
    let centre_code = match whose.centre {
        Some(id) => {
            let r: Option<(String,)> = skrb_kit::sql_pool!(primary, p => sqlx::query_as(
                "SELECT code FROM centre WHERE id = $1").bind(id).fetch_optional(p).await?);
            r.map(|r| r.0)
        }
        None => None,
    };
    // Small counts are shown only to the centre's own staff (and the command line, which
    // says whether to hide them): any other view is a report leaving the centre.
    let hide_small = hide_small
        || match actor.scope {
            Some(s) => s.centre_id.is_none() || s.centre_id != whose.centre,
            None => false,
        };
    Ok(Asked {
        period,
        whose,
        centre_code,
        hide_small,
    })
}

/// Records on the primary that a report was read (or downloaded): whose, which period.
async fn audited(
    primary: &Db,
    actor: &Actor,
    a: &Asked,
    action: Action,
    entity: &str,
) -> AppResult<()> {
    let what = format!(
        "{} {}..{}",
        a.centre_code.as_deref().unwrap_or("*"),
        a.period.from,
        a.period.to
    );
    let mut e = Event::about(action, entity);
    e.entity_id = a.whose.centre;
    e.reason = Some(&what);
    audit::record_apart(primary, actor, e).await?;
    Ok(())
}

/// Reads the report from `read` (the report replica, or the primary) and records on
/// `primary` that it was read, by whom, for whom and which period.
#[allow(clippy::too_many_arguments)]
pub async fn annual(
    primary: &Db,
    read: &Db,
    actor: &Actor,
    q: &ReportQuery,
    l: Locale,
    hide_small: bool,
    action: Action,
    step: &mut (dyn FnMut(usize) + Send),
) -> AppResult<Report> {
    let a = asked(primary, actor, q, l, hide_small).await?;
    let built = annual::tables(read, actor, &a.whose, a.period, step).await?;
    audited(primary, actor, &a, action, "annual_report").await?;
    // The narrative is the centre's: a unit's report is its tables.
    let sections = match (a.whose.centre, a.whose.unit) {
        (Some(id), None) => crate::narrative::sections(primary, id, a.period, l).await?,
        _ => Vec::new(),
    };
    let tables = if a.hide_small {
        built.tables.iter().map(Table::hide_small).collect()
    } else {
        built.tables
    };
    Ok(Report {
        title: i18n::t(l, "report-annual-title"),
        whose: a.whose.name,
        centre_code: a.centre_code,
        period: a.period,
        tables,
        charts: built.charts,
        sections,
        small_hidden: a.hide_small,
        locale: l.code().to_string(),
        kind: "annual-report".into(),
        stamp: None,
    })
}

/// An official statistics form (`sz1`, `sz1a`, `sz61`, `si-rights`) as a report of its
/// tables, read and recorded as [`annual`] is.
#[allow(clippy::too_many_arguments)]
pub async fn statistics(
    primary: &Db,
    read: &Db,
    actor: &Actor,
    q: &ReportQuery,
    form: &str,
    l: Locale,
    hide_small: bool,
    action: Action,
) -> AppResult<Report> {
    if !crate::statistics::FORMS.contains(&form) {
        return Err(AppError::NotFound);
    }
    let a = asked(primary, actor, q, l, hide_small).await?;
    let tables = crate::statistics::form(read, &a.whose, a.period, form).await?;
    audited(primary, actor, &a, action, "statistics_form").await?;
    Ok(Report {
        title: i18n::t(l, &format!("report-form-{form}")),
        whose: a.whose.name,
        centre_code: a.centre_code,
        period: a.period,
        tables: if a.hide_small {
            tables.iter().map(Table::hide_small).collect()
        } else {
            tables
        },
        charts: Vec::new(),
        sections: Vec::new(),
        small_hidden: a.hide_small,
        locale: l.code().to_string(),
        kind: form.to_string(),
        stamp: None,
    })
}

/// The report as a workbook: a first sheet naming it, then a sheet per table.
pub fn xlsx(r: &Report) -> anyhow::Result<Vec<u8>> {
    let l = Locale::from_code(&r.locale).unwrap_or(Locale::Sl);
    let mut cover = Table::new(
        "report",
        i18n::t(l, "report-cover"),
        vec![i18n::t(l, "report-figure"), i18n::t(l, "report-value")],
    );
    use skrb_kit::sheet::Cell;
    cover.row(vec![
        Cell::Text(r.title.clone()),
        Cell::Text(r.whose.clone()),
    ]);
    cover.row(vec![
        Cell::Text(i18n::t(l, "report-from")),
        Cell::Date(r.period.from),
    ]);
    cover.row(vec![
        Cell::Text(i18n::t(l, "report-to")),
        Cell::Date(r.period.to),
    ]);
    let mut all = vec![cover];
    all.extend(r.tables.iter().cloned());
    if r.sections.iter().any(|s| !s.body.is_empty()) {
        let mut words = Table::new(
            "sections",
            i18n::t(l, "report-sections"),
            vec![i18n::t(l, "report-section"), i18n::t(l, "report-text")],
        );
        for s in r.sections.iter().filter(|s| !s.body.is_empty()) {
            words.row(vec![
                Cell::Text(s.title.clone()),
                Cell::Text(s.body.clone()),
            ]);
        }
        all.push(words);
    }
    skrb_kit::sheet::workbook(&all, &format!("{} {}", r.title, r.whose))
}

/// Every centre's code and name, for a reader of all centres to choose from.
/// The units of a centre (number, name), by name; none for a reader of no one centre.
pub async fn units(db: &Db, centre: Option<i64>) -> AppResult<Vec<(i64, String)>> {
    let Some(centre) = centre else {
        return Ok(Vec::new());
    };
    Ok(skrb_kit::sql_pool!(db, p => sqlx::query_as(
        "SELECT id, name FROM unit WHERE centre_id = $1 ORDER BY name").bind(centre).fetch_all(p).await?))
}

pub async fn centres(db: &Db) -> AppResult<Vec<(String, String)>> {
    Ok(skrb_kit::sql_pool!(db, p => sqlx::query_as(
        "SELECT code, name FROM centre ORDER BY name").fetch_all(p).await?))
}

#[derive(askama::Template)]
#[template(path = "reports/standalone.html")]
struct Standalone<'a> {
    r: &'a Report,
    l: Locale,
    lang: &'static str,
    from: String,
    to: String,
    hidden_note: String,
}

impl Standalone<'_> {
    fn cell(&self, c: &skrb_kit::sheet::Cell, currency: &str) -> String {
        c.show(self.l, currency)
    }
    fn charts_of(&self, key: &str) -> Vec<String> {
        self.r
            .charts
            .iter()
            .filter(|c| chart_of_table(c, key))
            .map(|c| c.svg())
            .collect()
    }
}

/// The report as one HTML file with nothing to fetch (for a council's papers or e-mail).
pub fn html(r: &Report) -> anyhow::Result<String> {
    use askama::Template;
    let l = Locale::from_code(&r.locale).unwrap_or(Locale::Sl);
    Ok(Standalone {
        r,
        l,
        lang: l.html_lang(),
        from: i18n::fmt_date(l, r.period.from),
        to: i18n::fmt_date(l, r.period.to),
        hidden_note: i18n::t(l, "report-small-hidden"),
    }
    .render()?)
}

/// Whether a chart is drawn from the table `key` (its key is the table's and a column's).
pub fn chart_of_table(c: &Chart, key: &str) -> bool {
    c.key.rsplit_once('-').map(|(k, _)| k) == Some(key)
}

/// A centre's id by its code.
pub async fn centre_id(db: &Db, code: Option<&str>) -> AppResult<Option<i64>> {
    let Some(code) = code else {
        return Ok(None);
    };
    let r: Option<(i64,)> = skrb_kit::sql_pool!(db, p => sqlx::query_as(
        "SELECT id FROM centre WHERE code = $1").bind(code).fetch_optional(p).await?);
    Ok(r.map(|r| r.0))
}

/// The language the actor's centre writes in (a publication speaks it, whoever publishes).
pub async fn own_locale(db: &Db, actor: &Actor) -> AppResult<Locale> {
    let centre = skrb_kit::scope::own_centre(actor)?;
    let r: Option<(String,)> = skrb_kit::sql_pool!(db, p => sqlx::query_as(
        "SELECT jurisdiction FROM centre WHERE id = $1").bind(centre).fetch_optional(p).await?);
    Ok(r.map(|r| skrb_rights::decisions::centre_locale(&r.0))
        .unwrap_or(Locale::Sl))
}

/// The dashboard of the reader's centre (or any, or all, for a reader of all centres),
/// read from the report database; the reading is recorded on the primary.
pub async fn dashboard(
    primary: &Db,
    read: &Db,
    actor: &Actor,
    centre: Option<&str>,
    l: Locale,
) -> AppResult<(Whose, Vec<crate::dashboard::Panel>)> {
    let whose = whose(primary, actor, centre, l).await?;
    let panels = crate::dashboard::panels(read, &whose, actor.today()).await?;
    let mut e = Event::about(Action::Read, "dashboard");
    e.entity_id = whose.centre;
    audit::record_apart(primary, actor, e).await?;
    Ok((whose, panels))
}
