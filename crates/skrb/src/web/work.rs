//! *My work*: each role's real work on one page, gathered from the contexts that hold
//! it (the app layer may read every context's use cases): a social worker's tasks and
//! files, a rights officer's procedures by deadline, an approver's decisions and payment
//! runs waiting for the second person, finance's held and returned payments.

use axum::extract::State;
use axum::response::Response;
use time::Date;

use skrb_cases::tasks::{self, MyWork};
use skrb_kit::auth::Permission;
use skrb_kit::error::AppResult;
use skrb_kit::i18n;
use skrb_kit::web::context::Signed;
use skrb_kit::web::page::{render, Page};
use skrb_kit::web::AppState;
use skrb_payments::runs::Run;
use skrb_rights::applications::{self, ProcedureRow};

/// Rows a section shows before "all".
const SHOWN: usize = 15;

#[derive(askama::Template)]
#[template(path = "work.html")]
struct WorkPage {
    page: Page,
    today: Date,
    w: Option<MyWork>,
    procedures: Option<Vec<ProcedureRow>>,
    procedures_total: usize,
    approvals: Option<Vec<ProcedureRow>>,
    runs: Option<Vec<Run>>,
    worklist: Option<i64>,
    glass: Option<i64>,
}

impl WorkPage {
    fn left(&self, r: &ProcedureRow) -> String {
        r.left_words(self.page.locale, self.today)
    }
    fn late(&self, r: &ProcedureRow) -> bool {
        r.late(self.today)
    }
    fn nothing(&self) -> bool {
        self.w.is_none()
            && self.procedures.as_ref().is_none_or(Vec::is_empty)
            && self.approvals.as_ref().is_none_or(Vec::is_empty)
            && self.runs.as_ref().is_none_or(Vec::is_empty)
            && self.worklist.is_none_or(|n| n == 0)
            && self.glass.is_none_or(|n| n == 0)
    }
}

pub async fn my_work(State(st): State<AppState>, s: Signed) -> AppResult<Response> {
    let today = s.today();
    let actor = s.actor();
    let db = &st.db;
    let w = if s.may(Permission::CaseRead) {
        Some(tasks::my_work(db, &actor, today).await?)
    } else {
        None
    };
    let (procedures, procedures_total) = if s.may(Permission::RightDecide) {
        let mut all = applications::procedures(db, &actor, "mine", today).await?;
        let n = all.len();
        all.truncate(SHOWN);
        (Some(all), n)
    } else {
        (None, 0)
    };
    let approvals = if s.may(Permission::RightApprove) {
        let mut a = applications::procedures(db, &actor, "approval", today).await?;
        a.truncate(SHOWN);
        Some(a)
    } else {
        None
    };
    let runs = if s.may(Permission::PaymentApprove) || s.may(Permission::PaymentRun) {
        let approve = s.may(Permission::PaymentApprove);
        let run = s.may(Permission::PaymentRun);
        let list = skrb_payments::runs::list(db, &actor, 50).await?;
        Some(
            list.into_iter()
                .filter(|r| {
                    use skrb_domain::payments::states::RunStatus::*;
                    match r.status {
                        Calculated => approve,
                        Draft | Approved => run,
                        _ => false,
                    }
                })
                .take(SHOWN)
                .collect(),
        )
    } else {
        None
    };
    let worklist = if s.may(Permission::PaymentRun) {
        Some(skrb_payments::history::worklist_count(db, &actor).await?)
    } else {
        None
    };
    let glass = if s.may(Permission::GlassReview) {
        Some(skrb_registry::restricted::pending_count(db, &actor).await?)
    } else {
        None
    };
    let page = Page::new(&s.ctx, i18n::t(s.ctx.locale, "cases-work-title"), "work");
    Ok(render(&WorkPage {
        page,
        today,
        w,
        procedures,
        procedures_total,
        approvals,
        runs,
        worklist,
        glass,
    }))
}
