//! User accounts: administration, passwords, and the signed-in user a
//! session stands for. Every function that acts for someone takes the
//! `Caller` and checks its rights first.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

use super::entity::{user, user_ward, ward};
use super::rules::{self, Checks};
use super::wards::{check_ward_ids, conflict_or, linked_wards};
use super::{AuditAction, Caller, CurrentUser, Principal, Role, UserAccount, WardScope, user_key};
use super::{access, audit, ward_links};
use crate::error::{AppError, FieldError};
use crate::platform::db::write;
use crate::vocabulary::Vocabulary;

/// A new user account as an administrator enters it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub all_wards: bool,
    pub ward_ids: Vec<i32>,
    pub password: String,
}

/// Changes an administrator makes to an account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserChanges {
    pub id: i32,
    pub display_name: String,
    pub role: Role,
    pub all_wards: bool,
    pub ward_ids: Vec<i32>,
}

/// A signed-in user with everything a request needs to decide rights.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub caller: Caller,
    pub current: CurrentUser,
    /// Changes when the password changes, which ends the user's other sessions.
    pub auth_hash: Vec<u8>,
}

pub(super) fn role_of(text: &str) -> Result<Role, AppError> {
    Role::parse(text).ok_or_else(|| AppError::internal("stored role", text))
}

pub(super) async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|e| AppError::internal("password hashing", e))
}

pub(super) async fn password_matches(password: String, hash: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok())
        .await
        .map_err(|e| AppError::internal("password check", e))
}

fn account_of(model: user::Model, ward_ids: Vec<i32>) -> Result<UserAccount, AppError> {
    Ok(UserAccount {
        id: model.id,
        role: role_of(&model.role)?,
        username: model.username,
        display_name: model.display_name,
        all_wards: model.all_wards,
        ward_ids: if model.all_wards {
            Vec::new()
        } else {
            ward_ids
        },
        active: model.active,
        created_at: model.created_at,
        last_login_at: model.last_login_at,
    })
}

/// Every user account, by username (administrators).
pub async fn list_users(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<UserAccount>, AppError> {
    caller.require_admin()?;
    let users = user::Entity::find()
        .order_by_asc(user::Column::UsernameKey)
        .all(db)
        .await?;
    let mut wards = ward_links::of_all::<user_ward::Entity>(db).await?;
    users
        .into_iter()
        .map(|u| {
            let ids = wards.remove(&u.id).unwrap_or_default();
            account_of(u, ids)
        })
        .collect()
}

async fn load_user(db: &impl ConnectionTrait, id: i32) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("User {id}")))
}

/// Creates a user account (administrators).
pub async fn create_user(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewUser,
) -> Result<UserAccount, AppError> {
    caller.require_admin()?;
    let ward_ids = linked_wards(new.all_wards, new.ward_ids);
    let username = new.username.trim().to_owned();
    let display_name = new.display_name.trim().to_owned();
    let mut checks = Checks::default();
    checks
        .add(rules::check_username(&username))
        .add(rules::check_name(
            "display_name",
            &display_name,
            rules::DISPLAY_NAME_MAX,
        ))
        .add(rules::check_password("password", &new.password));
    check_ward_ids(db, &mut checks, new.all_wards, &ward_ids).await?;
    checks.finish()?;
    let account = NewAccount {
        username: &username,
        display_name: &display_name,
        role: new.role,
        all_wards: new.all_wards,
        ward_ids: &ward_ids,
    };
    insert_user(db, account, new.password, Some(caller)).await
}

/// An account to insert, checked already.
pub(super) struct NewAccount<'a> {
    pub(super) username: &'a str,
    pub(super) display_name: &'a str,
    pub(super) role: Role,
    pub(super) all_wards: bool,
    pub(super) ward_ids: &'a [i32],
}

/// What the log says of an account's role and wards, by name.
pub(super) async fn rights_of(
    db: &impl ConnectionTrait,
    role: Role,
    all_wards: bool,
    ward_ids: &[i32],
) -> Result<String, AppError> {
    let wards = if all_wards {
        "all wards".to_owned()
    } else {
        let names: Vec<String> = ward::Entity::find()
            .filter(ward::Column::Id.is_in(ward_ids.to_vec()))
            .order_by_asc(ward::Column::Name)
            .all(db)
            .await?
            .into_iter()
            .map(|w| w.name)
            .collect();
        names.join(", ")
    };
    Ok(format!("{}; {wards}", role.label()))
}

/// Inserts an account; an administrator's creation is kept in the log
/// (`by`), the first administrator's and the demo accounts' are not.
pub(super) async fn insert_user(
    db: &DatabaseConnection,
    account: NewAccount<'_>,
    password: String,
    by: Option<&Caller>,
) -> Result<UserAccount, AppError> {
    let NewAccount {
        username,
        display_name,
        role,
        all_wards,
        ward_ids,
    } = account;
    let password_hash = hash_password(password).await?;
    let now = Utc::now();
    write(db, async |txn| {
        let model = user::ActiveModel {
            username: Set(username.to_owned()),
            username_key: Set(rules::username_key(username)),
            display_name: Set(display_name.to_owned()),
            role: Set(role.code().to_owned()),
            all_wards: Set(all_wards),
            active: Set(true),
            password_hash: Set(password_hash),
            created_at: Set(now),
            updated_at: Set(now),
            last_login_at: Set(None),
            ..Default::default()
        }
        .insert(txn)
        .await
        .map_err(|e| conflict_or(e, format!("The username '{username}' is taken.")))?;
        ward_links::replace::<user_ward::Entity>(txn, model.id, ward_ids).await?;
        if let Some(caller) = by {
            let details = rights_of(txn, role, all_wards, ward_ids).await?;
            audit::record(txn, caller, AuditAction::UserCreated, username, &details).await?;
        }
        account_of(model, ward_ids.to_vec())
    })
    .await
}

/// Changes a user's name, role and wards (administrators).
pub async fn update_user(
    db: &DatabaseConnection,
    caller: &Caller,
    changes: UserChanges,
) -> Result<UserAccount, AppError> {
    caller.require_admin()?;
    let ward_ids = linked_wards(changes.all_wards, changes.ward_ids);
    let display_name = changes.display_name.trim().to_owned();
    let mut checks = Checks::default();
    checks.add(rules::check_name(
        "display_name",
        &display_name,
        rules::DISPLAY_NAME_MAX,
    ));
    check_ward_ids(db, &mut checks, changes.all_wards, &ward_ids).await?;
    checks.finish()?;
    let existing = load_user(db, changes.id).await?;
    if caller.user_id() == Some(existing.id) && changes.role != Role::Admin {
        return Err(AppError::invalid(
            "role",
            "you cannot take the administrator role from yourself",
        ));
    }
    write(db, async |txn| {
        let mut model: user::ActiveModel = existing.into();
        model.display_name = Set(display_name);
        model.role = Set(changes.role.code().to_owned());
        model.all_wards = Set(changes.all_wards);
        model.updated_at = Set(Utc::now());
        let model = model.update(txn).await?;
        ward_links::replace::<user_ward::Entity>(txn, model.id, &ward_ids).await?;
        let details = rights_of(txn, changes.role, changes.all_wards, &ward_ids).await?;
        audit::record(
            txn,
            caller,
            AuditAction::UserChanged,
            &model.username,
            &details,
        )
        .await?;
        access::changed(txn, &user_key(model.id)).await?;
        account_of(model, ward_ids)
    })
    .await
}

/// Deactivates or reactivates an account (administrators). A deactivated
/// user's sessions end with their next request, and their open sockets
/// close.
pub async fn set_user_active(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    active: bool,
) -> Result<UserAccount, AppError> {
    caller.require_admin()?;
    if !active && caller.user_id() == Some(id) {
        return Err(AppError::invalid(
            "active",
            "you cannot deactivate your own account",
        ));
    }
    write(db, async |txn| {
        let mut model: user::ActiveModel = load_user(txn, id).await?.into();
        model.active = Set(active);
        model.updated_at = Set(Utc::now());
        let model = model.update(txn).await?;
        let ids = ward_links::of::<user_ward::Entity>(txn, model.id).await?;
        let action = if active {
            AuditAction::UserReactivated
        } else {
            AuditAction::UserDeactivated
        };
        audit::record(txn, caller, action, &model.username, "").await?;
        access::changed(txn, &user_key(model.id)).await?;
        account_of(model, ids)
    })
    .await
}

/// Stores a new password, which ends the user's sessions; a reset by an
/// administrator (`by`) is kept in the log.
async fn store_password(
    db: &DatabaseConnection,
    model: user::Model,
    password: String,
    by: Option<&Caller>,
) -> Result<(), AppError> {
    let hash = hash_password(password).await?;
    let id = model.id;
    let username = model.username.clone();
    let mut model: user::ActiveModel = model.into();
    model.password_hash = Set(hash);
    model.updated_at = Set(Utc::now());
    write(db, async |txn| {
        model.update(txn).await?;
        if let Some(caller) = by {
            audit::record(txn, caller, AuditAction::PasswordReset, &username, "").await?;
        }
        access::changed(txn, &user_key(id)).await?;
        Ok(())
    })
    .await
}

/// Sets a new password for someone who forgot theirs (administrators).
pub async fn reset_password(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    password: String,
) -> Result<(), AppError> {
    caller.require_admin()?;
    let mut checks = Checks::default();
    checks.add(rules::check_password("password", &password));
    checks.finish()?;
    let model = load_user(db, id).await?;
    store_password(db, model, password, Some(caller)).await
}

/// Changes the signed-in user's own password, given the current one.
pub async fn change_own_password(
    db: &DatabaseConnection,
    caller: &Caller,
    current: String,
    new: String,
) -> Result<(), AppError> {
    let id = caller.user_id().ok_or_else(AppError::forbidden)?;
    let mut checks = Checks::default();
    checks.add(rules::check_password("new_password", &new));
    if current == new {
        checks.add(Err(FieldError::new(
            "new_password",
            "must differ from the current password",
        )));
    }
    checks.finish()?;
    let model = load_user(db, id).await?;
    if !password_matches(current, model.password_hash.clone()).await? {
        return Err(AppError::invalid(
            "current_password",
            "is not your current password",
        ));
    }
    store_password(db, model, new, None).await
}

/// The signed-in user of a session, or `None` when the account no longer
/// exists or was deactivated (which ends the session).
pub async fn session_user(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Option<SessionUser>, AppError> {
    let Some(model) = user::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    if !model.active {
        return Ok(None);
    }
    let ward_ids = ward_links::of::<user_ward::Entity>(db, id).await?;
    let role = role_of(&model.role)?;
    Ok(Some(SessionUser {
        caller: Caller {
            principal: Principal::User {
                id,
                username: model.username.clone(),
                display_name: model.display_name.clone(),
            },
            role,
            wards: WardScope::new(model.all_wards, ward_ids),
        },
        current: CurrentUser {
            id,
            username: model.username,
            display_name: model.display_name,
            role,
        },
        auth_hash: model.password_hash.into_bytes(),
    }))
}

/// The active users of the given roles who may see patients of `ward_id`.
pub async fn users_of_ward(
    db: &impl ConnectionTrait,
    ward_id: i32,
    roles: &[Role],
) -> Result<Vec<i32>, AppError> {
    let users = user::Entity::find()
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await?;
    let wards = ward_links::of_all::<user_ward::Entity>(db).await?;
    Ok(users
        .into_iter()
        .filter(|u| role_of(&u.role).is_ok_and(|r| roles.contains(&r)))
        .filter(|u| u.all_wards || wards.get(&u.id).is_some_and(|w| w.contains(&ward_id)))
        .map(|u| u.id)
        .collect())
}
