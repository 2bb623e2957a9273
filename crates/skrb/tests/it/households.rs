use serde_json::{json, Value};
use skrb::auth::Role;

use crate::both;
use crate::harness::TestApp;

async fn person(app: &TestApp, t: &str, given: &str) -> i64 {
    let r = app
        .api(
            "POST",
            "/api/v1/persons",
            Some(t),
            Some(json!({"given_name": given, "family_name": "Mlakar"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_i64().unwrap()
}

fn member(h: &Value, person: i64) -> Vec<&Value> {
    h["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["person_id"] == person)
        .collect()
}

/// Members with relationships; a move ends the old membership the day before and keeps it.
async fn households_and_moves(app: TestApp) {
    app.user("sw", Role::SocialWorker).await;
    let t = app.token("sw").await;
    let (a, b, c) = (
        person(&app, &t, "Ana").await,
        person(&app, &t, "Bor").await,
        person(&app, &t, "Cvetka").await,
    );
    let r = app.api("POST", "/api/v1/households", Some(&t), Some(json!({"head_person_id": a, "address": "Šaleška cesta 3", "valid_from": "2020-01-01"}))).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let h1 = r.json()["household"]["id"].as_i64().unwrap();
    let r = app
        .api(
            "POST",
            &format!("/api/v1/households/{h1}/members"),
            Some(&t),
            Some(json!({"person_id": b, "relationship": "spouse", "valid_from": "2021-06-01"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // A second head, a member twice, an unknown relationship, a bad date: refused.
    for (body, field) in [
        (
            json!({"person_id": c, "relationship": "head"}),
            "relationship",
        ),
        (
            json!({"person_id": b, "relationship": "child"}),
            "person_id",
        ),
        (
            json!({"person_id": c, "relationship": "cousin"}),
            "relationship",
        ),
        (
            json!({"person_id": c, "relationship": "child", "valid_from": "yesterday"}),
            "valid_from",
        ),
        (
            json!({"person_id": 99999, "relationship": "child"}),
            "person_id",
        ),
    ] {
        let r = app
            .api(
                "POST",
                &format!("/api/v1/households/{h1}/members"),
                Some(&t),
                Some(body),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.json()["errors"][0]["field"], field);
    }
    // Cvetka founds a household; Bor moves there on 1 March 2024.
    let h2 = app
        .api(
            "POST",
            "/api/v1/households",
            Some(&t),
            Some(json!({"head_person_id": c, "valid_from": "2019-01-01"})),
        )
        .await
        .json()["household"]["id"]
        .as_i64()
        .unwrap();
    // A move dated before the current membership began is refused.
    let r = app
        .api(
            "POST",
            &format!("/api/v1/households/{h2}/members"),
            Some(&t),
            Some(json!({"person_id": b, "relationship": "partner", "valid_from": "2021-01-01"})),
        )
        .await;
    assert_eq!(r.status, 422);
    let r = app
        .api(
            "POST",
            &format!("/api/v1/households/{h2}/members"),
            Some(&t),
            Some(json!({"person_id": b, "relationship": "partner", "valid_from": "2024-03-01"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let old = app
        .api("GET", &format!("/api/v1/households/{h1}"), Some(&t), None)
        .await
        .json();
    let left = member(&old, b);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["valid_from"], "2021-06-01");
    assert_eq!(left[0]["valid_to"], "2024-02-29");
    let new = app
        .api("GET", &format!("/api/v1/households/{h2}"), Some(&t), None)
        .await
        .json();
    assert_eq!(member(&new, b)[0]["relationship"], "partner");
    assert_eq!(member(&new, b)[0]["valid_to"], Value::Null);
    // The person's own view lists both memberships, newest first.
    let mine = app
        .api(
            "GET",
            &format!("/api/v1/persons/{b}/households"),
            Some(&t),
            None,
        )
        .await
        .json();
    let hs: Vec<i64> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["household_id"].as_i64().unwrap())
        .collect();
    assert_eq!(hs, vec![h2, h1]);
}
both!(households_and_moves);

/// A membership ends without a move; the record stays, with its end date.
async fn ending_a_membership(app: TestApp) {
    app.user("sw", Role::SocialWorker).await;
    let t = app.token("sw").await;
    let (a, b) = (person(&app, &t, "Ana").await, person(&app, &t, "Bor").await);
    let h = app
        .api(
            "POST",
            "/api/v1/households",
            Some(&t),
            Some(json!({"head_person_id": a, "valid_from": "2020-01-01"})),
        )
        .await
        .json();
    let hid = h["household"]["id"].as_i64().unwrap();
    let added = app
        .api(
            "POST",
            &format!("/api/v1/households/{hid}/members"),
            Some(&t),
            Some(json!({"person_id": b, "relationship": "child", "valid_from": "2020-05-01"})),
        )
        .await
        .json();
    let mid = member(&added, b)[0]["id"].as_i64().unwrap();
    let end = |to: &str| Some(json!({ "valid_to": to }));
    let path = format!("/api/v1/households/{hid}/members/{mid}/end");
    // Before it began: refused; an unknown member: not found.
    let r = app.api("POST", &path, Some(&t), end("2020-04-30")).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["errors"][0]["field"], "valid_to");
    let r = app
        .api(
            "POST",
            &format!("/api/v1/households/{hid}/members/999999/end"),
            Some(&t),
            end("2024-01-01"),
        )
        .await;
    assert_eq!(r.status, 404);
    let r = app.api("POST", &path, Some(&t), end("2024-08-31")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(member(&r.json(), b)[0]["valid_to"], "2024-08-31");
    // Ending it twice is refused; the first end date stays.
    assert_eq!(
        app.api("POST", &path, Some(&t), end("2024-09-30"))
            .await
            .status,
        422
    );
    let now = app
        .api("GET", &format!("/api/v1/households/{hid}"), Some(&t), None)
        .await
        .json();
    assert_eq!(member(&now, b)[0]["valid_to"], "2024-08-31");
    // Later the person founds a household of their own.
    let r = app
        .api(
            "POST",
            "/api/v1/households",
            Some(&t),
            Some(json!({"head_person_id": b, "valid_from": "2024-09-01"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
}
both!(ending_a_membership);
