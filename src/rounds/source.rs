use sea_orm::entity::prelude::*;

/// A sender's identifier of a measurement and the round it went into.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "source_identifiers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub system: String,
    pub value: String,
    pub round_id: i32,
    pub field: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
