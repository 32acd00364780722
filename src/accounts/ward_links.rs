//! The wards a user or an API token may see, kept in a link table per owner
//! kind (`user_wards`, `api_token_wards`) and handled by the same code.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::entity::{api_token_ward, user_ward};

/// A table linking an owner to wards.
pub trait WardLinks: EntityTrait {
    fn owner_column() -> Self::Column;
    fn link(owner: i32, ward: i32) -> Self::ActiveModel;
    /// Owner and ward of a row.
    fn ends(row: &Self::Model) -> (i32, i32);
}

impl WardLinks for user_ward::Entity {
    fn owner_column() -> user_ward::Column {
        user_ward::Column::UserId
    }

    fn link(owner: i32, ward: i32) -> user_ward::ActiveModel {
        user_ward::ActiveModel {
            user_id: sea_orm::Set(owner),
            ward_id: sea_orm::Set(ward),
        }
    }

    fn ends(row: &user_ward::Model) -> (i32, i32) {
        (row.user_id, row.ward_id)
    }
}

impl WardLinks for api_token_ward::Entity {
    fn owner_column() -> api_token_ward::Column {
        api_token_ward::Column::TokenId
    }

    fn link(owner: i32, ward: i32) -> api_token_ward::ActiveModel {
        api_token_ward::ActiveModel {
            token_id: sea_orm::Set(owner),
            ward_id: sea_orm::Set(ward),
        }
    }

    fn ends(row: &api_token_ward::Model) -> (i32, i32) {
        (row.token_id, row.ward_id)
    }
}

/// The wards of one owner.
pub async fn of<L: WardLinks>(db: &impl ConnectionTrait, owner: i32) -> Result<Vec<i32>, DbErr> {
    Ok(L::find()
        .filter(L::owner_column().eq(owner))
        .all(db)
        .await?
        .iter()
        .map(|row| L::ends(row).1)
        .collect())
}

/// The wards of every owner.
pub async fn of_all<L: WardLinks>(
    db: &impl ConnectionTrait,
) -> Result<HashMap<i32, Vec<i32>>, DbErr> {
    let mut by_owner: HashMap<i32, Vec<i32>> = HashMap::new();
    for row in L::find().all(db).await? {
        let (owner, ward) = L::ends(&row);
        by_owner.entry(owner).or_default().push(ward);
    }
    Ok(by_owner)
}

/// Makes `wards` the owner's wards (none when it sees all wards).
pub async fn replace<L: WardLinks>(
    db: &impl ConnectionTrait,
    owner: i32,
    wards: &[i32],
) -> Result<(), DbErr> {
    L::delete_many()
        .filter(L::owner_column().eq(owner))
        .exec(db)
        .await?;
    if !wards.is_empty() {
        L::insert_many(wards.iter().map(|&ward| L::link(owner, ward)))
            .exec(db)
            .await?;
    }
    Ok(())
}
