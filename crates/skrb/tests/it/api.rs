use serde_json::json;
use skrb::auth::Role;

use crate::both;
use crate::harness::TestApp;

async fn session_and_problem_responses(app: TestApp) {
    app.user("ana", Role::SocialWorker).await;
    // Wrong password and unknown user look the same.
    for (u, p) in [("ana", "wrong password!"), ("nobody", "whatever123")] {
        let r = app
            .api(
                "POST",
                "/api/v1/session",
                None,
                Some(json!({"username": u, "password": p})),
            )
            .await;
        assert_eq!(r.status, 401);
        assert_eq!(r.header("content-type"), "application/problem+json");
        assert_eq!(r.json()["title"], "Please sign in.");
    }
    // No token, a forged token.
    assert_eq!(
        app.api("GET", "/api/v1/persons?q=a", None, None)
            .await
            .status,
        401
    );
    assert_eq!(
        app.api("GET", "/api/v1/persons?q=a", Some("forged"), None)
            .await
            .status,
        401
    );
    let token = app.token("ana").await;
    assert_eq!(
        app.api("GET", "/api/v1/persons?q=a", Some(&token), None)
            .await
            .status,
        200
    );
    // A browser session token is not an API token and vice versa.
    let r = app.page("/", &format!("skrb_session={token}")).await;
    assert_eq!(r.status, 303);
    // Malformed JSON, unknown fields, wrong types, oversized bodies: problem+json, 4xx.
    let raw = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/persons")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{\"given_name\": "))
        .unwrap();
    let r = app.send(raw).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert!(r.json()["detail"].as_str().unwrap().len() > 5);
    let r = app
        .api(
            "POST",
            "/api/v1/persons",
            Some(&token),
            Some(json!({"given_name": "A", "family_name": "B", "shoe_size": 42})),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("shoe_size"));
    let r = app
        .api(
            "POST",
            "/api/v1/persons",
            Some(&token),
            Some(json!({"given_name": "A", "family_name": "B", "municipality_id": "one"})),
        )
        .await;
    // A value of the wrong kind for a field is that field's error, in the user's language.
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["errors"][0]["field"], "municipality_id");
    assert_eq!(r.json()["errors"][0]["message"], "Unknown municipality.");
    // A structure where text belongs cannot be understood at all.
    let r = app
        .api(
            "POST",
            "/api/v1/persons",
            Some(&token),
            Some(json!({"given_name": ["A"], "family_name": "B"})),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.header("content-type"), "application/problem+json");
    let big = "x".repeat(300 * 1024);
    let r = app
        .api(
            "POST",
            "/api/v1/persons",
            Some(&token),
            Some(json!({"given_name": big, "family_name": "B"})),
        )
        .await;
    assert_eq!(r.status, 413, "{}", &r.body[..r.body.len().min(200)]);
    assert_eq!(r.header("content-type"), "application/problem+json");
    // Unknown route and unknown id.
    let r = app.api("GET", "/api/v1/nothing", Some(&token), None).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert_eq!(
        app.api("GET", "/api/v1/persons/999999", Some(&token), None)
            .await
            .status,
        404
    );
    assert_eq!(
        app.api("GET", "/api/v1/persons/abc", Some(&token), None)
            .await
            .status,
        400
    );
    // Logout ends the token.
    assert_eq!(
        app.api("DELETE", "/api/v1/session", Some(&token), None)
            .await
            .status,
        204
    );
    assert_eq!(
        app.api("GET", "/api/v1/persons?q=a", Some(&token), None)
            .await
            .status,
        401
    );
}
both!(session_and_problem_responses);

async fn disabled_user_loses_access(app: TestApp) {
    app.user("ana", Role::SocialWorker).await;
    let token = app.token("ana").await;
    skrb::auth::users::set_active(&app.db, "ana", false)
        .await
        .unwrap();
    assert_eq!(
        app.api("GET", "/api/v1/persons?q=a", Some(&token), None)
            .await
            .status,
        401
    );
    let r = app
        .api(
            "POST",
            "/api/v1/session",
            None,
            Some(json!({"username": "ana", "password": crate::harness::PASSWORD})),
        )
        .await;
    assert_eq!(r.status, 401);
}
both!(disabled_user_loses_access);

async fn openapi_describes_the_api(app: TestApp) {
    let r = app.api("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(r.status, 200);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/session",
        "/api/v1/persons",
        "/api/v1/persons/{id}",
        "/api/v1/households/{id}/members",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
both!(openapi_describes_the_api);

/// Every API route of the router is described, with each of its methods.
async fn openapi_covers_every_api_route(app: TestApp) {
    let doc = app
        .api("GET", "/api/v1/openapi.json", None, None)
        .await
        .json();
    let (_, table) = skrb::web::route_table().into_parts();
    let mut missing = Vec::new();
    for r in table
        .iter()
        .filter(|r| r.path.starts_with("/api/") && !r.path.ends_with("openapi.json"))
    {
        let method = r.method.as_str().to_lowercase();
        if doc["paths"][r.path][&method].is_null() {
            missing.push(format!("{} {}", r.method, r.path));
        }
    }
    assert!(
        missing.is_empty(),
        "not in the OpenAPI document: {missing:?}"
    );
}
both!(openapi_covers_every_api_route);

async fn roles_are_enforced(app: TestApp) {
    app.user("partner", Role::Partner).await;
    app.user("auditor", Role::Auditor).await;
    let p = app.token("partner").await;
    let a = app.token("auditor").await;
    let r = app
        .api("GET", "/api/v1/persons?q=novak", Some(&p), None)
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert_eq!(
        app.api("GET", "/api/v1/persons?q=novak", Some(&a), None)
            .await
            .status,
        200
    );
    let body = json!({"given_name": "Ana", "family_name": "Novak"});
    assert_eq!(
        app.api("POST", "/api/v1/persons", Some(&a), Some(body))
            .await
            .status,
        403
    );
    let n: i64 = skrb::sql_pool!(&app.db, c => sqlx::query_scalar("SELECT COUNT(*) FROM person").fetch_one(c).await.unwrap());
    assert_eq!(n, 0);
}
both!(roles_are_enforced);
