use sea_orm_migration::prelude::*;

/// How each user wants values shown: temperature unit and 12- or 24-hour
/// clock. A user without a row sees the defaults (°C, 24-hour).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum DisplayPreferences {
    Table,
    UserId,
    TemperatureUnit,
    Clock,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DisplayPreferences::Table)
                    .col(
                        ColumnDef::new(DisplayPreferences::UserId)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(DisplayPreferences::TemperatureUnit)
                            .string_len(2)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(DisplayPreferences::Clock)
                            .string_len(3)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(DisplayPreferences::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DisplayPreferences::Table).to_owned())
            .await
    }
}
