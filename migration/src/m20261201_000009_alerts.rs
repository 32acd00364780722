use sea_orm_migration::prelude::*;

/// Alerts someone must answer: raised with the notifications of a safety
/// kind, open until a clinician of the ward acknowledges them, escalated
/// once when their response time passes.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Alerts {
    Table,
    Id,
    PatientId,
    WardId,
    Kind,
    Message,
    Reason,
    RaisedAt,
    RespondBy,
    EscalatedAt,
    AcknowledgedAt,
    AcknowledgedBy,
    Response,
    Note,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let time = |column: Alerts| {
            let mut def = ColumnDef::new(column);
            def.timestamp_with_time_zone().not_null();
            def
        };
        let optional_time = |column: Alerts| {
            let mut def = ColumnDef::new(column);
            def.timestamp_with_time_zone().null();
            def
        };
        manager
            .create_table(
                Table::create()
                    .table(Alerts::Table)
                    .col(
                        ColumnDef::new(Alerts::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Alerts::PatientId).integer().not_null())
                    .col(ColumnDef::new(Alerts::WardId).integer().not_null())
                    .col(ColumnDef::new(Alerts::Kind).string_len(20).not_null())
                    .col(ColumnDef::new(Alerts::Message).text().not_null())
                    .col(ColumnDef::new(Alerts::Reason).text().not_null())
                    .col(time(Alerts::RaisedAt))
                    .col(time(Alerts::RespondBy))
                    .col(optional_time(Alerts::EscalatedAt))
                    .col(optional_time(Alerts::AcknowledgedAt))
                    .col(ColumnDef::new(Alerts::AcknowledgedBy).text().null())
                    .col(ColumnDef::new(Alerts::Response).string_len(30).null())
                    .col(ColumnDef::new(Alerts::Note).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_alerts_open")
                    .table(Alerts::Table)
                    .col(Alerts::AcknowledgedAt)
                    .col(Alerts::PatientId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alerts::Table).to_owned())
            .await
    }
}
