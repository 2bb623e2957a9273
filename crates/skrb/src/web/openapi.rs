//! The OpenAPI description of `/api/v1`: generated from the handlers' annotations so it
//! cannot drift from the code, then completed from what the program knows in one place
//! ([`contract`]): every path parameter typed, every error a route can answer documented
//! as problem details, code lists as enums. Contract tests (schemathesis in CI) hold the
//! running server to it.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
pub use skrb_kit::web::openapi::{
    contract, placeholders, Binary, FieldProblem, ProblemDoc, WarningProblem,
};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

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

#[derive(OpenApi)]
#[openapi(
    info(title = "Skrb API", description = "The information system for Centres for Social Work. Sign in with POST /api/v1/session and send the token as `Authorization: Bearer ...`. Errors are application/problem+json. Scripts use personal tokens (POST /api/v1/tokens), scoped to some permissions."),
    paths(
        crate::auth::web::api_login,
        crate::auth::web::api_logout,
        skrb_registry::api::search,
        skrb_registry::api::create_person,
        skrb_registry::api::get_person,
        skrb_registry::api::update_person,
        skrb_registry::api::person_history,
        skrb_registry::api::person_households,
        skrb_registry::api::create_household,
        skrb_registry::api::get_household,
        skrb_registry::api::add_member,
        skrb_registry::api::end_member,
        skrb_registry::api::municipalities,
        skrb_registry::restricted::restrict_api,
        skrb_registry::restricted::break_glass_api,
        skrb_registry::restricted::review_api,
        skrb_registry::restricted::review_one_api,
        skrb_registry::export::download,
        crate::audit::views::api,
        crate::auth::account::token_list_api,
        crate::auth::account::token_create_api,
        crate::auth::account::token_revoke_api,
        crate::auth::admin::roles_api,
        crate::auth::admin::role_put_api,
        skrb_cases::api::types,
        skrb_cases::api::add_type,
        skrb_cases::api::set_type_active,
        skrb_cases::api::intakes,
        skrb_cases::api::record_intake,
        skrb_cases::api::identify_intake,
        skrb_cases::api::list,
        skrb_cases::api::open,
        skrb_cases::api::get,
        skrb_cases::api::update,
        skrb_cases::api::status,
        skrb_cases::api::transfer,
        skrb_cases::api::add_entry,
        skrb_cases::api::save_draft,
        skrb_cases::api::upload,
        skrb_cases::api::download,
        skrb_cases::api::add_plan,
        skrb_cases::api::add_goal,
        skrb_cases::api::add_review,
        skrb_cases::api::add_task,
        skrb_cases::api::task_done,
        skrb_cases::api::work,
        skrb_cases::api::caseloads,
        skrb_cases::api::report_violence,
        skrb_cases::api::add_member,
        skrb_cases::api::add_measure,
        skrb_partners::api::list,
        skrb_partners::api::create,
        skrb_partners::api::get,
        skrb_partners::api::add_contact,
        skrb_partners::api::link_user,
        skrb_cases::api::referrals::referrals_list,
        skrb_cases::api::referrals::refer,
        skrb_cases::api::referrals::staff_answer,
        skrb_cases::api::referrals::portal_list,
        skrb_cases::api::referrals::portal_get,
        skrb_cases::api::referrals::portal_answer,
        skrb_rights::api::rights,
        skrb_rights::api::add_right,
        skrb_rights::api::params,
        skrb_rights::api::add_param,
        skrb_rights::api::calculate,
        skrb_rights::api::renew,
        skrb_rights::api::procedures,
        skrb_rights::api::create,
        skrb_rights::api::get,
        skrb_rights::api::completion,
        skrb_rights::api::input,
        skrb_rights::api::decide,
        skrb_rights::api::appeal,
        skrb_rights::api::approve,
        skrb_rights::api::deliver,
        skrb_rights::api::document,
        skrb_rights::api::object,
        skrb_rights::api::forward,
        skrb_rights::api::outcome,
        skrb_rights::api::change,
        skrb_rights::api::commission_list,
        skrb_rights::api::commission_create,
        skrb_rights::api::commission_get,
        skrb_rights::api::member_add,
        skrb_rights::api::session_add,
        skrb_rights::api::reassess,
        skrb_rights::api::session_get,
        skrb_rights::api::item_add,
        skrb_rights::api::session_held,
        skrb_rights::api::finding,
        skrb_payments::api::list,
        skrb_payments::api::create,
        skrb_payments::api::get,
        skrb_payments::api::calculate,
        skrb_payments::api::approve,
        skrb_payments::api::export,
        skrb_payments::api::discard,
        skrb_payments::api::file,
        skrb_payments::api::import,
        skrb_payments::api::worklist,
        skrb_payments::api::write_off,
        skrb_payments::api::totals,
        skrb_payments::api::account_list,
        skrb_payments::api::account_save,
        skrb_payments::api::of_person,
        skrb_payments::api::of_entitlement,
        skrb_payments::api::recoveries,
        skrb_payments::api::add_recovery,
        skrb_payments::api::set_payee,
        skrb_services::api::agreements_list,
        skrb_services::api::agreement_create,
        skrb_services::api::agreement_get,
        skrb_services::api::agreement_step,
        skrb_services::api::pattern_add,
        skrb_services::api::board,
        skrb_services::api::my_visits,
        skrb_services::api::visit_record,
        skrb_services::api::bill,
        skrb_services::api::invoices,
        skrb_services::api::invoice_pdf,
        skrb_services::api::invoice_credit,
        skrb_services::api::statements,
        skrb_services::api::carers_list,
        skrb_services::api::carer_create,
        skrb_services::api::prices_list,
        skrb_services::api::price_create,
        skrb_services::api::catalogue_list,
        skrb_services::api::catalogue_create,
        skrb_services::api::session_create,
        skrb_placements::api::placements_list,
        skrb_placements::api::placement_create,
        skrb_placements::api::placement_get,
        skrb_placements::api::placement_event,
        skrb_placements::api::placement_raise,
        skrb_placements::api::placement_end,
        skrb_placements::api::placement_approve,
        skrb_placements::api::due_list,
        skrb_placements::api::figures_get,
        skrb_placements::api::carers_list,
        skrb_placements::api::carer_create,
        skrb_placements::api::carer_get,
        skrb_placements::api::carer_step,
        skrb_placements::api::member_add,
        skrb_placements::api::training_add,
        skrb_placements::api::annual_get,
        skrb_placements::api::institutions_list,
        skrb_placements::api::institution_create,
        skrb_placements::api::guardianships_list,
        skrb_placements::api::guardianship_create,
        skrb_placements::api::guardianship_get,
        skrb_placements::api::guardian_report,
        skrb_placements::api::guardian_item,
        skrb_placements::api::guardianship_end,
        skrb_placements::api::bills_list,
        skrb_placements::api::bill,
        skrb_placements::api::bill_pdf,
        skrb_programmes::api::list,
        skrb_programmes::api::create,
        skrb_programmes::api::get,
        skrb_programmes::api::funding_add,
        skrb_programmes::api::partner_add,
        skrb_programmes::api::evaluate,
        skrb_programmes::api::approve,
        skrb_programmes::api::entries,
        skrb_programmes::api::entry_add,
        skrb_programmes::api::entry_get,
        skrb_programmes::api::entry_remove,
        skrb_programmes::api::hand_over,
        skrb_programmes::api::committee_get,
        skrb_programmes::api::propose,
        skrb_programmes::api::session_create,
        skrb_programmes::api::session_get,
        skrb_programmes::api::decide,
        skrb_programmes::api::actions_list,
        skrb_programmes::api::action_create,
        skrb_programmes::api::totals_get,
        skrb_programmes::api::redeem,
        skrb_reports::api::annual,
        skrb_reports::api::statistics,
        skrb_reports::api::section_save,
        skrb_reports::api::publish,
        skrb_reports::api::publication,
        skrb_year::api::staff_list,
        skrb_year::api::staff_create,
        skrb_year::api::staff_update,
        skrb_year::api::headcount,
        skrb_year::api::groups_list,
        skrb_year::api::group_create,
        skrb_year::api::member_add,
        skrb_year::api::strategies_list,
        skrb_year::api::strategy_create,
        skrb_year::api::strategy_get,
        skrb_year::api::strategy_item,
        skrb_year::api::plans_list,
        skrb_year::api::plan_create,
        skrb_year::api::plan_get,
        skrb_year::api::activity_create,
        skrb_year::api::activity_get,
        skrb_year::api::activity_change,
        skrb_year::api::indicator_create,
        skrb_year::api::update_submit,
        skrb_year::api::update_review,
        skrb_year::api::round_tables_list,
        skrb_year::api::round_table_get,
        skrb_year::api::decide,
        skrb_year::api::public_get,
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
        contract(
            raw,
            &|method, path| {
                access
                    .iter()
                    .find(|((m, p), _)| m == method && *p == path)
                    .map(|(_, a)| *a)
            },
            &code_lists(),
            &query_code_lists(),
        )
    })
}

pub async fn document() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        axum::Json(spec()),
    )
        .into_response()
}

/// Code fields and the values they take: the same lists the input is checked against
/// and the database's checks hold. `(schema, property, values)`.
pub fn code_lists() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    use crate::placements;
    use crate::{cases, partners, payments, rights};
    use skrb_domain::cases::{FileStatus, ReferralStatus};
    use skrb_domain::payments::states::{LineStatus, RecoveryStatus, RunStatus};
    use skrb_domain::placements::{
        Basis, CarerStatus, EventKind, GuardianKind, InstitutionKind, PermitKind, PlacementKind,
        ReportStatus, Scope, Setting,
    };
    use skrb_domain::rights::states::{
        ApplicationStatus, DecisionStatus, EntitlementChange, EntitlementStatus, SessionStatus,
    };
    use skrb_domain::services::{
        AgreementStatus, AgreementStep, CarerKind, GivenBy, InvoiceStatus, ServiceForm, VisitStatus,
    };
    let mut foster_events = vec!["enquiry"];
    foster_events.extend(placements::carers::STEPS);
    let l = |v: &[&'static str]| v.to_vec();
    let sexes: Vec<&str> = ["M", "F", "X"].to_vec();
    let relationships: Vec<&str> = skrb_domain::person::Relationship::ALL
        .iter()
        .map(|r| r.code())
        .collect();
    use skrb_domain::programmes as pg;
    use skrb_domain::year as yr;
    vec![
        ("Programme", "kind", pg::Kind::codes()),
        ("ProgrammeForm", "kind", pg::Kind::codes()),
        ("Programme", "benefit", pg::Benefit::codes()),
        ("ProgrammeForm", "benefit", pg::Benefit::codes()),
        ("Programme", "recipient", pg::Recipient::codes()),
        ("ProgrammeForm", "recipient", pg::Recipient::codes()),
        ("Programme", "per", pg::Per::codes()),
        ("ProgrammeForm", "per", pg::Per::codes()),
        ("Programme", "list_status", pg::ListStatus::codes()),
        ("ProgrammePartner", "role", pg::Role::codes()),
        ("ProgrammePartnerForm", "role", pg::Role::codes()),
        ("ProgrammeEntry", "origin", l(&["rule", "hand"])),
        (
            "ProgrammeDistribution",
            "confirmation",
            pg::Confirmation::codes(),
        ),
        (
            "ProgrammeHandForm",
            "confirmation",
            pg::Confirmation::codes(),
        ),
        ("CommitteeProposal", "status", pg::ProposalStatus::codes()),
        (
            "CommitteeDecisionForm",
            "status",
            l(&["granted", "refused", "withdrawn"]),
        ),
        ("AidElsewhere", "kind", l(&["committee", "programme"])),
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
        ("PaymentLine", "status", LineStatus::codes()),
        ("Run", "status", RunStatus::codes()),
        ("Run", "kind", l(&payments::RUN_KINDS)),
        ("RunForm", "kind", l(&payments::RUN_KINDS)),
        ("Recovery", "kind", l(&payments::RECOVERY_KINDS)),
        ("RecoveryForm", "kind", l(&payments::RECOVERY_KINDS)),
        ("Recovery", "status", RecoveryStatus::codes()),
        (
            "StatementProblem",
            "problem",
            l(&payments::STATEMENT_PROBLEMS),
        ),
        ("ApplicationForm", "channel", l(&rights::CHANNELS)),
        ("Application", "channel", l(&rights::CHANNELS)),
        ("Application", "status", ApplicationStatus::codes()),
        ("ProcedureRow", "status", ApplicationStatus::codes()),
        ("DecisionForm", "outcome", l(&rights::OUTCOMES)),
        ("Decision", "outcome", l(&rights::OUTCOMES)),
        ("Decision", "kind", l(&rights::DECISION_KINDS)),
        ("Decision", "status", DecisionStatus::codes()),
        ("Entitlement", "status", EntitlementStatus::codes()),
        ("DeliveryForm", "method", l(&rights::DELIVERY)),
        ("OutcomeForm", "outcome", l(&rights::APPEAL_OUTCOMES)),
        ("Appeal", "outcome", l(&rights::APPEAL_OUTCOMES)),
        ("ChangeForm", "action", EntitlementChange::codes()),
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
        ("Session", "status", SessionStatus::codes()),
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
        ("CaseFile", "status", FileStatus::codes()),
        ("CaseRow", "status", FileStatus::codes()),
        ("MyFile", "status", FileStatus::codes()),
        ("StatusForm", "status", FileStatus::codes()),
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
            l(&cases::referrals::DIRECTIONS),
        ),
        ("Referral", "direction", l(&cases::referrals::DIRECTIONS)),
        ("Referral", "status", ReferralStatus::codes()),
        ("AnswerForm", "status", ReferralStatus::codes()),
        ("Agreement", "status", AgreementStatus::codes()),
        ("Agreed", "status", AgreementStatus::codes()),
        ("StepForm", "step", AgreementStep::codes()),
        ("Carer", "kind", CarerKind::codes()),
        ("CarerForm", "kind", CarerKind::codes()),
        ("Visit", "status", VisitStatus::codes()),
        ("Recorded", "status", VisitStatus::codes()),
        ("Invoice", "status", InvoiceStatus::codes()),
        ("Invoice", "kind", l(&["invoice", "credit"])),
        ("ServiceType", "given_by", GivenBy::codes()),
        ("NewService", "given_by", GivenBy::codes()),
        ("ServiceType", "form", ServiceForm::codes()),
        ("NewService", "form", ServiceForm::codes()),
        ("ServiceType", "jurisdiction", l(&rights::JURISDICTIONS)),
        ("FosterCarer", "status", CarerStatus::codes()),
        ("FosterCarer", "permit_kind", PermitKind::codes()),
        ("FosterCarer", "jurisdiction", l(&rights::JURISDICTIONS)),
        ("FosterStepForm", "step", l(&placements::carers::STEPS)),
        ("FosterStepForm", "permit_kind", PermitKind::codes()),
        ("FosterEvent", "kind", foster_events),
        ("FosterMember", "vetting", l(&placements::carers::CHECKS)),
        (
            "FosterMemberForm",
            "vetting",
            l(&placements::carers::CHECKS),
        ),
        ("Institution", "kind", InstitutionKind::codes()),
        ("Institution", "jurisdiction", l(&rights::JURISDICTIONS)),
        ("InstitutionForm", "kind", InstitutionKind::codes()),
        ("Placement", "setting", Setting::codes()),
        ("Placement", "kind", PlacementKind::codes()),
        ("Placement", "basis", Basis::codes()),
        ("PlacementForm", "setting", Setting::codes()),
        ("PlacementForm", "kind", PlacementKind::codes()),
        ("PlacementForm", "basis", Basis::codes()),
        (
            "PlacementForm",
            "maintenance_raise",
            l(&placements::placements::RAISES),
        ),
        (
            "PlacementForm",
            "fee_raise",
            l(&placements::placements::RAISES),
        ),
        (
            "RaiseForm",
            "maintenance_raise",
            l(&placements::placements::RAISES),
        ),
        ("RaiseForm", "fee_raise", l(&placements::placements::RAISES)),
        ("PlacementEvent", "kind", EventKind::codes()),
        (
            "PlacementEventForm",
            "kind",
            l(&placements::placements::RECORDED),
        ),
        ("Guardianship", "appointed_by", Basis::codes()),
        ("Guardianship", "scope", Scope::codes()),
        ("Guardianship", "guardian_kind", GuardianKind::codes()),
        ("GuardianshipForm", "appointed_by", Basis::codes()),
        ("GuardianshipForm", "scope", Scope::codes()),
        ("GuardianshipForm", "guardian_kind", GuardianKind::codes()),
        ("GuardianReport", "status", ReportStatus::codes()),
        (
            "GuardianReportForm",
            "action",
            l(&placements::guardianship::REPORT_ACTIONS),
        ),
        (
            "GuardianItem",
            "kind",
            l(&placements::guardianship::ITEM_KINDS),
        ),
        (
            "GuardianItem",
            "outcome",
            l(&placements::guardianship::OUTCOMES),
        ),
        (
            "GuardianItemForm",
            "kind",
            l(&placements::guardianship::ITEM_KINDS),
        ),
        (
            "GuardianItemForm",
            "outcome",
            l(&placements::guardianship::OUTCOMES),
        ),
        ("PlacementBill", "payer", l(&["user", "relative"])),
        ("PlacementDue", "kind", l(&placements::due::KINDS)),
        ("StaffMember", "kind", yr::StaffKind::codes()),
        ("StaffForm", "kind", yr::StaffKind::codes()),
        ("HeadCountRow", "kind", yr::StaffKind::codes()),
        ("StaffMember", "funding", yr::Funding::codes()),
        ("StaffForm", "funding", yr::Funding::codes()),
        ("HeadCountRow", "funding", yr::Funding::codes()),
        ("GroupMember", "role", l(&crate::year::staff::MEMBER_ROLES)),
        ("MemberForm", "role", l(&crate::year::staff::MEMBER_ROLES)),
        ("Strategy", "owner", yr::StrategyOwner::codes()),
        ("StrategyForm", "owner", yr::StrategyOwner::codes()),
        ("PlanActivity", "status", yr::ActivityStatus::codes()),
        ("ProgressUpdate", "reported", yr::ActivityStatus::codes()),
        (
            "ProgressUpdateForm",
            "reported",
            yr::ActivityStatus::codes(),
        ),
        ("ProgressUpdate", "state", yr::UpdateStatus::codes()),
        (
            "ProgressReviewForm",
            "decision",
            l(&["approved", "returned"]),
        ),
        ("PlanIndicator", "measure", yr::Measure::codes()),
        ("PlanIndicatorForm", "measure", yr::Measure::codes()),
        ("QuestionResults", "question", yr::Question::codes()),
        ("RoundTableProposal", "outcome", yr::Outcome::codes()),
        (
            "ProposalOutcomeForm",
            "outcome",
            l(&["accepted", "answered"]),
        ),
    ]
}

/// Query parameters that take one of a list of codes: `(path, name, values)`.
fn query_code_lists() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    use crate::{cases, rights};
    use skrb_domain::cases::{FileStatus, ReferralStatus};
    vec![
        ("/api/v1/cases", "status", FileStatus::codes()),
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
        ("/api/v1/referrals", "status", ReferralStatus::codes()),
        (
            "/api/v1/services/agreements",
            "status",
            skrb_domain::services::AgreementStatus::codes(),
        ),
        (
            "/api/v1/referrals",
            "direction",
            cases::referrals::DIRECTIONS.to_vec(),
        ),
        (
            "/api/v1/portal/referrals",
            "status",
            ReferralStatus::codes(),
        ),
        (
            "/api/v1/portal/referrals",
            "direction",
            cases::referrals::DIRECTIONS.to_vec(),
        ),
    ]
}
