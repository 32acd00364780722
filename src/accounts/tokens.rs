//! API tokens: made and revoked by administrators, and the caller a
//! bearer token stands for.

use chrono::Utc;
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::entity::{api_token, api_token_ward};
use super::rules::{self, Checks};
use super::users::{rights_of, role_of};
use super::wards::{check_ward_ids, linked_wards};
use super::{ApiToken, AuditAction, Caller, CreatedToken, Principal, Role, WardScope, token_key};
use super::{access, audit, ward_links};
use crate::error::AppError;
use crate::platform::db::write;
use crate::vocabulary::Vocabulary;

/// A new API token as an administrator enters it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewToken {
    pub name: String,
    pub role: Role,
    pub all_wards: bool,
    pub ward_ids: Vec<i32>,
}

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
    write(db, async |txn| {
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
        .insert(txn)
        .await?;
        ward_links::replace::<api_token_ward::Entity>(txn, model.id, &ward_ids).await?;
        let details = rights_of(txn, new.role, new.all_wards, &ward_ids).await?;
        audit::record(
            txn,
            caller,
            AuditAction::TokenCreated,
            &model.name,
            &details,
        )
        .await?;
        let ids = ward_ids;
        Ok(CreatedToken {
            token,
            details: token_of(model, ids)?,
        })
    })
    .await
}

/// Revokes an API token at once (administrators).
pub async fn revoke_token(
    db: &DatabaseConnection,
    caller: &Caller,
    id: i32,
) -> Result<ApiToken, AppError> {
    caller.require_admin()?;
    write(db, async |txn| {
        let existing = api_token::Entity::find_by_id(id)
            .one(txn)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("API token {id}")))?;
        let mut model: api_token::ActiveModel = existing.clone().into();
        if existing.revoked_at.is_none() {
            model.revoked_at = Set(Some(Utc::now()));
        }
        let model = model.update(txn).await?;
        let ids = ward_links::of::<api_token_ward::Entity>(txn, model.id).await?;
        if existing.revoked_at.is_none() {
            audit::record(txn, caller, AuditAction::TokenRevoked, &model.name, "").await?;
        }
        access::changed(txn, &token_key(model.id)).await?;
        token_of(model, ids)
    })
    .await
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
