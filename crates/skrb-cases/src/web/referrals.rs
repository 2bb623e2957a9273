//! Referral pages: the centre's referrals, and the partner portal where a partner's user
//! reads and answers the referrals to their organisation.

use axum::extract::{Path, Query, State};
use axum::response::Response;

use super::{case_page, flow};
use crate::manages;
use crate::referrals::{self, AnswerForm, ListParams, Reader, Referral, ReferralForm};
use skrb_domain::cases::ReferralStatus;
use skrb_kit::error::AppResult;
use skrb_kit::form::{go, labelled, typed, Kept, Multi, Raw};
use skrb_kit::i18n;
use skrb_kit::web::context::{redirect_with_flash, Signed};
use skrb_kit::web::page::{refused as refused_page, render, Page};
use skrb_kit::web::routes::{Access, Routes};
use skrb_kit::web::AppState;

pub fn routes() -> Routes {
    use skrb_kit::auth::Permission::*;
    use Access::*;
    Routes::new()
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
#[template(path = "cases/referrals.html")]
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
    let page = Page::new(&s.ctx, i18n::t(l, "cases-referrals-title"), "referrals");
    Ok(render(&ReferralsPage {
        page,
        items,
        p,
        statuses: labelled(
            l,
            "cases-referral-status",
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
    let r = referrals::create(&st.db, &s.actor(), &f, manages(&s), s.today()).await;
    flow(&s)
        .then(
            r,
            |_| {
                go(
                    &format!("/cases/{case_id}#referrals"),
                    "cases-flash-referral-sent",
                )
            },
            |errors| case_page(&st, &s, case_id, "referrals", errors, raw),
        )
        .await
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
        s.today(),
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
    let page = Page::new(&s.ctx, i18n::t(l, "cases-portal-title"), "portal");
    Ok(render(&ReferralsPage {
        page,
        items,
        p,
        statuses: labelled(
            l,
            "cases-referral-status",
            &["waiting", "answered", "declined", "closed"],
        ),
        portal: true,
        unlinked: !referrals::linked(&st.db, s.user.id).await?,
    }))
}

#[derive(askama::Template)]
#[template(path = "cases/portal_referral.html")]
struct PortalReferralPage {
    page: Page,
    r: Referral,
    errors: Vec<skrb_kit::form::Reason>,
    kept: Kept,
    statuses: Vec<(&'static str, String)>,
}

async fn portal_form(
    st: &AppState,
    s: &Signed,
    id: i64,
    kept: Raw,
    errors: Vec<skrb_kit::form::Reason>,
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
        statuses: labelled(
            l,
            "cases-referral-status",
            &["accepted", "answered", "declined"],
        ),
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
    let r = referrals::answer(
        &st.db,
        &s.actor(),
        Reader::Partner,
        id,
        &f,
        false,
        s.today(),
    )
    .await;
    flow(&s)
        .then(
            r,
            |_| go("/portal", "cases-flash-referral-answered"),
            |errors| portal_form(&st, &s, id, raw, errors),
        )
        .await
}

#[derive(askama::Template)]
#[template(path = "cases/partner_panel.html")]
struct PartnerPanel {
    page: Page,
    referrals: Vec<Referral>,
}

/// The referrals to and from a partner, on the partner's page.
pub fn partner_panel<'a>(
    st: &'a AppState,
    s: &'a Signed,
    partner_id: i64,
) -> skrb_kit::web::panels::Rendered<'a> {
    Box::pin(async move {
        let referrals = referrals::list(
            &st.db,
            &s.actor(),
            Reader::Staff,
            &ListParams {
                partner_id: Some(partner_id),
                ..ListParams::default()
            },
        )
        .await?;
        let page = Page::new(&s.ctx, String::new(), "partners");
        Ok(Some(
            askama::Template::render(&PartnerPanel { page, referrals }).map_err(|e| {
                skrb_kit::error::AppError::Internal(anyhow::anyhow!("template: {e}"))
            })?,
        ))
    })
}
