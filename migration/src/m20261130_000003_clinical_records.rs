use sea_orm_migration::prelude::*;

/// Patients, charting rounds and the change history of both.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Patients {
    Table,
    Id,
    WardId,
    FirstName,
    LastName,
    HospitalNumber,
    AdmissionNumber,
    BirthDate,
    Sex,
    Bed,
    AdmittedAt,
    DischargedAt,
    MonitoringIntervalHours,
    Spo2Scale2,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Wards {
    Table,
    Id,
}

/// Every measurement column is nullable: rounds are partial. Units are in
/// the names (°C, /min, mmHg, %, ml, 10^3/µL, cm, kg).
#[derive(DeriveIden, Clone, Copy)]
enum Rounds {
    Table,
    Id,
    PatientId,
    MeasuredAt,
    Shift,
    DayOfFever,
    RecordedBy,
    RecordedByName,
    TemperatureC,
    PulsePerMin,
    RespirationPerMin,
    SystolicMmhg,
    DiastolicMmhg,
    Spo2Percent,
    OnOxygen,
    Consciousness,
    IntakeOralMl,
    IntakeIvMl,
    IntakeOtherMl,
    OutputUrineMl,
    OutputEmesisMl,
    OutputDrainageMl,
    OutputOtherMl,
    HematocritPercent,
    PlateletsKPerUl,
    WbcKPerUl,
    PainScore,
    AbdominalCircumferenceCm,
    WeightKg,
    WarningSigns,
    ClinicalNotes,
    MedicalAdvice,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum History {
    Table,
    Id,
    Entity,
    EntityId,
    PatientId,
    Action,
    ActorUserId,
    ActorName,
    At,
    Reason,
    Before,
    After,
}

fn timestamp<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn optional<T: IntoIden>(col: T, kind: fn(&mut ColumnDef) -> &mut ColumnDef) -> ColumnDef {
    let mut def = ColumnDef::new(col);
    kind(&mut def).null();
    def
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Patients::Table)
                    .col(
                        ColumnDef::new(Patients::Id)
                            .integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Patients::WardId).integer().not_null())
                    .col(
                        ColumnDef::new(Patients::FirstName)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Patients::LastName)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Patients::HospitalNumber)
                            .string_len(40)
                            .not_null()
                            .unique_key(),
                    )
                    .col(optional(Patients::AdmissionNumber, |c| c.string_len(40)))
                    .col(optional(Patients::BirthDate, ColumnDef::date))
                    .col(ColumnDef::new(Patients::Sex).string_len(10).not_null())
                    .col(optional(Patients::Bed, |c| c.string_len(20)))
                    .col(timestamp(Patients::AdmittedAt))
                    .col(optional(
                        Patients::DischargedAt,
                        ColumnDef::timestamp_with_time_zone,
                    ))
                    .col(
                        ColumnDef::new(Patients::MonitoringIntervalHours)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Patients::Spo2Scale2)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(timestamp(Patients::CreatedAt))
                    .col(timestamp(Patients::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Patients::Table, Patients::WardId)
                            .to(Wards::Table, Wards::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_patients_ward_discharged",
                [Patients::WardId, Patients::DischargedAt],
            ),
            (
                "idx_patients_name",
                [Patients::LastName, Patients::FirstName],
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Patients::Table)
                        .col(cols[0])
                        .col(cols[1])
                        .to_owned(),
                )
                .await?;
        }

        let mut rounds = Table::create();
        rounds
            .table(Rounds::Table)
            .col(
                ColumnDef::new(Rounds::Id)
                    .integer()
                    .not_null()
                    .auto_increment()
                    .primary_key(),
            )
            .col(ColumnDef::new(Rounds::PatientId).integer().not_null())
            .col(timestamp(Rounds::MeasuredAt))
            .col(ColumnDef::new(Rounds::Shift).string_len(10).not_null())
            .col(optional(Rounds::DayOfFever, ColumnDef::integer))
            .col(optional(Rounds::RecordedBy, ColumnDef::integer))
            .col(
                ColumnDef::new(Rounds::RecordedByName)
                    .string_len(120)
                    .not_null(),
            );
        for col in [
            Rounds::TemperatureC,
            Rounds::HematocritPercent,
            Rounds::PlateletsKPerUl,
            Rounds::WbcKPerUl,
            Rounds::AbdominalCircumferenceCm,
            Rounds::WeightKg,
        ] {
            rounds.col(optional(col, ColumnDef::double));
        }
        for col in [
            Rounds::PulsePerMin,
            Rounds::RespirationPerMin,
            Rounds::SystolicMmhg,
            Rounds::DiastolicMmhg,
            Rounds::Spo2Percent,
            Rounds::IntakeOralMl,
            Rounds::IntakeIvMl,
            Rounds::IntakeOtherMl,
            Rounds::OutputUrineMl,
            Rounds::OutputEmesisMl,
            Rounds::OutputDrainageMl,
            Rounds::OutputOtherMl,
            Rounds::PainScore,
        ] {
            rounds.col(optional(col, ColumnDef::integer));
        }
        rounds
            .col(optional(Rounds::OnOxygen, ColumnDef::boolean))
            .col(optional(Rounds::Consciousness, |c| c.string_len(1)))
            .col(
                ColumnDef::new(Rounds::WarningSigns)
                    .string_len(200)
                    .not_null()
                    .default(""),
            )
            .col(optional(Rounds::ClinicalNotes, ColumnDef::text))
            .col(optional(Rounds::MedicalAdvice, ColumnDef::text))
            .col(timestamp(Rounds::CreatedAt))
            .col(timestamp(Rounds::UpdatedAt))
            .foreign_key(
                ForeignKey::create()
                    .from(Rounds::Table, Rounds::PatientId)
                    .to(Patients::Table, Patients::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            );
        manager.create_table(rounds.to_owned()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rounds_patient_time")
                    .table(Rounds::Table)
                    .col(Rounds::PatientId)
                    .col(Rounds::MeasuredAt)
                    .col(Rounds::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(History::Table)
                    .col(
                        ColumnDef::new(History::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(History::Entity).string_len(10).not_null())
                    .col(ColumnDef::new(History::EntityId).integer().not_null())
                    .col(ColumnDef::new(History::PatientId).integer().not_null())
                    .col(ColumnDef::new(History::Action).string_len(10).not_null())
                    .col(optional(History::ActorUserId, ColumnDef::integer))
                    .col(
                        ColumnDef::new(History::ActorName)
                            .string_len(120)
                            .not_null(),
                    )
                    .col(timestamp(History::At))
                    .col(optional(History::Reason, ColumnDef::text))
                    .col(optional(History::Before, ColumnDef::text))
                    .col(optional(History::After, ColumnDef::text))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_history_patient")
                    .table(History::Table)
                    .col(History::PatientId)
                    .col(History::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_history_entity")
                    .table(History::Table)
                    .col(History::Entity)
                    .col(History::EntityId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            History::Table.into_iden(),
            Rounds::Table.into_iden(),
            Patients::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
