use sea_orm_migration::prelude::*;

/// The phase and NEWS2 stored with each patient (kept current as rounds
/// change), notifications with per-user opt-outs, and the round-due
/// reminders already sent.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Patients {
    Table,
    Phase,
    PhaseReason,
    PhaseSince,
    ManualPhase,
    News2Total,
    News2Band,
    Observations,
    LastRoundAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    PatientId,
    Message,
    Reason,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum NotificationOptOuts {
    Table,
    UserId,
    Kind,
}

#[derive(DeriveIden, Clone, Copy)]
enum RoundReminders {
    Table,
    Id,
    PatientId,
    DueAt,
    CreatedAt,
}

fn nullable<T: IntoIden>(col: T, kind: fn(&mut ColumnDef) -> &mut ColumnDef) -> ColumnDef {
    let mut def = ColumnDef::new(col);
    kind(&mut def).null();
    def
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        for column in [
            nullable(Patients::Phase, |c| c.string_len(10)),
            nullable(Patients::PhaseReason, ColumnDef::text),
            nullable(Patients::PhaseSince, ColumnDef::timestamp_with_time_zone),
            nullable(Patients::ManualPhase, ColumnDef::text),
            nullable(Patients::News2Total, ColumnDef::integer),
            nullable(Patients::News2Band, |c| c.string_len(12)),
            nullable(Patients::Observations, ColumnDef::text),
            nullable(Patients::LastRoundAt, ColumnDef::timestamp_with_time_zone),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Patients::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(
                        ColumnDef::new(Notifications::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Notifications::UserId).integer().not_null())
                    .col(
                        ColumnDef::new(Notifications::Kind)
                            .string_len(20)
                            .not_null(),
                    )
                    .col(nullable(Notifications::PatientId, ColumnDef::integer))
                    .col(ColumnDef::new(Notifications::Message).text().not_null())
                    .col(ColumnDef::new(Notifications::Reason).text().not_null())
                    .col(
                        ColumnDef::new(Notifications::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(nullable(
                        Notifications::ReadAt,
                        ColumnDef::timestamp_with_time_zone,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_notifications_user")
                    .table(Notifications::Table)
                    .col(Notifications::UserId)
                    .col(Notifications::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NotificationOptOuts::Table)
                    .col(
                        ColumnDef::new(NotificationOptOuts::UserId)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(NotificationOptOuts::Kind)
                            .string_len(20)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(NotificationOptOuts::UserId)
                            .col(NotificationOptOuts::Kind),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RoundReminders::Table)
                    .col(
                        ColumnDef::new(RoundReminders::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(RoundReminders::PatientId)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RoundReminders::DueAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RoundReminders::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_round_reminders_once")
                    .table(RoundReminders::Table)
                    .col(RoundReminders::PatientId)
                    .col(RoundReminders::DueAt)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RoundReminders::Table.into_iden(),
            NotificationOptOuts::Table.into_iden(),
            Notifications::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for column in [
            Patients::Phase,
            Patients::PhaseReason,
            Patients::PhaseSince,
            Patients::ManualPhase,
            Patients::News2Total,
            Patients::News2Band,
            Patients::Observations,
            Patients::LastRoundAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Patients::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
