use skrb::auth::Role;

use crate::both;
use crate::harness::TestApp;

fn location(r: &crate::harness::Res) -> String {
    r.header("location")
}

/// The issue's "done" journey: a person typed in Serbian Cyrillic is found by an ASCII
/// search in the English UI; the language choice is remembered on the account.
async fn cyrillic_person_found_from_english_ui(app: TestApp) {
    app.user("sonja", Role::SocialWorker).await;
    // Not signed in: to the login page, and back afterwards.
    let r = app.page("/persons?q=x", "").await;
    assert_eq!(r.status, 303);
    assert!(
        location(&r).starts_with("/login?next=/persons"),
        "{}",
        location(&r)
    );
    // Wrong password: the form again, with the username kept.
    let pre = app.pre_cookie().await;
    let r = app
        .form(
            "/login",
            &pre,
            &[("username", "sonja"), ("password", "nope nope nope")],
        )
        .await;
    assert_eq!(r.status, 401);
    assert!(r.body.contains("value=\"sonja\""));
    let c = app.browser_login("sonja").await;
    // Switch to Serbian Cyrillic.
    let r = app
        .form(
            "/lang",
            &c,
            &[("lang", "sr-Cyrl"), ("back", "/persons/new")],
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(location(&r), "/persons/new");
    let r = app.page("/persons/new", &c).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<html lang=\"sr-Cyrl\""));
    assert!(r.body.contains("Нова особа"), "Cyrillic UI");
    let r = app
        .form(
            "/persons/new",
            &c,
            &[
                ("given_name", "Љиљана"),
                ("family_name", "Ђорђевић"),
                ("birth_date", "1970-02-03"),
                ("sex", "F"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let person_url = location(&r);
    assert!(person_url.starts_with("/persons/"));
    let page = app
        .page(
            &person_url,
            &format!("{c}; skrb_flash=registry-person-created"),
        )
        .await;
    assert!(
        page.body.contains("Особа је сачувана."),
        "flash in Cyrillic"
    );
    assert!(page.body.contains("3. 2. 1970."), "Serbian date format");
    // Serbian Latin is derived from the Cyrillic texts.
    app.form("/lang", &c, &[("lang", "sr-Latn"), ("back", "/")])
        .await;
    assert!(app
        .page(&person_url, &c)
        .await
        .body
        .contains("Datum rođenja"));
    // English, and an ASCII search.
    app.form("/lang", &c, &[("lang", "en"), ("back", "/")])
        .await;
    let r = app.page("/persons?q=ljiljana+djordjevic", &c).await;
    assert!(r.body.contains("<html lang=\"en\""));
    assert!(r.body.contains("1 result"), "{}", r.body);
    assert!(r.body.contains("Ђорђевић Љиљана"));
    // htmx asks for the result list only.
    let req = axum::http::Request::builder()
        .uri("/persons?q=dordevic")
        .header("cookie", &c)
        .header("hx-request", "true")
        .body(axum::body::Body::empty())
        .unwrap();
    let r = app.send(req).await;
    assert!(!r.body.contains("<html"));
    assert!(r.body.contains("Ђорђевић Љиљана"));
    // Remembered on the account: a new session starts in English.
    let c2 = app.browser_login("sonja").await;
    assert!(app
        .page("/", &c2)
        .await
        .body
        .contains("Welcome, sonja name"));
}
both!(cyrillic_person_found_from_english_ui);

/// Bad input re-renders the form with the input kept and translated messages; names with
/// HTML are stored as typed and shown escaped.
async fn forms_keep_input_and_escape_html(app: TestApp) {
    app.user("sonja", Role::SocialWorker).await;
    let c = app.browser_login("sonja").await;
    app.form("/lang", &c, &[("lang", "sl"), ("back", "/")])
        .await;
    let r = app
        .form(
            "/persons/new",
            &c,
            &[
                ("given_name", "Ana"),
                ("family_name", ""),
                ("iban", "SI56 1234"),
                ("phone", "041 222 333"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Polje je obvezno."));
    assert!(r.body.contains("To ni veljaven IBAN"));
    assert!(r.body.contains("value=\"041 222 333\""), "input kept");
    assert!(r.body.contains("value=\"SI56 1234\""));
    // The error summary at the top links to each field with a problem.
    let summary = r
        .body
        .split("govuk-error-summary__list")
        .nth(1)
        .expect("an error summary")
        .split("</ul>")
        .next()
        .unwrap_or("");
    assert!(summary.contains("href=\"#f-family_name\""), "{summary}");
    assert!(summary.contains("href=\"#f-iban\""), "{summary}");
    assert!(!summary.contains("href=\"#f-phone\""), "{summary}");
    assert!(r.body.contains("id=\"f-family_name\""));
    let r = app
        .form(
            "/persons/new",
            &c,
            &[
                ("given_name", "<script>alert(1)</script>"),
                ("family_name", "O'Brien & \"Sons\""),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = app.page(&location(&r), &c).await;
    assert!(
        page.body.contains(
            "<h1>&#60;script&#62;alert(1)&#60;/script&#62; O&#39;Brien &#38; &#34;Sons&#34;</h1>"
        ),
        "escaped"
    );
    assert!(!page.body.contains("<script>alert(1)"));
    // Security headers on every page.
    assert!(page
        .header("content-security-policy")
        .contains("frame-ancestors 'none'"));
    assert_eq!(page.header("x-content-type-options"), "nosniff");
    // A cross-site form post is refused before anything happens.
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/persons/new")
        .header("cookie", &c)
        .header("host", "skrb.local")
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from("given_name=X&family_name=Y"))
        .unwrap();
    assert_eq!(app.send(req).await.status, 403);
}
both!(forms_keep_input_and_escape_html);

/// Two people edit the same person: the second gets a conflict with their input kept and
/// the value now saved shown beside the field.
async fn edit_conflict_in_the_browser(app: TestApp) {
    app.user("sonja", Role::SocialWorker).await;
    app.user("vesna", Role::HeadOfUnit).await;
    let c1 = app.browser_login("sonja").await;
    let c2 = app.browser_login("vesna").await;
    app.form("/lang", &c1, &[("lang", "en"), ("back", "/")])
        .await;
    let r = app
        .form(
            "/persons/new",
            &c1,
            &[
                ("given_name", "Peter"),
                ("family_name", "Kralj"),
                ("place", "Velenje"),
            ],
        )
        .await;
    let url = location(&r);
    let edit = format!("{url}/edit");
    let form = app.page(&edit, &c1).await;
    assert!(form.body.contains("name=\"version\" value=\"1\""));
    let r = app
        .form(
            &edit,
            &c2,
            &[
                ("given_name", "Peter"),
                ("family_name", "Kralj"),
                ("place", "Šoštanj"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = app
        .form(
            &edit,
            &c1,
            &[
                ("given_name", "Peter"),
                ("family_name", "Kralj"),
                ("place", "Šmartno ob Paki"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 409);
    assert!(r
        .body
        .contains("Someone else saved this record while you were editing"));
    assert!(
        r.body.contains("value=\"Šmartno ob Paki\""),
        "my input is kept"
    );
    assert!(
        r.body.contains("now saved: Šoštanj"),
        "their value is shown"
    );
    assert!(
        r.body.contains("name=\"version\" value=\"2\""),
        "saving again applies on top of theirs"
    );
    // Saving again after review works.
    let r = app
        .form(
            &edit,
            &c1,
            &[
                ("given_name", "Peter"),
                ("family_name", "Kralj"),
                ("place", "Šmartno ob Paki"),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = app.page(&url, &c1).await;
    assert!(page.body.contains("Šmartno ob Paki"));
    assert!(page.body.contains("History of changes"));
    assert!(
        page.body.contains("Place: Šoštanj → Šmartno ob Paki"),
        "history names the field in the user's language"
    );
    // Values are shown in words: the municipality's name, the sex.
    let m: i64 = skrb::sql_pool!(&app.db, p => {
        let centre: i64 = sqlx::query_scalar("INSERT INTO centre (code, name, jurisdiction, currency) VALUES ('c', 'CSD', 'SI', 'EUR') RETURNING id").fetch_one(p).await.unwrap();
        sqlx::query_scalar("INSERT INTO municipality (centre_id, code, name) VALUES ($1, '133', 'Velenje') RETURNING id").bind(centre).fetch_one(p).await.unwrap()
    });
    let m = m.to_string();
    let fields = [
        ("given_name", "Peter"),
        ("family_name", "Kralj"),
        ("place", "Šmartno ob Paki"),
        ("municipality_id", m.as_str()),
        ("sex", "M"),
        ("version", "3"),
    ];
    let r = app.form(&edit, &c1, &fields).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = app.page(&url, &c1).await;
    assert!(
        page.body.contains("Municipality: — → Velenje"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Sex: — → Male"));
}
both!(edit_conflict_in_the_browser);

/// Households in the browser: create around a head, add a member, move someone.
async fn households_in_the_browser(app: TestApp) {
    app.user("sonja", Role::SocialWorker).await;
    let c = app.browser_login("sonja").await;
    app.form("/lang", &c, &[("lang", "en"), ("back", "/")])
        .await;
    let a = location(
        &app.form(
            "/persons/new",
            &c,
            &[("given_name", "Maja"), ("family_name", "Golob")],
        )
        .await,
    );
    let b = location(
        &app.form(
            "/persons/new",
            &c,
            &[("given_name", "Luka"), ("family_name", "Golob")],
        )
        .await,
    );
    let a_id = a.trim_start_matches("/persons/");
    let b_id = b.trim_start_matches("/persons/");
    let form = app.page(&format!("/households/new?head={a_id}"), &c).await;
    assert!(form.body.contains(&format!("value=\"{a_id}\"")));
    let r = app
        .form(
            "/households/new",
            &c,
            &[("head_person_id", a_id), ("address", "Koroška cesta 5")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let h = location(&r);
    let r = app
        .form(
            &format!("{h}/members"),
            &c,
            &[
                ("person_id", b_id),
                ("relationship", "child"),
                ("valid_from", "2020-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let page = app.page(&h, &c).await;
    assert!(
        page.body.contains("Luka Golob") && page.body.contains(">child<"),
        "{}",
        page.body
    );
    // An unknown person: the household page again, with the error.
    let r = app
        .form(
            &format!("{h}/members"),
            &c,
            &[("person_id", "424242"), ("relationship", "child")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Unknown person."));
    let person = app.page(&b, &c).await;
    assert!(
        person.body.contains("Maja Golob"),
        "household members on the person page"
    );
    // Luka leaves the household; it shows him among former members.
    let luka: i64 = skrb::sql_pool!(&app.db, p => sqlx::query_scalar("SELECT id FROM household_member WHERE person_id = $1")
        .bind(b_id.parse::<i64>().unwrap()).fetch_one(p).await.unwrap());
    let r = app
        .form(
            &format!("{h}/members/{luka}/end"),
            &c,
            &[("valid_to", "2024-01-01")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = app.page(&h, &c).await;
    assert!(page.body.contains("Former members"));
    let r = app
        .form(
            &format!("{h}/members/{luka}/end"),
            &c,
            &[("valid_to", "2024-02-01")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("This membership has already ended."));
}
both!(households_in_the_browser);

/// Unknown pages and records get a translated error page, not a stack trace.
async fn error_pages(app: TestApp) {
    app.user("sonja", Role::Partner).await;
    let c = app.browser_login("sonja").await;
    app.form("/lang", &c, &[("lang", "sl"), ("back", "/")])
        .await;
    let r = app.page("/persons/987654", &c).await;
    assert_eq!(r.status, 403, "partners see no registry");
    assert!(r.body.contains("Za to nimate dovoljenja."));
    let r = app.page("/no/such/page", &c).await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Stran ali zapis ne obstaja."));
    assert!(r.body.contains("<html lang=\"sl\""));
}
both!(error_pages);

/// The style sheet and scripts travel gzipped to a browser that takes it (a tenth of the
/// bytes on a phone), exactly the same once unpacked; a client that does not gets text.
async fn assets_travel_gzipped(app: TestApp) {
    use std::io::Read;
    use tower::ServiceExt;
    let get = |enc: Option<&'static str>| {
        let mut b = axum::http::Request::builder().uri("/assets/skrb.css");
        if let Some(e) = enc {
            b = b.header("accept-encoding", e);
        }
        let req = b.body(axum::body::Body::empty()).expect("request");
        let router = app.router.clone();
        async move {
            let res = router.oneshot(req).await.expect("router");
            let headers = res.headers().clone();
            let bytes = http_body_util::BodyExt::collect(res.into_body())
                .await
                .expect("body")
                .to_bytes();
            (headers, bytes)
        }
    };
    let (plain_h, plain) = get(None).await;
    assert!(plain_h.get("content-encoding").is_none());
    assert!(plain.len() > 100_000, "{} bytes", plain.len());
    let (h, zipped) = get(Some("gzip, deflate, br")).await;
    assert_eq!(
        h.get("content-encoding").map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );
    assert_eq!(
        h.get("vary").map(|v| v.as_bytes()),
        Some(&b"accept-encoding"[..])
    );
    assert!(
        zipped.len() * 4 < plain.len(),
        "{} of {} bytes",
        zipped.len(),
        plain.len()
    );
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(&zipped[..])
        .read_to_end(&mut unpacked)
        .expect("gzip");
    assert_eq!(unpacked, plain.to_vec());
}
both!(assets_travel_gzipped);
