//! The pieces of the API description that every context shares: binary bodies, the
//! problem document every error answers, and [`contract`], which completes a generated
//! document from what the program knows (the route table's access, code lists).

use axum::http::Method;
use serde_json::{json, Map, Value};

use super::routes::Access;

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

/// What a path parameter is, by its name in the route: ids are positive integers,
/// a bank file's place in its run counts from 1, a role is one of the roles' codes.
pub fn path_parameter(name: &str) -> Option<Value> {
    let id = |what: &str| {
        json!({"name": name, "in": "path", "required": true, "description": what,
               "schema": {"type": "integer", "format": "int64", "minimum": 1}, "example": 1})
    };
    Some(match name {
        "id" => id("The record's id."),
        "member" => id("The household member's person id."),
        "report" => id("The guardian's yearly report's id."),
        "entry" => id("The row of the programme's list."),
        "proposal" => id("The proposal (to the committee, or made at a round table)."),
        "code" => {
            json!({"name": name, "in": "path", "required": true, "description": "A centre's code.",
            "schema": {"type": "string"}, "example": "csd-velenje"})
        }
        "section" => json!({"name": name, "in": "path", "required": true,
            "description": "A narrative section of the annual report.",
            "schema": {"type": "string", "enum": skrb_domain::reports::Section::codes()}}),
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
///
/// `codes` are `(schema, property, values)` and `queries` `(path, parameter, values)`:
/// the code lists each field and query parameter takes.
pub fn contract(
    mut doc: Value,
    access: &dyn Fn(&Method, &str) -> Option<Access>,
    codes: &[(&str, &str, Vec<&str>)],
    queries: &[(&str, &str, Vec<&str>)],
) -> Value {
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(ops) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in ops.iter_mut() {
                let Ok(m) = method.to_uppercase().parse::<Method>() else {
                    continue;
                };
                complete_operation(path, op, access(&m, path), queries);
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
        for (schema, property, values) in codes {
            if let Some(p) = schemas
                .get_mut(*schema)
                .and_then(|s| s.get_mut("properties"))
                .and_then(|p| p.get_mut(*property))
            {
                restrict_to(p, values);
            }
        }
    }
    tuples_as_fixed_arrays(&mut doc);
    doc
}

/// The context a generated tag names: the handler's module path (`skrb_cases::api`,
/// or `crate::auth::web` in the app) gives `cases` and `auth`; a tag written by hand
/// (`partners`) is the context itself.
fn context_of_tag(tag: &str) -> Option<String> {
    let mut parts = tag.split("::");
    let first = parts.next()?;
    let name = match first {
        "crate" | "skrb" => parts.next()?,
        _ => first.strip_prefix("skrb_").unwrap_or(first),
    };
    Some(name.to_string())
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
    // Tags and operation ids by context: `skrb_cases::api` and `get` become `cases`
    // and `cases_get` (handlers are named by what they do within their context, so the
    // bare names repeat across contexts).
    let context = o
        .get("tags")
        .and_then(|t| t.get(0))
        .and_then(Value::as_str)
        .and_then(context_of_tag);
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
