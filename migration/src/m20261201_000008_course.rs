use sea_orm_migration::prelude::*;

/// The clinical course kept with each patient (what the rules need of its
/// rounds, so reading the phase does not scan the stay), the details of the
/// stored status (stale parameters, fluid targets) and the hematocrit
/// baseline a clinician may enter on admission.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Patients {
    Table,
    Course,
    BaselineHematocritPercent,
    StatusDetails,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        for column in [
            ColumnDef::new(Patients::Course).text().null().to_owned(),
            ColumnDef::new(Patients::BaselineHematocritPercent)
                .double()
                .null()
                .to_owned(),
            ColumnDef::new(Patients::StatusDetails)
                .text()
                .null()
                .to_owned(),
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
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Patients::Course,
            Patients::BaselineHematocritPercent,
            Patients::StatusDetails,
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
