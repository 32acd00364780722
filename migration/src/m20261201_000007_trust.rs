use sea_orm_migration::prelude::*;

/// Sign-in throttling by username and client address, the audit of
/// administration, and the answers kept for retried writes.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum LoginFailures {
    Table,
    Client,
    FailedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AdminAudit {
    Table,
    Id,
    At,
    ActorUserId,
    Actor,
    Action,
    Subject,
    Details,
}

#[derive(DeriveIden, Clone, Copy)]
enum IdempotencyKeys {
    Table,
    Principal,
    Key,
    Request,
    Status,
    Body,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(LoginFailures::Table)
                    .add_column(
                        ColumnDef::new(LoginFailures::Client)
                            .string_len(64)
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_login_failures_client_time")
                    .table(LoginFailures::Table)
                    .col(LoginFailures::Client)
                    .col(LoginFailures::FailedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AdminAudit::Table)
                    .col(
                        ColumnDef::new(AdminAudit::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(AdminAudit::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(AdminAudit::ActorUserId).integer().null())
                    .col(ColumnDef::new(AdminAudit::Actor).string_len(200).not_null())
                    .col(ColumnDef::new(AdminAudit::Action).string_len(40).not_null())
                    .col(
                        ColumnDef::new(AdminAudit::Subject)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AdminAudit::Details).text().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_admin_audit_at")
                    .table(AdminAudit::Table)
                    .col(AdminAudit::At)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(
                        ColumnDef::new(IdempotencyKeys::Principal)
                            .string_len(80)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(IdempotencyKeys::Key)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(IdempotencyKeys::Request)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(IdempotencyKeys::Status).integer().not_null())
                    .col(ColumnDef::new(IdempotencyKeys::Body).text().not_null())
                    .col(
                        ColumnDef::new(IdempotencyKeys::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(IdempotencyKeys::Principal)
                            .col(IdempotencyKeys::Key),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_idempotency_keys_created_at")
                    .table(IdempotencyKeys::Table)
                    .col(IdempotencyKeys::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AdminAudit::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_login_failures_client_time")
                    .table(LoginFailures::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(LoginFailures::Table)
                    .drop_column(LoginFailures::Client)
                    .to_owned(),
            )
            .await
    }
}
