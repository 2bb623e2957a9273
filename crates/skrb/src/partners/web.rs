//! Partner pages: the directory of partner organisations, the centre's referrals, and
//! the partner portal where a partner's user reads and answers referrals to them.

use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::directory::{self, Contact, ContactForm, Partner, PartnerForm};
use super::referrals::{self, AnswerForm, ListParams, Reader, Referral, ReferralForm};
use crate::cases::manages;
use crate::cases::web::{case_page, labelled, reasons, typed};
use crate::error::AppResult;
use crate::form::{Kept, Multi, Raw};
use crate::i18n;
use crate::registry::today;
use crate::web::context::{redirect_with_flash, Signed};
use crate::web::pages::{refused as refused_page, render, Page};
use crate::web::routes::{Access, Routes};
use crate::web::AppState;

pub fn routes() -> Routes {
    use crate::auth::Permission::*;
    use Access::*;
    Routes::new()
        .get("/partners", Perm(CaseRead), partners_page)
        .post("/partners", Perm(PartnerManage), create_partner)
        .get("/partners/{id}", Perm(CaseRead), partner_page)
        .post("/partners/{id}/contacts", Perm(PartnerManage), add_contact)
        .post("/partners/{id}/users", Perm(UserAdmin), link_user)
        .get("/referrals", Perm(CaseRead), referrals_page)
        .post("/referrals", Perm(CaseWrite), create_referral)
        .post("/referrals/{id}/answer", Perm(CaseWrite), staff_answer)
        .get("/portal", Perm(ReferralAnswer), portal)
        .get(
            "/portal/referrals/{id}",
            Perm(ReferralAnswer),
            portal_referral,
        )
        .post(
            "/portal/referrals/{id}/answer",
            Perm(ReferralAnswer),
            portal_answer,
        )
}

#[derive(askama::Template)]
#[template(path = "partners.html")]
struct PartnersPage {
    page: Page,
    items: Vec<Partner>,
    q: String,
    errors: Vec<String>,
    kept: Kept,
    kinds: Vec<(&'static str, String)>,
}

async fn partners_form(
    st: &AppState,
    s: &Signed,
    q: String,
    kept: Raw,
    errors: Vec<String>,
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
        kinds: labelled(l, "partner-kind", &directory::KINDS),
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
    match directory::create(&st.db, &s.actor(), &f).await {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/partners/{id}"),
            "flash-saved",
        )),
        Err(e) => {
            let errors = reasons(e, s.ctx.locale)?;
            partners_form(&st, &s, String::new(), raw, errors).await
        }
    }
}

#[derive(askama::Template)]
#[template(path = "partner.html")]
struct PartnerPage {
    page: Page,
    p: Partner,
    contacts: Vec<Contact>,
    referrals: Vec<Referral>,
    errors: Vec<String>,
}

async fn partner_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    errors: Vec<String>,
) -> AppResult<Response> {
    let (p, contacts) = directory::get(&st.db, &s.actor(), id).await?;
    let referrals = referrals::list(
        &st.db,
        &s.actor(),
        Reader::Staff,
        &ListParams {
            partner_id: Some(id),
            ..ListParams::default()
        },
    )
    .await?;
    let refused = !errors.is_empty();
    let page = Page::new(&s.ctx, p.name.clone(), "partners");
    let res = render(&PartnerPage {
        page,
        p,
        contacts,
        referrals,
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
    match directory::add_contact(&st.db, &s.actor(), id, &f).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/partners/{id}"),
            "flash-saved",
        )),
        Err(e) => {
            let errors = reasons(e, s.ctx.locale)?;
            partner_form(&st, &s, id, errors).await
        }
    }
}

async fn link_user(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let username = raw.get("username").cloned().unwrap_or_default();
    match directory::link_user(&st.db, &s.actor(), Some(id), &username).await {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/partners/{id}"),
            "flash-saved",
        )),
        Err(e) => {
            let errors = reasons(e, s.ctx.locale)?;
            partner_form(&st, &s, id, errors).await
        }
    }
}

#[derive(askama::Template)]
#[template(path = "referrals.html")]
struct ReferralsPage {
    page: Page,
    items: Vec<Referral>,
    p: ListParams,
    statuses: Vec<(&'static str, String)>,
    portal: bool,
    unlinked: bool,
}

async fn referrals_page(
    State(st): State<AppState>,
    s: Signed,
    Query(p): Query<ListParams>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let items = referrals::list(&st.db, &s.actor(), Reader::Staff, &p).await?;
    let page = Page::new(&s.ctx, i18n::t(l, "referrals-title"), "referrals");
    Ok(render(&ReferralsPage {
        page,
        items,
        p,
        statuses: labelled(
            l,
            "referral-status",
            &[
                "waiting", "sent", "accepted", "answered", "declined", "closed",
            ],
        ),
        portal: false,
        unlinked: false,
    }))
}

async fn create_referral(
    State(st): State<AppState>,
    s: Signed,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: ReferralForm = typed(&raw)?;
    let case_id = f.case_id.trim().parse::<i64>().unwrap_or(0);
    match referrals::create(&st.db, &s.actor(), &f, manages(&s), today()).await {
        Ok(_) => Ok(redirect_with_flash(
            &format!("/cases/{case_id}#referrals"),
            "flash-referral-sent",
        )),
        Err(e) => {
            let errors = reasons(e, s.ctx.locale)?;
            case_page(&st, &s, case_id, "referrals", errors, raw).await
        }
    }
}

async fn staff_answer(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: AnswerForm = typed(&raw)?;
    referrals::answer(
        &st.db,
        &s.actor(),
        Reader::Staff,
        id,
        &f,
        manages(&s),
        today(),
    )
    .await?;
    Ok(redirect_with_flash("/referrals", "flash-saved"))
}

async fn portal(
    State(st): State<AppState>,
    s: Signed,
    Query(p): Query<ListParams>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let items = referrals::list(&st.db, &s.actor(), Reader::Partner, &p).await?;
    let page = Page::new(&s.ctx, i18n::t(l, "portal-title"), "portal");
    Ok(render(&ReferralsPage {
        page,
        items,
        p,
        statuses: labelled(
            l,
            "referral-status",
            &["waiting", "answered", "declined", "closed"],
        ),
        portal: true,
        unlinked: !referrals::linked(&st.db, s.user.id).await?,
    }))
}

#[derive(askama::Template)]
#[template(path = "portal_referral.html")]
struct PortalReferralPage {
    page: Page,
    r: Referral,
    errors: Vec<String>,
    kept: Kept,
    statuses: Vec<(&'static str, String)>,
}

async fn portal_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    kept: Raw,
    errors: Vec<String>,
) -> AppResult<Response> {
    let l = s.ctx.locale;
    let r = referrals::get_for_partner(&st.db, &s.actor(), id).await?;
    let refused = !errors.is_empty();
    let page = Page::new(&s.ctx, r.subject.clone(), "portal");
    let res = render(&PortalReferralPage {
        page,
        r,
        errors,
        kept: Kept(kept),
        statuses: labelled(l, "referral-status", &["accepted", "answered", "declined"]),
    });
    Ok(refused_page(res, refused))
}

async fn portal_referral(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    portal_form(&st, &s, id, Raw::new(), Vec::new()).await
}

async fn portal_answer(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Multi(raw): Multi<Raw>,
) -> AppResult<Response> {
    let f: AnswerForm = typed(&raw)?;
    match referrals::answer(&st.db, &s.actor(), Reader::Partner, id, &f, false, today()).await {
        Ok(()) => Ok(redirect_with_flash("/portal", "flash-referral-answered")),
        Err(e) => {
            let errors = reasons(e, s.ctx.locale)?;
            portal_form(&st, &s, id, raw, errors).await
        }
    }
}
