//! The clinical reading of a patient's rounds: the columns the rules and
//! the charts read, the phase and NEWS2 now (stored with the patient after
//! every change, and notified where they call for it), the phase set by
//! hand, and the charts' series.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};

use super::service::warning_signs;
use super::{entity, series};
use crate::accounts::Caller;
use crate::error::AppError;
use crate::history::HistoryAction;
use crate::history::check_reason;
use crate::history::service::{self as history, Subject};
use crate::notifications::service::{About, notify};
use crate::notifications::{Snapshot, alerts};
use crate::patients::service::visible;
use crate::platform::db::write;
use crate::rules::news2::{self, Observations};
use crate::rules::{ClinicalStatus, Consciousness, RoundValues, WarningSign, phase};
use crate::vocabulary::Vocabulary;
use crate::zones;

type PatientModel = crate::patients::entity::Model;

/// The columns of a round the clinical rules and the charts read.
#[derive(FromQueryResult)]
struct ClinicalRow {
    measured_at: DateTime<Utc>,
    temperature_c: Option<f64>,
    pulse_per_min: Option<i32>,
    respiration_per_min: Option<i32>,
    systolic_mmhg: Option<i32>,
    diastolic_mmhg: Option<i32>,
    spo2_percent: Option<i32>,
    on_oxygen: Option<bool>,
    consciousness: Option<String>,
    hematocrit_percent: Option<f64>,
    platelets_k_per_ul: Option<f64>,
    intake_oral_ml: Option<i32>,
    intake_iv_ml: Option<i32>,
    intake_other_ml: Option<i32>,
    output_urine_ml: Option<i32>,
    output_emesis_ml: Option<i32>,
    output_drainage_ml: Option<i32>,
    output_other_ml: Option<i32>,
    warning_signs: String,
}

/// The rounds `select` finds, reading only the clinical columns.
async fn clinical_rows(
    select: sea_orm::Select<entity::Entity>,
    db: &impl ConnectionTrait,
) -> Result<Vec<RoundValues>, AppError> {
    use entity::Column as C;
    Ok(select
        .select_only()
        .columns([
            C::MeasuredAt,
            C::TemperatureC,
            C::PulsePerMin,
            C::RespirationPerMin,
            C::SystolicMmhg,
            C::DiastolicMmhg,
            C::Spo2Percent,
            C::OnOxygen,
            C::Consciousness,
            C::HematocritPercent,
            C::PlateletsKPerUl,
            C::IntakeOralMl,
            C::IntakeIvMl,
            C::IntakeOtherMl,
            C::OutputUrineMl,
            C::OutputEmesisMl,
            C::OutputDrainageMl,
            C::OutputOtherMl,
            C::WarningSigns,
        ])
        .into_model::<ClinicalRow>()
        .all(db)
        .await?
        .into_iter()
        .map(RoundValues::from)
        .collect())
}

impl From<ClinicalRow> for RoundValues {
    fn from(r: ClinicalRow) -> Self {
        RoundValues {
            temperature_c: r.temperature_c,
            pulse_per_min: r.pulse_per_min,
            respiration_per_min: r.respiration_per_min,
            systolic_mmhg: r.systolic_mmhg,
            diastolic_mmhg: r.diastolic_mmhg,
            spo2_percent: r.spo2_percent,
            on_oxygen: r.on_oxygen,
            consciousness: r.consciousness.as_deref().and_then(Consciousness::parse),
            hematocrit_percent: r.hematocrit_percent,
            platelets_k_per_ul: r.platelets_k_per_ul,
            intake_oral_ml: r.intake_oral_ml,
            intake_iv_ml: r.intake_iv_ml,
            intake_other_ml: r.intake_other_ml,
            output_urine_ml: r.output_urine_ml,
            output_emesis_ml: r.output_emesis_ml,
            output_drainage_ml: r.output_drainage_ml,
            output_other_ml: r.output_other_ml,
            warning_signs: warning_signs(&r.warning_signs),
            ..RoundValues::empty(r.measured_at)
        }
    }
}

/// How far back the phase and NEWS2 look: long enough for the febrile days
/// before defervescence and a whole critical episode.
const STATUS_WINDOW_DAYS: i64 = 14;

/// The rounds the status is assessed from: those of the window, oldest
/// first, after the stay's first hematocrit (the baseline of the leakage
/// rule) when that is older.
async fn status_rounds(
    db: &impl ConnectionTrait,
    patient_id: i32,
    now: DateTime<Utc>,
) -> Result<Vec<RoundValues>, AppError> {
    let from = now - chrono::Duration::days(STATUS_WINDOW_DAYS);
    let of_patient = entity::Column::PatientId.eq(patient_id);
    let in_order = |select: sea_orm::Select<entity::Entity>| {
        select
            .order_by_asc(entity::Column::MeasuredAt)
            .order_by_asc(entity::Column::Id)
    };
    let mut rows = clinical_rows(
        in_order(
            entity::Entity::find()
                .filter(of_patient.clone())
                .filter(entity::Column::MeasuredAt.gte(from)),
        ),
        db,
    )
    .await?;
    let baseline = clinical_rows(
        in_order(
            entity::Entity::find()
                .filter(of_patient)
                .filter(entity::Column::HematocritPercent.is_not_null()),
        )
        .limit(1),
        db,
    )
    .await?;
    if let Some(first) = baseline.into_iter().find(|b| b.measured_at < from) {
        rows.insert(0, first);
    }
    Ok(rows)
}

/// The phase (or the one set by hand) and NEWS2 of a patient now.
async fn status_of(
    db: &impl ConnectionTrait,
    patient: &PatientModel,
) -> Result<(ClinicalStatus, Option<DateTime<Utc>>), AppError> {
    let now = Utc::now();
    let values = status_rounds(db, patient.id, now).await?;
    let manual = crate::patients::service::manual_phase(patient);
    let observations = Observations::newest(&values);
    let newest = values.iter().map(|v| v.measured_at).max();
    Ok((
        ClinicalStatus {
            phase: phase::assess(&values, now, manual.as_ref()),
            news2: news2::news2(&observations, patient.spo2_scale2),
            observations,
        },
        newest,
    ))
}

/// Assesses the patient again after a change of its rounds or phase,
/// stores the result with it and notifies of what calls for it, all in the
/// change's transaction.
pub(super) async fn reassess(
    txn: &DatabaseTransaction,
    patient: PatientModel,
    new_signs: &[WarningSign],
) -> Result<ClinicalStatus, AppError> {
    let (status, newest) = status_of(txn, &patient).await?;
    let before = crate::patients::service::snapshot(&patient);
    let after = Snapshot {
        phase: Some(status.phase.phase),
        band: Some(status.news2.band),
        total: Some(status.news2.total),
    };
    let name = format!("{}, {}", patient.last_name, patient.first_name);
    let reasons: Vec<String> = status
        .news2
        .subscores
        .iter()
        .filter(|s| s.points > 0)
        .map(|s| s.reason.clone())
        .collect();
    let found = alerts(
        &name,
        before,
        after,
        &status.phase.reason,
        &reasons,
        new_signs,
    );
    let patient = crate::patients::service::store_status(txn, patient, &status, newest).await?;
    let about = About {
        patient_id: patient.id,
        ward_id: patient.ward_id,
    };
    for alert in &found {
        notify(txn, about, alert).await?;
    }
    Ok(status)
}

/// The patient's dengue phase and NEWS2 now, with every reason.
pub async fn clinical_status(
    db: &DatabaseConnection,
    caller: &Caller,
    patient_id: i32,
) -> Result<ClinicalStatus, AppError> {
    let patient = visible(db, caller, patient_id).await?;
    Ok(status_of(db, &patient).await?.0)
}

/// Sets the patient's phase by hand (`Some`) or returns it to the rules
/// (`None`); the reason is kept in the history (clinicians and administrators).
pub async fn set_phase(
    db: &DatabaseConnection,
    caller: &Caller,
    patient_id: i32,
    phase: Option<&str>,
    reason: &str,
) -> Result<ClinicalStatus, AppError> {
    caller.require_clinical_writer()?;
    let reason = check_reason(reason)?;
    let manual = phase
        .map(|code| {
            phase::Phase::parse(code.trim())
                .ok_or_else(|| {
                    AppError::invalid("phase", format!("must be one of {}", phase::Phase::codes()))
                })
                .map(|phase| phase::ManualPhase {
                    phase,
                    reason: reason.clone(),
                    by: history::actor_name(caller),
                    at: Utc::now(),
                })
        })
        .transpose()?;
    write(db, async |txn| {
        let patient = visible(txn, caller, patient_id).await?;
        let before = crate::patients::service::manual_phase(&patient);
        let patient =
            crate::patients::service::set_manual_phase(txn, patient, manual.as_ref()).await?;
        let subject = Subject::patient(patient_id);
        history::record(
            txn,
            caller,
            subject,
            HistoryAction::Phase,
            Some(&reason),
            before.as_ref(),
            manual.as_ref(),
        )
        .await?;
        let status = reassess(txn, patient, &[]).await?;
        Ok(status)
    })
    .await
}

/// The charts' series of a patient over a span, downsampled to `buckets`
/// points per measurement.
pub async fn charts(
    db: &DatabaseConnection,
    caller: &Caller,
    patient_id: i32,
    span: series::Span,
    buckets: Option<u64>,
) -> Result<series::Charts, AppError> {
    let buckets = match buckets {
        None => series::DEFAULT_BUCKETS,
        Some(n) if (1..=series::MAX_BUCKETS as u64).contains(&n) => n as usize,
        Some(_) => {
            return Err(AppError::invalid(
                "buckets",
                format!("must be between 1 and {}", series::MAX_BUCKETS),
            ));
        }
    };
    let patient = visible(db, caller, patient_id).await?;
    let (from, to) = series::range(span, patient.admitted_at, patient.discharged_at, Utc::now());
    let values = clinical_rows(
        entity::Entity::find()
            .filter(entity::Column::PatientId.eq(patient_id))
            .filter(entity::Column::MeasuredAt.gte(from))
            .filter(entity::Column::MeasuredAt.lte(to))
            .order_by_asc(entity::Column::MeasuredAt)
            .order_by_asc(entity::Column::Id),
        db,
    )
    .await?;
    Ok(series::charts(
        &values,
        span,
        (from, to),
        buckets,
        patient.spo2_scale2,
        zones::hospital(),
    ))
}
