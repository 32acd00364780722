use sea_orm_migration::prelude::*;

/// The priority of each notification (high, medium, low–medium or
/// information), set when it is sent: it decides how it looks and whether
/// it counts on the bell.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Notifications {
    Table,
    Priority,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Notifications::Table)
                    .add_column(
                        ColumnDef::new(Notifications::Priority)
                            .string_len(20)
                            .not_null()
                            .default("information"),
                    )
                    .to_owned(),
            )
            .await?;
        // Notifications sent before: by their kind, and a NEWS2 alert by
        // the band its message names.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE notifications SET priority = CASE \
                 WHEN kind = 'escalated' THEN 'high' \
                 WHEN kind = 'news2_rose' AND message LIKE '%High:%' THEN 'high' \
                 WHEN kind = 'news2_rose' AND message LIKE '%Low–medium%' THEN 'low_medium' \
                 WHEN kind IN ('news2_rose', 'critical_phase', 'warning_sign') THEN 'medium' \
                 WHEN kind = 'round_due' THEN 'low_medium' \
                 ELSE 'information' END",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Notifications::Table)
                    .drop_column(Notifications::Priority)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
