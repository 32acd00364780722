//! Users, roles, wards, sign-in and API tokens. The types and rules here are
//! shared by server and browser; `users`, `wards`, `tokens`, `sign_in`,
//! `access`, `audit`, `setup` and `session_store` are the only code that touches the
//! account tables.

#[cfg(feature = "ssr")]
pub mod access;
pub mod api;
#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod entity;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod session_store;
#[cfg(feature = "ssr")]
pub mod setup;
#[cfg(feature = "ssr")]
pub mod sign_in;
#[cfg(feature = "ssr")]
pub mod tokens;
pub mod ui;
#[cfg(feature = "ssr")]
pub mod users;
#[cfg(feature = "ssr")]
mod ward_links;
#[cfg(feature = "ssr")]
pub mod wards;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::wire::{FILLED_PATTERN, NAME_PATTERN};
use rules::{DISPLAY_NAME_MAX, PASSWORD_MAX, PASSWORD_MIN, TOKEN_NAME_MAX, WARD_NAME_MAX};

crate::text!(
    /// A new username: 1–64 characters of a–z, A–Z, 0–9, `.`, `_` or `-`.
    Username,
    pattern = r"^[A-Za-z0-9._-]{1,64}$",
);
crate::text!(
    /// The username typed to sign in.
    SignInName,
    pattern = FILLED_PATTERN,
);
crate::text!(
    /// The password typed to sign in.
    SignInPassword,
    min_length = 1,
);
crate::text!(
    /// A new password: 10–256 characters.
    NewPassword,
    min_length = PASSWORD_MIN,
    max_length = PASSWORD_MAX,
);
crate::text!(
    /// A person's name as shown: up to 120 characters, no control characters.
    DisplayName,
    max_length = DISPLAY_NAME_MAX,
    pattern = NAME_PATTERN,
);
crate::text!(
    /// A ward's name: up to 80 characters, no control characters.
    WardName,
    max_length = WARD_NAME_MAX,
    pattern = NAME_PATTERN,
);
crate::text!(
    /// An API token's name: up to 120 characters, no control characters.
    TokenName,
    max_length = TOKEN_NAME_MAX,
    pattern = NAME_PATTERN,
);

/// What a user or API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Role {
    /// Everything, for every ward, plus accounts, wards and API tokens.
    Admin,
    /// Doctors and nurses: manage patients and record rounds in their wards.
    Clinician,
    /// Remote consultants and students: read-only.
    Observer,
}

impl Role {
    /// The role's name as shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administrator",
            Role::Clinician => "Clinician",
            Role::Observer => "Observer",
        }
    }
}

/// Which wards a user or token may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WardScope {
    All,
    Only(Vec<i32>),
}

impl WardScope {
    pub fn new(all_wards: bool, ward_ids: Vec<i32>) -> Self {
        if all_wards {
            WardScope::All
        } else {
            WardScope::Only(ward_ids)
        }
    }

    /// Whether something of this ward may be seen. Every access decision
    /// about a patient asks this question.
    pub fn includes(&self, ward_id: i32) -> bool {
        match self {
            WardScope::All => true,
            WardScope::Only(ids) => ids.contains(&ward_id),
        }
    }
}

/// Who is asking: a signed-in user or an API token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Caller {
    pub principal: Principal,
    pub role: Role,
    pub wards: WardScope,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Principal {
    User {
        id: i32,
        username: String,
        display_name: String,
    },
    Token {
        id: i32,
        name: String,
    },
}

impl Principal {
    /// The same text for every connection of one user or one token, on
    /// every server: what access changes and socket caps are counted by.
    pub fn key(&self) -> String {
        match self {
            Principal::User { id, .. } => user_key(*id),
            Principal::Token { id, .. } => token_key(*id),
        }
    }
}

/// The principal key of a user (see `Principal::key`).
pub fn user_key(user_id: i32) -> String {
    format!("user:{user_id}")
}

/// The principal key of an API token (see `Principal::key`).
pub fn token_key(token_id: i32) -> String {
    format!("token:{token_id}")
}

impl Caller {
    /// Administrators only.
    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }

    /// Anyone who may change clinical data (administrators and clinicians).
    pub fn require_clinical_writer(&self) -> Result<(), AppError> {
        match self.role {
            Role::Admin | Role::Clinician => Ok(()),
            Role::Observer => Err(AppError::forbidden()),
        }
    }

    /// The signed-in user's id; API tokens have none.
    pub fn user_id(&self) -> Option<i32> {
        match self.principal {
            Principal::User { id, .. } => Some(id),
            Principal::Token { .. } => None,
        }
    }
}

/// The signed-in user as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CurrentUser {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

/// A ward of the hospital.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Ward {
    pub id: i32,
    pub name: String,
}

/// A user account as administrators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UserAccount {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub all_wards: bool,
    pub ward_ids: Vec<i32>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// An API token without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ApiToken {
    pub id: i32,
    pub name: String,
    /// The first characters of the token, to tell tokens apart.
    pub prefix: String,
    pub role: Role,
    pub all_wards: bool,
    pub ward_ids: Vec<i32>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token just created: the secret is shown this once and never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CreatedToken {
    pub token: String,
    pub details: ApiToken,
}

/// What an administrator did, as kept in the administration log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AuditAction {
    UserCreated,
    UserChanged,
    UserDeactivated,
    UserReactivated,
    PasswordReset,
    TokenCreated,
    TokenRevoked,
    WardCreated,
    WardRenamed,
}

impl AuditAction {
    /// As people read it.
    pub fn label(self) -> &'static str {
        match self {
            AuditAction::UserCreated => "User created",
            AuditAction::UserChanged => "User changed",
            AuditAction::UserDeactivated => "User deactivated",
            AuditAction::UserReactivated => "User reactivated",
            AuditAction::PasswordReset => "Password reset",
            AuditAction::TokenCreated => "API token created",
            AuditAction::TokenRevoked => "API token revoked",
            AuditAction::WardCreated => "Ward created",
            AuditAction::WardRenamed => "Ward renamed",
        }
    }
}

/// One entry of the administration log: who did what to whom, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: i32,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: AuditAction,
    pub subject: String,
    pub details: String,
}

/// Names of wards, in the order of `ids`, for display.
pub fn ward_names(wards: &[Ward], all: bool, ids: &[i32]) -> String {
    if all {
        return "All wards".to_owned();
    }
    let names: Vec<&str> = ids
        .iter()
        .filter_map(|id| wards.iter().find(|w| w.id == *id).map(|w| w.name.as_str()))
        .collect();
    if names.is_empty() {
        "No ward".to_owned()
    } else {
        names.join(", ")
    }
}
