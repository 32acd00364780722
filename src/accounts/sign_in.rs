//! Checking a username and password, throttled the OWASP way: failures
//! count per username *and* client address, so guesses from one machine
//! lock that machine out, never the real user on every other one.

use std::sync::LazyLock;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};

use super::entity::{login_failure, user};
use super::rules::{self, Checks};
use super::users::password_matches;
use crate::error::{AppError, FieldError};

/// The message for a wrong username or a wrong password: the same for both,
/// so it does not tell which usernames exist.
pub const WRONG_CREDENTIALS: &str = "Wrong username or password.";

/// A hash no password matches, checked for unknown usernames so they cost
/// the same time as known ones.
static NO_USER_HASH: LazyLock<String> =
    LazyLock::new(|| password_auth::generate_hash(super::tokens::random_hex(16)));

fn locked(who: &str, until: DateTime<Utc>, now: DateTime<Utc>) -> AppError {
    let minutes = (until - now).num_minutes() + 1;
    AppError::TooManyRequests(format!(
        "Too many failed sign-ins {who}. Sign-in is locked; try again in {minutes} minute{}.",
        if minutes == 1 { "" } else { "s" }
    ))
}

/// Checks a username and password from `client` (an address, see
/// `server::client`), throttled per username and address. Returns the
/// user on success.
///
/// Each attempt is written down as a failure *before* its password is
/// checked, and only the attempts that then find at most the allowed
/// number of failures go on: of many parallel guesses, each sees every
/// one written before it, so at most the allowed number are checked.
pub async fn check_credentials(
    db: &DatabaseConnection,
    username: &str,
    password: String,
    client: &str,
) -> Result<user::Model, AppError> {
    let key = rules::username_key(username);
    let mut checks = Checks::default();
    if key.is_empty() {
        checks.add(Err(FieldError::new("username", "is required")));
    }
    if password.is_empty() {
        checks.add(Err(FieldError::new("password", "is required")));
    }
    if key.chars().count() > rules::USERNAME_MAX || password.chars().count() > rules::PASSWORD_MAX {
        return Err(AppError::Unauthorized(WRONG_CREDENTIALS.into()));
    }
    checks.finish()?;

    let now = Utc::now();
    let claim = login_failure::ActiveModel {
        username_key: Set(key.clone()),
        client: Set(client.to_owned()),
        failed_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let window = now - Duration::minutes(rules::LOCKOUT_WINDOW_MINUTES);
    let of_address = login_failure::Entity::find()
        .filter(login_failure::Column::Client.eq(client))
        .filter(login_failure::Column::FailedAt.gt(window));
    if of_address.clone().count(db).await? > rules::ADDRESS_FAILURES as u64 {
        let until = now + Duration::minutes(rules::LOCKOUT_WINDOW_MINUTES);
        metrics::counter!("vitalboard_sign_in_failures_total", "reason" => "locked").increment(1);
        return Err(locked("from this address", until, now));
    }
    let earlier: Vec<DateTime<Utc>> = of_address
        .filter(login_failure::Column::UsernameKey.eq(&key))
        .filter(login_failure::Column::Id.ne(claim.id))
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.failed_at)
        .collect();
    if earlier.len() >= rules::LOCKOUT_FAILURES {
        let until = rules::locked_until(&earlier, now).unwrap_or(now);
        metrics::counter!("vitalboard_sign_in_failures_total", "reason" => "locked").increment(1);
        return Err(locked("for this username from this address", until, now));
    }

    let found = user::Entity::find()
        .filter(user::Column::UsernameKey.eq(&key))
        .one(db)
        .await?;
    let hash = found
        .as_ref()
        .map_or_else(|| NO_USER_HASH.clone(), |m| m.password_hash.clone());
    let matches = password_matches(password, hash).await?;
    let Some(model) = found.filter(|_| matches) else {
        metrics::counter!("vitalboard_sign_in_failures_total", "reason" => "wrong").increment(1);
        return Err(AppError::Unauthorized(WRONG_CREDENTIALS.into()));
    };
    login_failure::Entity::delete_by_id(claim.id)
        .exec(db)
        .await?;
    if !model.active {
        return Err(AppError::Forbidden(
            "This account is deactivated. Ask an administrator to reactivate it.".into(),
        ));
    }
    login_failure::Entity::delete_many()
        .filter(login_failure::Column::UsernameKey.eq(&key))
        .filter(login_failure::Column::Client.eq(client))
        .exec(db)
        .await?;
    let mut active: user::ActiveModel = model.clone().into();
    active.last_login_at = Set(Some(now));
    Ok(active.update(db).await?)
}

/// Deletes failures too old to count.
pub async fn prune(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, AppError> {
    let before = now - Duration::minutes(2 * rules::LOCKOUT_WINDOW_MINUTES);
    Ok(login_failure::Entity::delete_many()
        .filter(login_failure::Column::FailedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
