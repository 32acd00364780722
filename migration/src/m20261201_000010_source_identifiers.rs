use sea_orm_migration::prelude::*;

/// The identifiers other systems gave the measurements they sent (FHIR
/// `Observation.identifier`), each kept once with the round it went into,
/// so that sending the same measurement again adds nothing.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum SourceIdentifiers {
    Table,
    Id,
    System,
    Value,
    RoundId,
    Field,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SourceIdentifiers::Table)
                    .col(
                        ColumnDef::new(SourceIdentifiers::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(SourceIdentifiers::System)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SourceIdentifiers::Value)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SourceIdentifiers::RoundId)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SourceIdentifiers::Field)
                            .string_len(40)
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_source_identifiers_unique")
                    .table(SourceIdentifiers::Table)
                    .col(SourceIdentifiers::System)
                    .col(SourceIdentifiers::Value)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SourceIdentifiers::Table).to_owned())
            .await
    }
}
