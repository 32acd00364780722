//! Accounts made at start-up: the first administrator, and the demo
//! wards and accounts.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::Role;
use super::entity::{user, ward};
use super::rules::{self, Checks};
use super::tokens::random_hex;
use super::users::{NewAccount, insert_user};
use crate::error::AppError;
use crate::vocabulary::Vocabulary;

/// How the first administrator is made when none exists.
#[derive(Clone)]
pub enum FirstAdmin {
    /// From `VITALBOARD_ADMIN_USER` / `VITALBOARD_ADMIN_PASSWORD`.
    Given { username: String, password: String },
    /// `admin` with a generated password, printed once to the log.
    Generated,
}

/// Makes sure an active administrator exists; returns the generated
/// password when one was made.
pub async fn ensure_admin(
    db: &DatabaseConnection,
    first: FirstAdmin,
) -> Result<Option<String>, AppError> {
    let exists = user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin.code()))
        .filter(user::Column::Active.eq(true))
        .one(db)
        .await?
        .is_some();
    if exists {
        return Ok(None);
    }
    let (username, password, generated) = match first {
        FirstAdmin::Given { username, password } => (username, password, false),
        FirstAdmin::Generated => ("admin".to_owned(), random_hex(12), true),
    };
    let mut checks = Checks::default();
    checks
        .add(rules::check_username(&username))
        .add(rules::check_password(
            "VITALBOARD_ADMIN_PASSWORD",
            &password,
        ));
    checks.finish()?;
    let account = NewAccount {
        username: &username,
        display_name: "Administrator",
        role: Role::Admin,
        all_wards: true,
        ward_ids: &[],
    };
    insert_user(db, account, password.clone(), None).await?;
    Ok(generated.then_some(password))
}

/// A demo account: username, password, display name, role, ward names (empty: all).
pub type DemoAccount = (
    &'static str,
    &'static str,
    &'static str,
    Role,
    &'static [&'static str],
);

/// The demo wards and one account per role, created when missing.
pub async fn ensure_demo_accounts(
    db: &DatabaseConnection,
    wards: &[&str],
    accounts: &[DemoAccount],
) -> Result<(), AppError> {
    for name in wards {
        let exists = ward::Entity::find()
            .filter(ward::Column::Name.eq(*name))
            .one(db)
            .await?
            .is_some();
        if !exists {
            ward::ActiveModel {
                name: Set((*name).to_owned()),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    let all_wards = ward::Entity::find().all(db).await?;
    for (username, password, display_name, role, ward_names) in accounts {
        let exists = user::Entity::find()
            .filter(user::Column::UsernameKey.eq(rules::username_key(username)))
            .one(db)
            .await?
            .is_some();
        if exists {
            continue;
        }
        let ids: Vec<i32> = all_wards
            .iter()
            .filter(|w| ward_names.contains(&w.name.as_str()))
            .map(|w| w.id)
            .collect();
        let account = NewAccount {
            username,
            display_name,
            role: *role,
            all_wards: ward_names.is_empty(),
            ward_ids: &ids,
        };
        insert_user(db, account, (*password).to_owned(), None).await?;
    }
    Ok(())
}
