//! A data subject's copy of everything Skrb holds about them (GDPR article 15), as one
//! JSON document: the record, households, restriction, case files and intakes, changes,
//! and who accessed it.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use skrb_kit::audit::Action;
use skrb_kit::ids::PersonId;

use super::{access, persons};
use skrb_kit::audit::{self, Actor, Event};
use skrb_kit::db::Db;
use skrb_kit::error::AppResult;
use skrb_kit::web::context::Signed;
use skrb_kit::web::panels::ExportPart;
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::SubjectExport;
    Routes::new()
        .get(
            "/persons/{id}/export",
            Access::Perm(SubjectExport),
            download,
        )
        .get(
            "/api/v1/persons/{id}/export",
            Access::Perm(SubjectExport),
            download,
        )
}

fn date(d: Option<time::Date>) -> Value {
    d.map(|d| json!(skrb_kit::dates::iso_date(d)))
        .unwrap_or(Value::Null)
}

fn stamp(t: time::OffsetDateTime) -> Value {
    t.format(&time::format_description::well_known::Rfc3339)
        .map(Value::String)
        .unwrap_or(Value::Null)
}

/// Builds the export in one transaction and audits it as an export: the registry's
/// record, then what each other context holds of the person (`parts`, registered by the
/// app), merged into the one document.
pub async fn export(db: &Db, actor: &Actor, id: i64, parts: &[ExportPart]) -> AppResult<Value> {
    let mut tx = db.begin().await?;
    access::check(&mut tx, actor, PersonId(id)).await?;
    let p = persons::load(&mut tx, id)
        .await?
        .ok_or(skrb_kit::error::AppError::NotFound)?;
    let d = &p.data;
    let memberships = super::households::memberships(&mut tx, actor, id).await?;
    let restriction = super::restricted::restriction_of(&mut tx, id).await?;
    let accesses = audit::reads::person_accesses(&mut tx, id, 10_000).await?;
    let mut out = json!({
        "format": "skrb-subject-export/1",
        "person": {
            "id": p.id,
            "given_name": d.given_name,
            "family_name": d.family_name,
            "birth_date": date(d.birth_date),
            "sex": d.sex.map(|s| s.code()),
            "emso": d.emso,
            "citizenship": d.citizenship,
            "address": d.address,
            "postal_code": d.postal_code,
            "place": d.place,
            "municipality": p.municipality_name,
            "phone": d.phone,
            "email": d.email,
            "iban": d.iban,
            "notes": d.notes,
            "identity_override_reason": p.identity_override_reason,
            "created_at": stamp(p.created_at),
            "updated_at": stamp(p.updated_at),
        },
        "households": memberships.iter().map(|(m, others)| json!({
            "household_id": m.household_id,
            "relationship": m.relationship,
            "valid_from": date(Some(m.valid_from)),
            "valid_to": date(m.valid_to),
            "other_members": others.iter().map(|o| json!({
                "given_name": o.given_name, "family_name": o.family_name,
                "relationship": o.relationship,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "restricted": restriction.restricted,
        "access_history": accesses.iter().map(|a| json!({
            "at": stamp(a.at),
            "who": a.username,
            "action": a.action,
            "reason": a.reason,
            "changes": a.changes.as_deref().and_then(|c| serde_json::from_str::<Value>(c).ok()),
        })).collect::<Vec<_>>(),
    });
    for part in parts {
        if let (Value::Object(more), Some(all)) =
            (part(&mut tx, PersonId(id)).await?, out.as_object_mut())
        {
            all.extend(more);
        }
    }
    audit::record(
        &mut tx,
        actor,
        Event::new(Action::Export, "person", id).person(id),
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}

/// Subject-access export of one person (JSON, as a download).
#[utoipa::path(get, path = "/api/v1/persons/{id}/export", responses((status = 200, description = "Everything held about the person, as a JSON download.", body = Object)))]
async fn download(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let v = export(&st.db, &s.actor(), id, &st.panels.export).await?;
    let body = serde_json::to_string_pretty(&v).map_err(anyhow::Error::from)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"skrb-person-{id}.json\""),
            ),
        ],
        body,
    )
        .into_response())
}
