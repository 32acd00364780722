use sea_orm_migration::prelude::*;

/// A single-row table that records which product created the database and
/// when, so an operator can tell a vitalboard database from any other.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SchemaInfo {
    Table,
    Id,
    Product,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SchemaInfo::Table)
                    .col(
                        ColumnDef::new(SchemaInfo::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SchemaInfo::Product).string().not_null())
                    .col(
                        ColumnDef::new(SchemaInfo::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null()
                            .default(Expr::current_timestamp()),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(SchemaInfo::Table)
                    .columns([SchemaInfo::Id, SchemaInfo::Product])
                    .values_panic([1.into(), "vitalboard".into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SchemaInfo::Table).to_owned())
            .await
    }
}
