use sea_orm_migration::prelude::*;

/// The NEWS2 total after each round (from the newest value of each
/// parameter up to it) on both SpO2 scales, so the charts of a long stay
/// are summed by the database; and whether a patient's rounds carry it,
/// false for the stays recorded before, which are scored once at start.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Rounds {
    Table,
    News2,
    News2Scale2,
}

#[derive(DeriveIden, Clone, Copy)]
enum Patients {
    Table,
    RoundsScored,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        for column in [Rounds::News2, Rounds::News2Scale2] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Rounds::Table)
                        .add_column(ColumnDef::new(column).small_integer().null())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Patients::Table)
                    .add_column(
                        ColumnDef::new(Patients::RoundsScored)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("UPDATE patients SET rounds_scored = FALSE")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Patients::Table)
                    .drop_column(Patients::RoundsScored)
                    .to_owned(),
            )
            .await?;
        for column in [Rounds::News2, Rounds::News2Scale2] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Rounds::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
