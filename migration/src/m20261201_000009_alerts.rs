use sea_orm_migration::prelude::*;

/// Alerts someone must answer: raised with the notifications of a safety
/// kind, open until a clinician of the ward acknowledges them, escalated
/// once when their response time passes; and the medical advice given on a
/// patient outside a round (a remote consultant's).
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

#[derive(DeriveIden, Clone, Copy)]
enum Advice {
    Table,
    Id,
    PatientId,
    Text,
    Author,
    AuthorUserId,
    At,
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
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Advice::Table)
                    .col(
                        ColumnDef::new(Advice::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Advice::PatientId).integer().not_null())
                    .col(ColumnDef::new(Advice::Text).text().not_null())
                    .col(ColumnDef::new(Advice::Author).text().not_null())
                    .col(ColumnDef::new(Advice::AuthorUserId).integer().null())
                    .col(
                        ColumnDef::new(Advice::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_advice_patient")
                    .table(Advice::Table)
                    .col(Advice::PatientId)
                    .col(Advice::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Advice::Table.into_iden(), Alerts::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
