//! Accounts: the only code that touches wards, users, API tokens and failed
//! sign-ins. Every function that acts for someone takes the `Caller` and
//! checks its rights first.

use chrono::Utc;
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, SqlErr,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::entity::{api_token, api_token_ward, user, user_ward, ward};
use super::rules::{self, Checks};
use super::ward_links;
use super::{
    ApiToken, AuditAction, Caller, CreatedToken, CurrentUser, Principal, Role, UserAccount, Ward,
    WardScope, token_key, user_key,
};
use super::{access, audit};
use crate::error::{AppError, FieldError};
use crate::live::events;
use crate::server::db::begin_write;
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

/// A new API token as an administrator enters it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewToken {
    pub name: String,
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

/// The wards to link: none for "all wards", else sorted without repeats.
fn linked_wards(all_wards: bool, mut ids: Vec<i32>) -> Vec<i32> {
    if all_wards {
        return Vec::new();
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn role_of(text: &str) -> Result<Role, AppError> {
    Role::parse(text).ok_or_else(|| AppError::internal("stored role", text))
}

fn conflict_or(err: sea_orm::DbErr, message: String) -> AppError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict(message),
        _ => err.into(),
    }
}

async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|e| AppError::internal("password hashing", e))
}

pub(super) async fn password_matches(password: String, hash: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok())
        .await
        .map_err(|e| AppError::internal("password check", e))
}

// ---------------------------------------------------------------- wards

/// The wards the caller may see, by name.
pub async fn list_wards(db: &DatabaseConnection, caller: &Caller) -> Result<Vec<Ward>, AppError> {
    let all = ward::Entity::find()
        .order_by_asc(ward::Column::Name)
        .all(db)
        .await?;
    Ok(all
        .into_iter()
        .filter(|w| caller.wards.includes(w.id))
        .map(|w| Ward {
            id: w.id,
            name: w.name,
        })
        .collect())
}

/// Adds a ward (administrators).
pub async fn create_ward(
    db: &DatabaseConnection,
    caller: &Caller,
    name: &str,
) -> Result<Ward, AppError> {
    caller.require_admin()?;
    let name = name.trim();
    let mut checks = Checks::default();
    checks.add(rules::check_name("name", name, rules::WARD_NAME_MAX));
    checks.finish()?;
    let txn = begin_write(db).await?;
    let model = ward::ActiveModel {
        name: Set(name.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| conflict_or(e, format!("A ward named '{name}' already exists.")))?;
    audit::record(&txn, caller, AuditAction::WardCreated, &model.name, "").await?;
    txn.commit().await?;
    Ok(Ward {
        id: model.id,
        name: model.name,
    })
}

/// Renames a ward (administrators).
pub async fn rename_ward(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
    name: &str,
) -> Result<Ward, AppError> {
    caller.require_admin()?;
    let name = name.trim();
    let mut checks = Checks::default();
    checks.add(rules::check_name("name", name, rules::WARD_NAME_MAX));
    checks.finish()?;
    let txn = begin_write(db).await?;
    let existing = ward::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Ward {id}")))?;
    let before = existing.name.clone();
    let mut model: ward::ActiveModel = existing.into();
    model.name = Set(name.to_owned());
    let model = model
        .update(&txn)
        .await
        .map_err(|e| conflict_or(e, format!("A ward named '{name}' already exists.")))?;
    let details = format!("was “{before}”");
    audit::record(
        &txn,
        caller,
        AuditAction::WardRenamed,
        &model.name,
        &details,
    )
    .await?;
    txn.commit().await?;
    Ok(Ward {
        id: model.id,
        name: model.name,
    })
}

async fn check_ward_ids(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    all_wards: bool,
    ward_ids: &[i32],
) -> Result<(), AppError> {
    if all_wards {
        return Ok(());
    }
    if ward_ids.is_empty() {
        checks.add(Err(FieldError::new(
            "ward_ids",
            "choose at least one ward, or all wards",
        )));
        return Ok(());
    }
    let known: Vec<i32> = ward::Entity::find()
        .filter(ward::Column::Id.is_in(ward_ids.to_vec()))
        .all(db)
        .await?
        .into_iter()
        .map(|w| w.id)
        .collect();
    let unknown: Vec<String> = ward_ids
        .iter()
        .filter(|id| !known.contains(id))
        .map(ToString::to_string)
        .collect();
    if !unknown.is_empty() {
        checks.add(Err(FieldError::new(
            "ward_ids",
            format!("no such ward: {}", unknown.join(", ")),
        )));
    }
    Ok(())
}

// ---------------------------------------------------------------- users

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
struct NewAccount<'a> {
    username: &'a str,
    display_name: &'a str,
    role: Role,
    all_wards: bool,
    ward_ids: &'a [i32],
}

/// What the log says of an account's role and wards, by name.
async fn rights_of(
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
async fn insert_user(
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
    let txn = begin_write(db).await?;
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
    .insert(&txn)
    .await
    .map_err(|e| conflict_or(e, format!("The username '{username}' is taken.")))?;
    ward_links::replace::<user_ward::Entity>(&txn, model.id, ward_ids).await?;
    if let Some(caller) = by {
        let details = rights_of(&txn, role, all_wards, ward_ids).await?;
        audit::record(&txn, caller, AuditAction::UserCreated, username, &details).await?;
    }
    txn.commit().await?;
    account_of(model, ward_ids.to_vec())
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
    let txn = begin_write(db).await?;
    let mut model: user::ActiveModel = existing.into();
    model.display_name = Set(display_name);
    model.role = Set(changes.role.code().to_owned());
    model.all_wards = Set(changes.all_wards);
    model.updated_at = Set(Utc::now());
    let model = model.update(&txn).await?;
    ward_links::replace::<user_ward::Entity>(&txn, model.id, &ward_ids).await?;
    let details = rights_of(&txn, changes.role, changes.all_wards, &ward_ids).await?;
    audit::record(
        &txn,
        caller,
        AuditAction::UserChanged,
        &model.username,
        &details,
    )
    .await?;
    access::changed(&txn, &user_key(model.id)).await?;
    events::commit(txn).await?;
    account_of(model, ward_ids)
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
    let txn = begin_write(db).await?;
    let mut model: user::ActiveModel = load_user(&txn, id).await?.into();
    model.active = Set(active);
    model.updated_at = Set(Utc::now());
    let model = model.update(&txn).await?;
    let ids = ward_links::of::<user_ward::Entity>(&txn, model.id).await?;
    let action = if active {
        AuditAction::UserReactivated
    } else {
        AuditAction::UserDeactivated
    };
    audit::record(&txn, caller, action, &model.username, "").await?;
    access::changed(&txn, &user_key(model.id)).await?;
    events::commit(txn).await?;
    account_of(model, ids)
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
    let txn = begin_write(db).await?;
    model.update(&txn).await?;
    if let Some(caller) = by {
        audit::record(&txn, caller, AuditAction::PasswordReset, &username, "").await?;
    }
    access::changed(&txn, &user_key(id)).await?;
    events::commit(txn).await
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

// ---------------------------------------------------------------- API tokens

const TOKEN_PREFIX: &str = "vb_";
/// Seconds between updates of a token's last-used time.
const TOKEN_USE_RESOLUTION: i64 = 60;

/// The SHA-256 of a secret, as stored in place of the secret.
pub(crate) fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `bytes` random bytes as hexadecimal, for secrets.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    buffer.iter().map(|b| format!("{b:02x}")).collect()
}

fn token_of(model: api_token::Model, ward_ids: Vec<i32>) -> Result<ApiToken, AppError> {
    Ok(ApiToken {
        id: model.id,
        role: role_of(&model.role)?,
        name: model.name,
        prefix: model.prefix,
        all_wards: model.all_wards,
        ward_ids: if model.all_wards {
            Vec::new()
        } else {
            ward_ids
        },
        created_at: model.created_at,
        last_used_at: model.last_used_at,
        revoked_at: model.revoked_at,
    })
}

/// Every API token, newest first, without secrets (administrators).
pub async fn list_tokens(
    db: &DatabaseConnection,
    caller: &Caller,
) -> Result<Vec<ApiToken>, AppError> {
    caller.require_admin()?;
    let tokens = api_token::Entity::find()
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?;
    let mut wards = ward_links::of_all::<api_token_ward::Entity>(db).await?;
    tokens
        .into_iter()
        .map(|t| {
            let ids = wards.remove(&t.id).unwrap_or_default();
            token_of(t, ids)
        })
        .collect()
}

/// Creates an API token; its secret is returned this once (administrators).
pub async fn create_token(
    db: &DatabaseConnection,
    caller: &Caller,
    new: NewToken,
) -> Result<CreatedToken, AppError> {
    caller.require_admin()?;
    let ward_ids = linked_wards(new.all_wards, new.ward_ids);
    let name = new.name.trim().to_owned();
    let mut checks = Checks::default();
    checks.add(rules::check_name("name", &name, rules::TOKEN_NAME_MAX));
    check_ward_ids(db, &mut checks, new.all_wards, &ward_ids).await?;
    checks.finish()?;
    let token = format!("{TOKEN_PREFIX}{}", random_hex(32));
    let txn = begin_write(db).await?;
    let model = api_token::ActiveModel {
        name: Set(name),
        token_hash: Set(token_hash(&token)),
        prefix: Set(token[..10].to_owned()),
        role: Set(new.role.code().to_owned()),
        all_wards: Set(new.all_wards),
        created_by: Set(caller.user_id()),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    ward_links::replace::<api_token_ward::Entity>(&txn, model.id, &ward_ids).await?;
    let details = rights_of(&txn, new.role, new.all_wards, &ward_ids).await?;
    audit::record(
        &txn,
        caller,
        AuditAction::TokenCreated,
        &model.name,
        &details,
    )
    .await?;
    txn.commit().await?;
    let ids = ward_ids;
    Ok(CreatedToken {
        token,
        details: token_of(model, ids)?,
    })
}

/// Revokes an API token at once (administrators).
pub async fn revoke_token(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<ApiToken, AppError> {
    caller.require_admin()?;
    let txn = begin_write(db).await?;
    let existing = api_token::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("API token {id}")))?;
    let mut model: api_token::ActiveModel = existing.clone().into();
    if existing.revoked_at.is_none() {
        model.revoked_at = Set(Some(Utc::now()));
    }
    let model = model.update(&txn).await?;
    let ids = ward_links::of::<api_token_ward::Entity>(&txn, model.id).await?;
    if existing.revoked_at.is_none() {
        audit::record(&txn, caller, AuditAction::TokenRevoked, &model.name, "").await?;
    }
    access::changed(&txn, &token_key(model.id)).await?;
    events::commit(txn).await?;
    token_of(model, ids)
}

/// The caller behind a bearer token; revoked and unknown tokens are refused.
pub async fn caller_for_token(db: &DatabaseConnection, token: &str) -> Result<Caller, AppError> {
    let refused =
        || AppError::Unauthorized("The API token is not valid or has been revoked.".into());
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 128 {
        return Err(refused());
    }
    let model = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash(token)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(refused)?;
    let now = Utc::now();
    if model
        .last_used_at
        .is_none_or(|t| (now - t).num_seconds() >= TOKEN_USE_RESOLUTION)
    {
        api_token::Entity::update_many()
            .col_expr(
                api_token::Column::LastUsedAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(api_token::Column::Id.eq(model.id))
            .exec(db)
            .await?;
    }
    token_caller(db, model).await
}

/// The caller of the API token `id` as it is now; `None` when it was
/// revoked or removed.
pub async fn caller_for_token_id(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Option<Caller>, AppError> {
    let model = api_token::Entity::find_by_id(id)
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    match model {
        Some(model) => Ok(Some(token_caller(db, model).await?)),
        None => Ok(None),
    }
}

async fn token_caller(
    db: &DatabaseConnection,
    model: api_token::Model,
) -> Result<Caller, AppError> {
    let ward_ids = ward_links::of::<api_token_ward::Entity>(db, model.id).await?;
    Ok(Caller {
        principal: Principal::Token {
            id: model.id,
            name: model.name,
        },
        role: role_of(&model.role)?,
        wards: WardScope::new(model.all_wards, ward_ids),
    })
}

// ---------------------------------------------------------------- first start

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
