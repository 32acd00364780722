use sea_orm_migration::prelude::*;

/// The NEWS2 total after each round (from the newest value of each
/// parameter up to it) on both SpO2 scales; each patient's rounds summed
/// per hour (`round_hours`), so the charts of a long stay read a row per
/// hour, not per round; and whether a patient's rounds are so summed,
/// false for the stays recorded before, which are summed once at start.
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
    Id,
    RoundsSummed,
}

#[derive(DeriveIden, Clone, Copy)]
enum RoundHours {
    Table,
    PatientId,
    /// The hour's start, seconds since 1970.
    Hour,
    Rounds,
    IntakeMl,
    OutputMl,
}

/// The measurements summed per hour: for each, how many values, their
/// sum, minimum and maximum, when the newest was measured and its value.
const SUMMED: [&str; 10] = [
    "temperature_c",
    "pulse_per_min",
    "respiration_per_min",
    "systolic_mmhg",
    "diastolic_mmhg",
    "spo2_percent",
    "hematocrit_percent",
    "platelets_k_per_ul",
    "news2",
    "news2_scale2",
];

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
                        ColumnDef::new(Patients::RoundsSummed)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared("UPDATE patients SET rounds_summed = FALSE")
            .await?;
        let mut hours = Table::create();
        hours
            .table(RoundHours::Table)
            .col(ColumnDef::new(RoundHours::PatientId).integer().not_null())
            .col(ColumnDef::new(RoundHours::Hour).big_integer().not_null())
            .col(ColumnDef::new(RoundHours::Rounds).integer().not_null())
            .col(
                ColumnDef::new(RoundHours::IntakeMl)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(RoundHours::OutputMl)
                    .big_integer()
                    .not_null(),
            );
        for measure in SUMMED {
            let column = |part: &str| Alias::new(format!("{measure}_{part}"));
            hours
                .col(ColumnDef::new(column("n")).integer().not_null())
                .col(ColumnDef::new(column("sum")).double().null())
                .col(ColumnDef::new(column("min")).double().null())
                .col(ColumnDef::new(column("max")).double().null())
                .col(
                    ColumnDef::new(column("last"))
                        .timestamp_with_time_zone()
                        .null(),
                )
                .col(ColumnDef::new(column("newest")).double().null());
        }
        hours
            .primary_key(
                Index::create()
                    .col(RoundHours::PatientId)
                    .col(RoundHours::Hour),
            )
            .foreign_key(
                ForeignKey::create()
                    .from(RoundHours::Table, RoundHours::PatientId)
                    .to(Patients::Table, Patients::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            );
        manager.create_table(hours.to_owned()).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RoundHours::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Patients::Table)
                    .drop_column(Patients::RoundsSummed)
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
