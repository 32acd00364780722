use sea_orm_migration::prelude::*;

/// The stored event log behind live updates (its id is the sequence number
/// clients resume from) and the one-use tickets that open a socket.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Events {
    Table,
    Seq,
    At,
    Stream,
    Action,
    PatientId,
    WardId,
    UserId,
    Data,
}

#[derive(DeriveIden, Clone, Copy)]
enum SocketTickets {
    Table,
    TicketHash,
    Caller,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(
                        ColumnDef::new(Events::Seq)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Events::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Events::Stream).string_len(20).not_null())
                    .col(ColumnDef::new(Events::Action).string_len(10).not_null())
                    .col(ColumnDef::new(Events::PatientId).integer().null())
                    .col(ColumnDef::new(Events::WardId).integer().null())
                    .col(ColumnDef::new(Events::UserId).integer().null())
                    .col(ColumnDef::new(Events::Data).text().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_events_at")
                    .table(Events::Table)
                    .col(Events::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SocketTickets::Table)
                    .col(
                        ColumnDef::new(SocketTickets::TicketHash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SocketTickets::Caller).text().not_null())
                    .col(
                        ColumnDef::new(SocketTickets::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [SocketTickets::Table.into_iden(), Events::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
