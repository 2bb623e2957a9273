//! Who may do what: users, their roles, sessions and passwords.
//!
//! Every permission check in Skrb goes through [`PermSet::has`] on the signed-in user's
//! permissions, loaded per request from the `role_permission` table (and narrowed by an
//! API token's scopes), so the rules live in one table that an auditor can read and an
//! administrator can change. Routes declare what they need in [`crate::web::routes`].

pub mod accounts;
pub mod mfa;
pub mod password;
pub mod policy;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod users;

use serde::{Deserialize, Serialize};

/// The roles of a centre's staff and partners (DESIGN.md, security model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Administrator,
    Director,
    HeadOfUnit,
    SocialWorker,
    RightsOfficer,
    FinanceOfficer,
    HomeHelpCoordinator,
    HomeHelpWorker,
    CommissionMember,
    Partner,
    Auditor,
    /// Ministry staff: aggregate figures of all centres, no personal data.
    Ministry,
}

/// What a user may do. Which role has which permission is data (`role_permission`),
/// editable by an administrator; the codes below are what that table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Permission {
    /// Find and view persons and households.
    #[serde(rename = "registry.read")]
    RegistryRead,
    /// Create and edit persons and households.
    #[serde(rename = "registry.write")]
    RegistryWrite,
    /// Save identity data despite warnings (bad check digit, duplicate number).
    #[serde(rename = "identity.override")]
    IdentityOverride,
    /// Mark a person's file restricted and choose its team.
    #[serde(rename = "restricted.manage")]
    RestrictedManage,
    /// Open a restricted file outside its team, stating a reason.
    #[serde(rename = "break_glass")]
    BreakGlass,
    /// Review the glass breaks of one's centre.
    #[serde(rename = "glass.review")]
    GlassReview,
    /// Read the audit log: who accessed a file, what a user did.
    #[serde(rename = "audit.read")]
    AuditRead,
    /// Export everything held about a person (subject-access request).
    #[serde(rename = "subject.export")]
    SubjectExport,
    /// See aggregate figures.
    #[serde(rename = "statistics.read")]
    StatisticsRead,
    /// Work across all centres, not only one's own.
    #[serde(rename = "scope.all_centres")]
    AllCentres,
    /// Manage user accounts.
    #[serde(rename = "user.admin")]
    UserAdmin,
    /// Change which role has which permission.
    #[serde(rename = "role.admin")]
    RoleAdmin,
    /// Read case files, their contact log, plans and tasks; record intakes' lists.
    #[serde(rename = "case.read")]
    CaseRead,
    /// Record intakes, open and work case files (as their worker or team).
    #[serde(rename = "case.write")]
    CaseWrite,
    /// Transfer files between workers and units, see caseloads, keep the catalogue.
    #[serde(rename = "case.manage")]
    CaseManage,
    /// Keep the registry of partner organisations and send referrals.
    #[serde(rename = "partner.manage")]
    PartnerManage,
    /// A partner's user: read and answer the referrals addressed to their organisation.
    #[serde(rename = "referral.answer")]
    ReferralAnswer,
    /// Read applications, decisions and entitlements, and the catalogue of rights.
    #[serde(rename = "right.read")]
    RightRead,
    /// Take applications through the procedure and decide them (a rights officer).
    #[serde(rename = "right.decide")]
    RightDecide,
    /// Approve an amount typed instead of the calculator's (a second person).
    #[serde(rename = "right.approve")]
    RightApprove,
    /// Keep the catalogue: extended rights, parameter values, yearly renewals.
    #[serde(rename = "right.catalogue")]
    RightCatalogue,
    /// Keep commissions' sessions and record their findings.
    #[serde(rename = "commission.work")]
    CommissionWork,
    /// See payment runs, the work list of held and returned payments, payment history.
    #[serde(rename = "payment.read")]
    PaymentRead,
    /// Prepare, calculate and export payment runs; keep payer accounts; import statements.
    #[serde(rename = "payment.run")]
    PaymentRun,
    /// Approve a payment run calculated by someone else (the second person).
    #[serde(rename = "payment.approve")]
    PaymentApprove,
    /// See home help: agreements, the waiting list, carers, the roster, bills, figures.
    #[serde(rename = "homehelp.read")]
    HomeHelpRead,
    /// Co-ordinate home help: agree, plan the roster, keep carers and price lists.
    #[serde(rename = "homehelp.manage")]
    HomeHelpManage,
    /// A carer: their own visits today and their users' care plans, nothing else.
    #[serde(rename = "homehelp.visit")]
    HomeHelpVisit,
    /// Bill a month of home help, credit an invoice, match payments received.
    #[serde(rename = "homehelp.bill")]
    HomeHelpBill,
    /// Keep the catalogue of services.
    #[serde(rename = "service.catalogue")]
    ServiceCatalogue,
    /// See foster carers, placements and guardianships (child-protection files stay
    /// restricted to their team).
    #[serde(rename = "placement.read")]
    PlacementRead,
    /// Assess and approve foster carers, place, supervise, appoint guardians and approve
    /// their reports.
    #[serde(rename = "placement.manage")]
    PlacementManage,
    /// See extra programmes, their lists and distributions, the municipal committee's
    /// proposals and community actions.
    #[serde(rename = "programme.read")]
    ProgrammeRead,
    /// Keep programmes, evaluate and change their lists, record handing over; propose to
    /// the committee and record its decisions; record community actions.
    #[serde(rename = "programme.manage")]
    ProgrammeManage,
    /// Approve a programme's list (the second person): it is then frozen and issued.
    #[serde(rename = "programme.approve")]
    ProgrammeApprove,
    /// A partner's user: redeem the vouchers of programmes their organisation delivers.
    #[serde(rename = "voucher.redeem")]
    VoucherRedeem,
    /// See the centre's year: staff and head count, working groups, strategies, action
    /// plans with their indicators, round tables with their results.
    #[serde(rename = "year.read")]
    YearRead,
    /// Keep staff, working groups, strategies and action plans, report progress, run a
    /// round table, publish news and the centre's public page.
    #[serde(rename = "year.manage")]
    YearManage,
    /// Approve a progress update of the action plan or send it back with a comment.
    #[serde(rename = "plan.approve")]
    PlanApprove,
    /// A partner's user: answer the round table's questionnaire for their organisation.
    #[serde(rename = "roundtable.answer")]
    RoundTableAnswer,
    /// Write the annual report's narrative sections and publish the report.
    #[serde(rename = "report.write")]
    ReportWrite,
    /// Bring an old register's file in: map, check, review duplicates, commit.
    #[serde(rename = "import.run")]
    ImportRun,
}

impl Permission {
    pub const ALL: [Permission; 42] = [
        Permission::RegistryRead,
        Permission::RegistryWrite,
        Permission::IdentityOverride,
        Permission::RestrictedManage,
        Permission::BreakGlass,
        Permission::GlassReview,
        Permission::AuditRead,
        Permission::SubjectExport,
        Permission::StatisticsRead,
        Permission::AllCentres,
        Permission::UserAdmin,
        Permission::RoleAdmin,
        Permission::CaseRead,
        Permission::CaseWrite,
        Permission::CaseManage,
        Permission::PartnerManage,
        Permission::ReferralAnswer,
        Permission::RightRead,
        Permission::RightDecide,
        Permission::RightApprove,
        Permission::RightCatalogue,
        Permission::CommissionWork,
        Permission::PaymentRead,
        Permission::PaymentRun,
        Permission::PaymentApprove,
        Permission::HomeHelpRead,
        Permission::HomeHelpManage,
        Permission::HomeHelpVisit,
        Permission::HomeHelpBill,
        Permission::ServiceCatalogue,
        Permission::PlacementRead,
        Permission::PlacementManage,
        Permission::ProgrammeRead,
        Permission::ProgrammeManage,
        Permission::ProgrammeApprove,
        Permission::VoucherRedeem,
        Permission::YearRead,
        Permission::YearManage,
        Permission::PlanApprove,
        Permission::RoundTableAnswer,
        Permission::ReportWrite,
        Permission::ImportRun,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Permission::RegistryRead => "registry.read",
            Permission::RegistryWrite => "registry.write",
            Permission::IdentityOverride => "identity.override",
            Permission::RestrictedManage => "restricted.manage",
            Permission::BreakGlass => "break_glass",
            Permission::GlassReview => "glass.review",
            Permission::AuditRead => "audit.read",
            Permission::SubjectExport => "subject.export",
            Permission::StatisticsRead => "statistics.read",
            Permission::AllCentres => "scope.all_centres",
            Permission::UserAdmin => "user.admin",
            Permission::RoleAdmin => "role.admin",
            Permission::CaseRead => "case.read",
            Permission::CaseWrite => "case.write",
            Permission::CaseManage => "case.manage",
            Permission::PartnerManage => "partner.manage",
            Permission::ReferralAnswer => "referral.answer",
            Permission::RightRead => "right.read",
            Permission::RightDecide => "right.decide",
            Permission::RightApprove => "right.approve",
            Permission::RightCatalogue => "right.catalogue",
            Permission::CommissionWork => "commission.work",
            Permission::PaymentRead => "payment.read",
            Permission::PaymentRun => "payment.run",
            Permission::PaymentApprove => "payment.approve",
            Permission::HomeHelpRead => "homehelp.read",
            Permission::HomeHelpManage => "homehelp.manage",
            Permission::HomeHelpVisit => "homehelp.visit",
            Permission::HomeHelpBill => "homehelp.bill",
            Permission::ServiceCatalogue => "service.catalogue",
            Permission::PlacementRead => "placement.read",
            Permission::PlacementManage => "placement.manage",
            Permission::ProgrammeRead => "programme.read",
            Permission::ProgrammeManage => "programme.manage",
            Permission::ProgrammeApprove => "programme.approve",
            Permission::VoucherRedeem => "voucher.redeem",
            Permission::YearRead => "year.read",
            Permission::YearManage => "year.manage",
            Permission::PlanApprove => "plan.approve",
            Permission::RoundTableAnswer => "roundtable.answer",
            Permission::ReportWrite => "report.write",
            Permission::ImportRun => "import.run",
        }
    }

    pub fn from_code(code: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.code() == code)
    }

    fn bit(self) -> u64 {
        1 << (self as u64)
    }

    /// Permissions that show no person: figures summed over many. A role that may see
    /// aggregates only (the ministry) holds these and nothing else, whatever the table
    /// says. A context that adds an aggregate-only permission adds it here, on purpose.
    pub const AGGREGATE: [Permission; 2] = [Permission::StatisticsRead, Permission::AllCentres];

    /// Whether the permission shows no person's data.
    pub fn is_aggregate(self) -> bool {
        Permission::AGGREGATE.contains(&self)
    }
}

/// A set of permissions: a role's, or a token's scopes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PermSet(u64);

impl PermSet {
    pub fn from_codes<'a>(codes: impl IntoIterator<Item = &'a str>) -> PermSet {
        PermSet(
            codes
                .into_iter()
                .filter_map(Permission::from_code)
                .fold(0, |acc, p| acc | p.bit()),
        )
    }

    pub fn all() -> PermSet {
        PermSet(Permission::ALL.iter().fold(0, |acc, p| acc | p.bit()))
    }

    pub fn has(self, p: Permission) -> bool {
        self.0 & p.bit() != 0
    }

    pub fn with(self, p: Permission) -> PermSet {
        PermSet(self.0 | p.bit())
    }

    pub fn intersect(self, other: PermSet) -> PermSet {
        PermSet(self.0 & other.0)
    }

    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL.into_iter().filter(move |p| self.has(*p))
    }

    pub fn codes(self) -> Vec<&'static str> {
        self.iter().map(Permission::code).collect()
    }

    /// Only the permissions that show no person ([`Permission::AGGREGATE`]).
    pub fn aggregates(self) -> PermSet {
        PermSet(
            Permission::AGGREGATE
                .iter()
                .filter(|p| self.has(**p))
                .fold(0, |acc, p| acc | p.bit()),
        )
    }

    /// What the set holds beyond the aggregate permissions.
    pub fn personal(self) -> impl Iterator<Item = Permission> {
        self.iter().filter(|p| !p.is_aggregate())
    }
}

impl Role {
    pub const ALL: [Role; 12] = [
        Role::Administrator,
        Role::Director,
        Role::HeadOfUnit,
        Role::SocialWorker,
        Role::RightsOfficer,
        Role::FinanceOfficer,
        Role::HomeHelpCoordinator,
        Role::HomeHelpWorker,
        Role::CommissionMember,
        Role::Partner,
        Role::Auditor,
        Role::Ministry,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Director => "director",
            Role::HeadOfUnit => "head_of_unit",
            Role::SocialWorker => "social_worker",
            Role::RightsOfficer => "rights_officer",
            Role::FinanceOfficer => "finance_officer",
            Role::HomeHelpCoordinator => "home_help_coordinator",
            Role::HomeHelpWorker => "home_help_worker",
            Role::CommissionMember => "commission_member",
            Role::Partner => "partner",
            Role::Auditor => "auditor",
            Role::Ministry => "ministry",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Roles that must never see a person, only figures summed over many: the ministry
    /// (DESIGN.md). Their permissions are cut to [`Permission::AGGREGATE`] when loaded,
    /// and an administrator cannot grant them more.
    pub fn aggregates_only(self) -> bool {
        matches!(self, Role::Ministry)
    }
}
