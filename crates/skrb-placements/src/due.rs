//! What falls due in public authorisations, soonest first: foster carers' yearly reviews
//! and permits running out, supervision visits of placements, guardians' reports (due,
//! returned, or waiting for the centre's approval), and placements over a family's
//! limit waiting for a second person. Each is also a task on the worker's list; this is
//! the centre's whole view of them.

use skrb_kit::audit::{self, Action, Actor, Event};
use skrb_kit::db::Db;
use skrb_kit::error::AppResult;
use skrb_kit::ids::PersonId;
use skrb_kit::sql;
use time::{Date, Duration};

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PlacementDue)]
pub struct Due {
    /// review, permit, visit, report, approval, pending
    pub kind: String,
    #[serde(serialize_with = "skrb_kit::i18n::json_date::serialize")]
    pub on: Date,
    /// Whom it is about.
    pub name: String,
    /// Where it is done.
    pub link: String,
}

impl Due {
    pub fn late(&self, today: &Date) -> bool {
        self.on < *today
    }
}

/// What falls due, as codes.
pub const KINDS: [&str; 6] = ["review", "permit", "visit", "report", "approval", "pending"];

/// How far ahead the list looks.
pub const AHEAD_DAYS: i64 = 30;

pub async fn list(db: &Db, actor: &Actor) -> AppResult<Vec<Due>> {
    let today = actor.today();
    let until = today + Duration::days(AHEAD_DAYS);
    let centre = skrb_kit::scope::centre_of(actor);
    let mut tx = db.begin().await?;
    let mut out = Vec::new();
    let carers: Vec<(i64, String, Option<Date>, Option<Date>)> = sql!(&mut tx, x => sqlx::query_as(
        "SELECT fc.id, p.given_name || ' ' || p.family_name, fc.review_on, fc.permit_until FROM foster_carer fc \
         JOIN person p ON p.id = fc.person_id WHERE ($1 IS NULL OR fc.centre_id = $1) AND fc.status = 'approved' \
         AND (fc.review_on <= $2 OR fc.permit_until <= $2)")
        .bind(centre).bind(until).fetch_all(x).await?);
    for (id, name, review, permit) in carers {
        for (kind, on) in [("review", review), ("permit", permit)] {
            if let Some(on) = on.filter(|d| *d <= until) {
                out.push(Due {
                    kind: kind.into(),
                    on,
                    name: name.clone(),
                    link: format!("/placements/carers/{id}"),
                });
            }
        }
    }
    let visits: Vec<(i64, i64, bool, String, Option<Date>, bool)> = sql!(&mut tx, x => sqlx::query_as(
        "SELECT pl.id, pl.person_id, p.restricted, p.given_name || ' ' || p.family_name, pl.next_visit_on, \
         (pl.over_limit_reason IS NOT NULL AND pl.over_limit_by IS NULL) FROM placement pl JOIN person p ON p.id = pl.person_id \
         WHERE ($1 IS NULL OR pl.centre_id = $1) AND (pl.end_on IS NULL OR pl.end_on >= $2) \
         AND (pl.next_visit_on <= $3 OR (pl.over_limit_reason IS NOT NULL AND pl.over_limit_by IS NULL))")
        .bind(centre).bind(today).bind(until).fetch_all(x).await?);
    for (id, person, restricted, name, next, pending) in visits {
        let name = if restricted
            && !skrb_registry::access::visible(&mut tx, actor, PersonId(person)).await?
        {
            "—".to_string()
        } else {
            name
        };
        if pending {
            out.push(Due {
                kind: "pending".into(),
                on: today,
                name: name.clone(),
                link: format!("/placements/{id}"),
            });
        }
        if let Some(on) = next.filter(|d| *d <= until) {
            out.push(Due {
                kind: "visit".into(),
                on,
                name,
                link: format!("/placements/{id}"),
            });
        }
    }
    let reports: Vec<(i64, i64, bool, String, Date, String)> = sql!(&mut tx, x => sqlx::query_as(
        "SELECT g.id, g.ward_id, p.restricted, p.given_name || ' ' || p.family_name, r.due_on, r.status FROM guardian_report r \
         JOIN guardianship g ON g.id = r.guardianship_id JOIN person p ON p.id = g.ward_id \
         WHERE ($1 IS NULL OR g.centre_id = $1) AND ((r.status IN ('due', 'returned') AND r.due_on <= $2) OR r.status = 'submitted')")
        .bind(centre).bind(until).fetch_all(x).await?);
    for (id, ward, restricted, name, on, status) in reports {
        let name = if restricted
            && !skrb_registry::access::visible(&mut tx, actor, PersonId(ward)).await?
        {
            "—".to_string()
        } else {
            name
        };
        let kind = if status == "submitted" {
            "approval"
        } else {
            "report"
        };
        out.push(Due {
            kind: kind.into(),
            on,
            name,
            link: format!("/placements/guardianships/{id}"),
        });
    }
    out.sort_by(|a, b| a.on.cmp(&b.on).then_with(|| a.kind.cmp(&b.kind)));
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::List, "placement_due", 0)
            .detail(serde_json::json!({ "shown": out.len() })),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}
