//! The OpenAPI description of `/api/v1`: generated from the handlers' annotations so it
//! cannot drift from the code, then completed from what the program knows in one place
//! ([`contract`]): every path parameter typed, every error a route can answer documented
//! as problem details, code lists as enums. Contract tests (schemathesis in CI) hold the
//! running server to it.

use std::sync::OnceLock;

use axum::http::{header, Method};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::routes::Access;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// A file's bytes, as a request or response body (a type for the document only).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Binary(#[allow(dead_code)] Vec<u8>);

/// An error as the API answers it: RFC 9457 problem details, in the language of
/// `Accept-Language`. Which members appear depends on the error.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[schema(as = Problem)]
pub struct ProblemDoc {
    /// A URI naming the kind of error, e.g. `https://skrb.example/problems/validation`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// The request's id, to quote when reporting the error.
    pub instance: String,
    pub detail: Option<String>,
    /// The fields refused (422), each with its translated message and a stable code.
    pub errors: Option<Vec<FieldProblem>>,
    /// Warnings that stop a save until confirmed with a reason (422).
    pub warnings: Option<Vec<WarningProblem>>,
    /// Whether the user may save despite the warnings.
    pub may_override: Option<bool>,
    /// The record's version now, after someone else changed it (409).
    pub current_version: Option<i64>,
    /// A restricted person's id (403), and whether the user may break the glass.
    pub person_id: Option<i64>,
    pub may_break_glass: Option<bool>,
    /// How long to wait before signing in again (429; also the `Retry-After` header).
    pub retry_after_minutes: Option<i64>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
    pub code: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct WarningProblem {
    pub code: String,
    pub message: String,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Skrb API", description = "The information system for Centres for Social Work. Sign in with POST /api/v1/session and send the token as `Authorization: Bearer ...`. Errors are application/problem+json. Scripts use personal tokens (POST /api/v1/tokens), scoped to some permissions."),
    paths(
        crate::auth::web::api_login,
        crate::auth::web::api_logout,
        crate::registry::api::search,
        crate::registry::api::create_person,
        crate::registry::api::get_person,
        crate::registry::api::update_person,
        crate::registry::api::person_history,
        crate::registry::api::person_households,
        crate::registry::api::create_household,
        crate::registry::api::get_household,
        crate::registry::api::add_member,
        crate::registry::api::end_member,
        crate::registry::api::municipalities,
        crate::registry::restricted::restrict_api,
        crate::registry::restricted::break_glass_api,
        crate::registry::restricted::review_api,
        crate::registry::restricted::review_one_api,
        crate::registry::export::download,
        crate::audit::views::api,
        crate::auth::account::token_list_api,
        crate::auth::account::token_create_api,
        crate::auth::account::token_revoke_api,
        crate::auth::admin::roles_api,
        crate::auth::admin::role_put_api,
        crate::cases::api::types,
        crate::cases::api::add_type,
        crate::cases::api::set_type_active,
        crate::cases::api::intakes,
        crate::cases::api::record_intake,
        crate::cases::api::identify_intake,
        crate::cases::api::list,
        crate::cases::api::open,
        crate::cases::api::get,
        crate::cases::api::update,
        crate::cases::api::status,
        crate::cases::api::transfer,
        crate::cases::api::add_entry,
        crate::cases::api::save_draft,
        crate::cases::api::upload,
        crate::cases::api::download,
        crate::cases::api::add_plan,
        crate::cases::api::add_goal,
        crate::cases::api::add_review,
        crate::cases::api::add_task,
        crate::cases::api::task_done,
        crate::cases::api::work,
        crate::cases::api::caseloads,
        crate::cases::api::report_violence,
        crate::cases::api::add_member,
        crate::cases::api::add_measure,
        crate::partners::api::list,
        crate::partners::api::create,
        crate::partners::api::get,
        crate::partners::api::add_contact,
        crate::partners::api::link_user,
        crate::partners::api::referrals_list,
        crate::partners::api::refer,
        crate::partners::api::staff_answer,
        crate::partners::api::portal_list,
        crate::partners::api::portal_get,
        crate::partners::api::portal_answer,
        crate::rights::api::rights,
        crate::rights::api::add_right,
        crate::rights::api::params,
        crate::rights::api::add_param,
        crate::rights::api::calculate,
        crate::rights::api::renew,
        crate::rights::api::procedures,
        crate::rights::api::create,
        crate::rights::api::get,
        crate::rights::api::completion,
        crate::rights::api::input,
        crate::rights::api::decide,
        crate::rights::api::appeal,
        crate::rights::api::approve,
        crate::rights::api::deliver,
        crate::rights::api::document,
        crate::rights::api::object,
        crate::rights::api::forward,
        crate::rights::api::outcome,
        crate::rights::api::change,
        crate::rights::api::commission_list,
        crate::rights::api::commission_create,
        crate::rights::api::commission_get,
        crate::rights::api::member_add,
        crate::rights::api::session_add,
        crate::rights::api::reassess,
        crate::rights::api::session_get,
        crate::rights::api::item_add,
        crate::rights::api::session_held,
        crate::rights::api::finding,
        crate::payments::api::list,
        crate::payments::api::create,
        crate::payments::api::get,
        crate::payments::api::calculate,
        crate::payments::api::approve,
        crate::payments::api::export,
        crate::payments::api::discard,
        crate::payments::api::file,
        crate::payments::api::import,
        crate::payments::api::worklist,
        crate::payments::api::write_off,
        crate::payments::api::totals,
        crate::payments::api::account_list,
        crate::payments::api::account_save,
        crate::payments::api::of_person,
        crate::payments::api::of_entitlement,
        crate::payments::api::recoveries,
        crate::payments::api::add_recovery,
        crate::payments::api::set_payee,
    ),
    components(schemas(ProblemDoc, FieldProblem, WarningProblem, Binary)),
    modifiers(&Bearer),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// The document, made once per process.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let raw = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|_| json!({}));
        let (_, table) = super::route_table().into_parts();
        let access = table
            .iter()
            .map(|r| ((r.method.clone(), r.path), r.access))
            .collect::<Vec<_>>();
        contract(raw, &|method, path| {
            access
                .iter()
                .find(|((m, p), _)| m == method && *p == path)
                .map(|(_, a)| *a)
        })
    })
}

pub async fn document() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        axum::Json(spec()),
    )
        .into_response()
}

/// What a path parameter is, by its name in the route: ids are positive integers,
/// a bank file's place in its run counts from 1, a role is one of the roles' codes.
fn path_parameter(name: &str) -> Option<Value> {
    let id = |what: &str| {
        json!({"name": name, "in": "path", "required": true, "description": what,
               "schema": {"type": "integer", "format": "int64", "minimum": 1}, "example": 1})
    };
    Some(match name {
        "id" => id("The record's id."),
        "member" => id("The household member's person id."),
        "seq" => json!({"name": name, "in": "path", "required": true,
            "description": "The file's place among the run's bank files, from 1.",
            "schema": {"type": "integer", "format": "int32", "minimum": 1}, "example": 1}),
        "role" => {
            json!({"name": name, "in": "path", "required": true, "description": "A role's code.",
            "schema": {"type": "string", "enum": crate::auth::Role::ALL.map(|r| r.code())}})
        }
        _ => return None,
    })
}

/// The names in a route's `{...}` placeholders.
pub fn placeholders(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name))
        .collect()
}

/// Code fields and the values they take: the same lists the input is checked against
/// and the database's checks hold. `(schema, property, values)`.
pub fn code_lists() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    use crate::{cases, partners, payments, rights};
    let l = |v: &[&'static str]| v.to_vec();
    let sexes: Vec<&str> = ["M", "F", "X"].to_vec();
    let relationships: Vec<&str> = skrb_domain::person::Relationship::ALL
        .iter()
        .map(|r| r.code())
        .collect();
    vec![
        ("PersonForm", "sex", sexes.clone()),
        ("PersonOut", "sex", sexes),
        ("JoinForm", "relationship", relationships.clone()),
        ("HouseholdMember", "relationship", relationships),
        ("AccountForm", "format", l(&payments::accounts::FORMATS)),
        ("PayerAccount", "format", l(&payments::accounts::FORMATS)),
        ("BankFile", "format", l(&payments::accounts::FORMATS)),
        ("AccountForm", "funder", l(&payments::accounts::FUNDERS)),
        ("PayerAccount", "funder", l(&payments::accounts::FUNDERS)),
        ("PaymentLine", "funder", l(&payments::accounts::FUNDERS)),
        ("SummaryRow", "funder", l(&payments::accounts::FUNDERS)),
        ("PaymentLine", "status", l(&payments::LINE_STATUSES)),
        ("Run", "status", l(&payments::STATUSES)),
        ("Run", "kind", l(&payments::RUN_KINDS)),
        ("RunForm", "kind", l(&payments::RUN_KINDS)),
        ("Recovery", "kind", l(&payments::RECOVERY_KINDS)),
        ("RecoveryForm", "kind", l(&payments::RECOVERY_KINDS)),
        ("Recovery", "status", l(&payments::RECOVERY_STATUSES)),
        (
            "StatementProblem",
            "problem",
            l(&payments::STATEMENT_PROBLEMS),
        ),
        ("ApplicationForm", "channel", l(&rights::CHANNELS)),
        ("Application", "channel", l(&rights::CHANNELS)),
        ("Application", "status", l(&rights::APPLICATION_STATUSES)),
        ("ProcedureRow", "status", l(&rights::APPLICATION_STATUSES)),
        ("DecisionForm", "outcome", l(&rights::OUTCOMES)),
        ("Decision", "outcome", l(&rights::OUTCOMES)),
        ("Decision", "kind", l(&rights::DECISION_KINDS)),
        ("Decision", "status", l(&rights::DECISION_STATUSES)),
        ("Entitlement", "status", l(&rights::ENTITLEMENT_STATUSES)),
        ("DeliveryForm", "method", l(&rights::DELIVERY)),
        ("OutcomeForm", "outcome", l(&rights::APPEAL_OUTCOMES)),
        ("Appeal", "outcome", l(&rights::APPEAL_OUTCOMES)),
        ("ChangeForm", "action", l(&rights::decisions::CHANGES)),
        ("CommissionForm", "kind", l(&rights::commissions::KINDS)),
        ("Commission", "kind", l(&rights::commissions::KINDS)),
        (
            "CommissionMemberForm",
            "role",
            l(&rights::commissions::ROLES),
        ),
        ("CommissionMember", "role", l(&rights::commissions::ROLES)),
        (
            "FindingForm",
            "work_capacity",
            l(&rights::commissions::WORK_CAPACITY),
        ),
        ("FindingForm", "care_degree", l(&rights::commissions::CARE)),
        (
            "FindingForm",
            "impairment",
            l(&rights::commissions::IMPAIRMENT),
        ),
        ("Session", "status", l(&rights::SESSION_STATUSES)),
        ("Item", "purpose", l(&rights::ITEM_PURPOSES)),
        ("RightForm", "claimant", l(&rights::catalogue::CLAIMANTS)),
        ("RightType", "claimant", l(&rights::catalogue::CLAIMANTS)),
        ("RightForm", "procedure", l(&rights::catalogue::PROCEDURES)),
        ("RightType", "procedure", l(&rights::catalogue::PROCEDURES)),
        ("RightType", "jurisdiction", l(&rights::JURISDICTIONS)),
        ("ParamForm", "jurisdiction", l(&rights::JURISDICTIONS)),
        ("Param", "jurisdiction", l(&rights::JURISDICTIONS)),
        ("TypeForm", "jurisdiction", l(&rights::JURISDICTIONS)),
        ("CaseType", "jurisdiction", l(&rights::JURISDICTIONS)),
        ("CaseFile", "status", l(&cases::STATUSES)),
        ("CaseRow", "status", l(&cases::STATUSES)),
        ("MyFile", "status", l(&cases::STATUSES)),
        ("StatusForm", "status", l(&cases::STATUSES)),
        ("StatusForm", "reason", l(&cases::files::CLOSE_REASONS)),
        ("CaseType", "area", l(&cases::catalogue::AREAS)),
        ("TypeForm", "area", l(&cases::catalogue::AREAS)),
        ("Task", "source", l(&cases::TASK_SOURCES)),
        ("IntakeForm", "channel", l(&cases::intake::CHANNELS)),
        ("Intake", "channel", l(&cases::intake::CHANNELS)),
        ("IntakeForm", "problem", l(&cases::PROBLEMS)),
        ("Intake", "problem", l(&cases::PROBLEMS)),
        ("EntryForm", "kind", l(&cases::log::KINDS)),
        ("Entry", "kind", l(&cases::log::KINDS)),
        ("PlanForm", "kind", l(&cases::plans::KINDS)),
        ("Plan", "kind", l(&cases::plans::KINDS)),
        ("ReviewForm", "outcome", l(&cases::plans::OUTCOMES)),
        ("Review", "outcome", l(&cases::plans::OUTCOMES)),
        ("Goal", "status", l(&cases::plans::OUTCOMES)),
        ("MeasureForm", "kind", l(&cases::violence::MEASURES)),
        ("Measure", "kind", l(&cases::violence::MEASURES)),
        ("PartnerForm", "kind", l(&partners::directory::KINDS)),
        ("Partner", "kind", l(&partners::directory::KINDS)),
        (
            "ReferralForm",
            "direction",
            l(&partners::referrals::DIRECTIONS),
        ),
        ("Referral", "direction", l(&partners::referrals::DIRECTIONS)),
        ("Referral", "status", l(&partners::referrals::STATUSES)),
        ("AnswerForm", "status", l(&partners::referrals::STATUSES)),
    ]
}

/// Query parameters that take one of a list of codes: `(path, name, values)`.
fn query_code_lists() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    use crate::{cases, partners, rights};
    vec![
        ("/api/v1/cases", "status", cases::STATUSES.to_vec()),
        ("/api/v1/cases", "area", cases::catalogue::AREAS.to_vec()),
        ("/api/v1/cases", "problem", cases::PROBLEMS.to_vec()),
        ("/api/v1/cases", "sort", cases::SORTS.to_vec()),
        (
            "/api/v1/procedures",
            "view",
            rights::applications::VIEWS.to_vec(),
        ),
        (
            "/api/v1/rights",
            "jurisdiction",
            rights::JURISDICTIONS.to_vec(),
        ),
        (
            "/api/v1/rights/params",
            "jurisdiction",
            rights::JURISDICTIONS.to_vec(),
        ),
        (
            "/api/v1/case-types",
            "jurisdiction",
            rights::JURISDICTIONS.to_vec(),
        ),
        (
            "/api/v1/referrals",
            "status",
            partners::referrals::STATUSES.to_vec(),
        ),
        (
            "/api/v1/referrals",
            "direction",
            partners::referrals::DIRECTIONS.to_vec(),
        ),
        (
            "/api/v1/portal/referrals",
            "status",
            partners::referrals::STATUSES.to_vec(),
        ),
        (
            "/api/v1/portal/referrals",
            "direction",
            partners::referrals::DIRECTIONS.to_vec(),
        ),
    ]
}

/// A schema that takes one of `values` (and null where it took null).
fn restrict_to(schema: &mut Value, values: &[&str]) {
    let nullable = match &schema["type"] {
        Value::Array(t) => t.iter().any(|t| t == "null"),
        _ => false,
    };
    let mut list: Vec<Value> = values.iter().map(|v| json!(v)).collect();
    if nullable {
        list.push(Value::Null);
    }
    if let Some(o) = schema.as_object_mut() {
        o.insert("enum".into(), Value::Array(list));
    }
}

fn problem_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    })
}

/// Completes the generated document with what the route table and the code lists know.
pub fn contract(mut doc: Value, access: &dyn Fn(&Method, &str) -> Option<Access>) -> Value {
    let queries = query_code_lists();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(ops) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in ops.iter_mut() {
                let Ok(m) = method.to_uppercase().parse::<Method>() else {
                    continue;
                };
                complete_operation(path, op, access(&m, path), &queries);
            }
        }
    }
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for schema in schemas.values_mut() {
            if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
                for prop in props.values_mut() {
                    // Forms default every field to empty text: an empty default says
                    // nothing, and on a number it is false.
                    if prop.get("default") == Some(&json!("")) {
                        prop.as_object_mut().map(|o| o.remove("default"));
                    }
                }
            }
        }
        for (schema, property, values) in code_lists() {
            if let Some(p) = schemas
                .get_mut(schema)
                .and_then(|s| s.get_mut("properties"))
                .and_then(|p| p.get_mut(property))
            {
                restrict_to(p, &values);
            }
        }
    }
    tuples_as_fixed_arrays(&mut doc);
    doc
}

/// A Rust tuple is a JSON array of fixed places. The generator writes OpenAPI 3.1's
/// `prefixItems`, which contract testers read as draft-4 `items: [..]` and then refuse;
/// an array of exactly that many items, each of one of the places' kinds, reads the same
/// everywhere.
fn tuples_as_fixed_arrays(schema: &mut Value) {
    match schema {
        Value::Object(o) => {
            if let Some(Value::Array(places)) = o.remove("prefixItems") {
                let n = places.len();
                o.insert("items".into(), json!({ "anyOf": places }));
                o.insert("minItems".into(), json!(n));
                o.insert("maxItems".into(), json!(n));
            }
            o.values_mut().for_each(tuples_as_fixed_arrays);
        }
        Value::Array(a) => a.iter_mut().for_each(tuples_as_fixed_arrays),
        _ => {}
    }
}

fn complete_operation(
    path: &str,
    op: &mut Value,
    access: Option<Access>,
    queries: &[(&str, &str, Vec<&str>)],
) {
    let Some(o) = op.as_object_mut() else { return };
    // Tags and operation ids by context: `crate::cases::api` and `get` become `cases`
    // and `cases_get` (handlers are named by what they do within their context, so the
    // bare names repeat across contexts).
    let context = o
        .get("tags")
        .and_then(|t| t.get(0))
        .and_then(Value::as_str)
        .and_then(|t| t.split("::").nth(1))
        .map(str::to_string);
    if let Some(context) = context {
        if let Some(id) = o.get("operationId").and_then(Value::as_str) {
            let id = format!("{context}_{id}");
            o.insert("operationId".into(), json!(id));
        }
        o.insert("tags".into(), json!([context]));
    }
    let params = o
        .entry("parameters")
        .or_insert_with(|| Value::Array(Vec::new()));
    let mut has_query = false;
    if let Some(list) = params.as_array_mut() {
        for name in placeholders(path) {
            if !list.iter().any(|p| p["in"] == "path" && p["name"] == name) {
                if let Some(p) = path_parameter(name) {
                    list.push(p);
                }
            }
        }
        for p in list.iter_mut() {
            if p["in"] == "query" {
                has_query = true;
                let name = p["name"].as_str().unwrap_or("").to_string();
                if let Some((_, _, values)) =
                    queries.iter().find(|(q, n, _)| *q == path && *n == name)
                {
                    restrict_to(&mut p["schema"], values);
                }
            }
        }
    }
    if o.get("parameters")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        o.remove("parameters");
    }
    let has_body = o.contains_key("requestBody");
    let public = matches!(access, Some(Access::Public));
    let responses = o
        .entry("responses")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(r) = responses.as_object_mut() else {
        return;
    };
    let declared: Vec<String> = r.keys().cloned().collect();
    let mut add = |code: &str, what: &str| {
        let e = r.entry(code).or_insert_with(|| problem_response(what));
        // A declared error without a body gets the problem document.
        if e.get("content").is_none() {
            let d = e["description"]
                .as_str()
                .filter(|d| !d.is_empty())
                .unwrap_or(what)
                .to_string();
            *e = problem_response(&d);
        }
    };
    add(
        "400",
        "The request cannot be read: a malformed id, query or body.",
    );
    if !public {
        add(
            "401",
            "Not signed in, or the token is unknown, expired or revoked.",
        );
        add(
            "403",
            "Signed in without the permission, or the record is another centre's or restricted.",
        );
    }
    if !placeholders(path).is_empty() {
        add("404", "No such record.");
    }
    if has_body {
        add("413", "The body is too large.");
    }
    if has_body || has_query {
        add(
            "422",
            "Fields refused, each named with its message, or warnings to confirm.",
        );
    }
    for code in declared.iter().filter(|c| !c.starts_with('2')) {
        add(code, "An error.");
    }
}
