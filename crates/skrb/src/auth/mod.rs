//! Who may do what: users, their roles, sessions and passwords.
//!
//! Every permission check in Skrb goes through [`Role::allows`], so the rules live in one
//! table that an auditor can read.

pub mod password;
pub mod sessions;
pub mod users;
pub mod web;

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
}

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Find and view persons and households.
    RegistryRead,
    /// Create and edit persons and households.
    RegistryWrite,
    /// Save identity data despite warnings (bad check digit, duplicate number).
    IdentityOverride,
    /// Manage user accounts.
    UserAdmin,
}

impl Role {
    pub const ALL: [Role; 11] = [
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
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The permission table.
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match p {
            RegistryRead => !matches!(self, Partner),
            RegistryWrite => matches!(
                self,
                Administrator | HeadOfUnit | SocialWorker | RightsOfficer | HomeHelpCoordinator
            ),
            IdentityOverride => matches!(self, Administrator | HeadOfUnit),
            UserAdmin => matches!(self, Administrator),
        }
    }
}
