//! Partner pages: the directory of partner organisations, their contact people and the
//! accounts of their users. The referrals sent to a partner show on its page as a panel
//! of case work (`skrb_cases::web::referrals`).

use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::directory::{self, Contact, ContactForm, Partner, PartnerForm};
use skrb_kit::error::AppResult;
use skrb_kit::form::{go, labelled, typed, Flow};
use skrb_kit::form::{Kept, Multi, Raw};
use skrb_kit::i18n;
use skrb_kit::web::context::Signed;
use skrb_kit::web::page::{refused as refused_page, render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/partners", Perm(CaseRead), partners_page)
        .post("/partners", Perm(PartnerManage), create_partner)
        .get("/partners/{id}", Perm(CaseRead), partner_page)
        .post("/partners/{id}/contacts", Perm(PartnerManage), add_contact)
        .post("/partners/{id}/users", Perm(UserAdmin), link_user)
}

#[derive(askama::Template)]
#[template(path = "partners/partners.html")]
struct PartnersPage {
    page: Page,
    items: Vec<Partner>,
    q: String,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
    kinds: Vec<(&'static str, String)>,
}

async fn partners_form(
    st: &AppState,
    s: &Signed,
    q: String,
    kept: Raw,
    errors: Vec<skrb_kit::form::Reason>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let items = directory::list(&st.db, &s.actor(), &q).await?;
    let refused = !errors.is_empty();
    let page = Page::new(&s.ctx, i18n::t(l, "partners-title"), "partners");
    let res = render(&PartnersPage {
        page,
        items,
        q,
        errors,
        kept: Kept(kept),
        kinds: labelled(l, "partners-kind", &directory::KINDS),
    });
    Ok(refused_page(res, refused))
}

async fn partners_page(
    State(st): State<AppState>,
    s: Signed,
    Query(q): Query<Raw>,
) -> AppResult<Response> {
    partners_form(
        &st,
        &s,
        q.get("q").cloned().unwrap_or_default(),
        Raw::new(),
        Vec::new(),
    )
    .await
}

async fn create_partner(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: PartnerForm = typed(&raw)?;
    let r = directory::create(&st.db, &s.actor(), &f).await;
    Flow::new(&s)
        .then(
            r,
            |id| go(&format!("/partners/{id}"), "flash-saved"),
            |errors| partners_form(&st, &s, String::new(), raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "partners/partner.html")]
struct PartnerPage {
    page: Page,
    p: Partner,
    contacts: Vec<Contact>,
    /// What other contexts show of the partner (the referrals of case work), rendered.
    panels: Vec<String>,
    errors: Vec<skrb_kit::form::Reason>,
}

async fn partner_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    errors: Vec<skrb_kit::form::Reason>,
) -> AppResult<Response> {
    let (p, contacts) = directory::get(&st.db, &s.actor(), id).await?;
    let panels = skrb_kit::web::panels::render_all(&st.panels.partner, st, s, id).await?;
    let refused = !errors.is_empty();
    let page = Page::new(&s.ctx, p.name.clone(), "partners").crumb("/partners", "nav-partners");
    let res = render(&PartnerPage {
        page,
        p,
        contacts,
        panels,
        errors,
    });
    Ok(refused_page(res, refused))
}

async fn partner_page(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    partner_form(&st, &s, id, Vec::new()).await
}

async fn add_contact(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ContactForm = typed(&raw)?;
    let r = directory::add_contact(&st.db, &s.actor(), id, &f).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/partners/{id}"), "flash-saved"),
            |errors| partner_form(&st, &s, id, errors),
        )
        .await
}

async fn link_user(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let username = raw.get("username").cloned().unwrap_or_default();
    let r = directory::link_user(&st.db, &s.actor(), Some(id), &username).await;
    Flow::new(&s)
        .then(
            r,
            |_| go(&format!("/partners/{id}"), "flash-saved"),
            |errors| partner_form(&st, &s, id, errors),
        )
        .await
}
