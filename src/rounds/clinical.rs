//! The clinical reading of a patient's rounds: the columns the rules and
//! the charts read, the course of the stay kept with the patient (updated
//! round by round, folded again from the rounds only after a correction,
//! a deletion or a back-dated round), the phase and NEWS2 it gives (stored
//! after every change and as time passes, and notified where they call for
//! it), the phase set by hand, and the charts' series.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, StreamTrait,
};

use super::service::warning_signs;
use super::{buckets, entity, series};
use crate::accounts::Caller;
use crate::error::AppError;
use crate::history::HistoryAction;
use crate::history::check_reason;
use crate::history::service::{self as history, Subject};
use crate::notifications::service::{About, notify};
use crate::notifications::{Snapshot, alerts};
use crate::patients::service::visible;
use crate::platform::db::write;
use crate::rules::course::Course;
use crate::rules::news2;
use crate::rules::{ClinicalStatus, Consciousness, RoundValues, WarningSign, counting_age, phase};
use crate::vocabulary::Vocabulary;
use crate::zones;

type PatientModel = crate::patients::entity::Model;

/// The columns of a round the clinical rules and the charts read.
#[derive(FromQueryResult)]
struct ClinicalRow {
    id: i32,
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
    weight_kg: Option<f64>,
    warning_signs: String,
    news2: Option<i16>,
    news2_scale2: Option<i16>,
}

/// The columns of [`ClinicalRow`].
const CLINICAL_COLUMNS: [entity::Column; 23] = {
    use entity::Column as C;
    [
        C::Id,
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
        C::WeightKg,
        C::WarningSigns,
        C::News2,
        C::News2Scale2,
    ]
};

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
            weight_kg: r.weight_kg,
            warning_signs: warning_signs(&r.warning_signs),
            ..RoundValues::empty(r.measured_at)
        }
    }
}

/// How a change touched the patient's rounds.
#[derive(Clone, Copy)]
pub(super) enum Touched<'a> {
    /// These rounds were added (oldest first, each with its id); when none
    /// is older than the newest before, the kept course takes them one by
    /// one.
    Added(&'a [(i32, RoundValues)]),
    /// Rounds measured at these times were corrected or deleted (a
    /// correction names the time before and after): the course is folded
    /// again from the rounds.
    Changed(&'a [DateTime<Utc>]),
    /// No round changed: the course is folded from the rounds only if it
    /// is not kept.
    Unchanged,
}

/// The NEWS2 after a round (its id and time), on SpO2 scale 1 and 2, to
/// store with it.
type Scores = (i32, DateTime<Utc>, Option<[u8; 2]>);

/// The course of the patient's stay folded from all its rounds, oldest
/// first, read as a stream; with `rescored`, the rounds whose stored NEWS2
/// differs from the one the fold gives them, to store.
async fn folded(
    db: &(impl ConnectionTrait + StreamTrait),
    patient: &PatientModel,
    mut rescored: Option<&mut Vec<Scores>>,
) -> Result<Course, AppError> {
    use entity::Column as C;
    let mut rows = entity::Entity::find()
        .filter(C::PatientId.eq(patient.id))
        .order_by_asc(C::MeasuredAt)
        .order_by_asc(C::Id)
        .select_only()
        .columns(CLINICAL_COLUMNS)
        .into_model::<ClinicalRow>()
        .stream(db)
        .await?;
    let zone = zones::hospital();
    let mut course = Course::default();
    while let Some(row) = rows.try_next().await? {
        let (id, stored) = (row.id, [row.news2, row.news2_scale2]);
        let round = RoundValues::from(row);
        let at = round.measured_at;
        course.add(&round, zone, patient.baseline_hematocrit_percent);
        let scores = course.scores_after(&round);
        if let Some(out) = rescored.as_deref_mut()
            && stored != scores.map_or([None; 2], |s| s.map(|v| Some(i16::from(v))))
        {
            out.push((id, at, scores));
        }
    }
    Ok(course)
}

/// Stores the NEWS2 after each of these rounds, and adds the hours they
/// fall in to those to sum again.
async fn store_scores(
    txn: &DatabaseTransaction,
    scores: &[Scores],
    hours: &mut BTreeSet<i64>,
) -> Result<(), AppError> {
    use entity::Column as C;
    for &(id, at, score) in scores {
        hours.insert(buckets::hour_of(at, zones::hospital()));
        let [one, two] = score.map_or([None; 2], |s| s.map(|v| Some(i16::from(v))));
        entity::Entity::update_many()
            .col_expr(C::News2, Expr::value(one))
            .col_expr(C::News2Scale2, Expr::value(two))
            .filter(C::Id.eq(id))
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// Stores the NEWS2 after each round of the stays recorded before rounds
/// carried it and sums their hours, each stay in one transaction; answers
/// how many there were.
pub async fn summarise_stays(db: &DatabaseConnection) -> Result<usize, AppError> {
    use crate::patients::entity as patients;
    let unscored = patients::Entity::find()
        .filter(patients::Column::RoundsSummed.eq(false))
        .all(db)
        .await?;
    for patient in &unscored {
        write(db, async |txn| {
            let mut rescored = Vec::new();
            folded(txn, patient, Some(&mut rescored)).await?;
            let mut hours = BTreeSet::new();
            store_scores(txn, &rescored, &mut hours).await?;
            let times: Vec<DateTime<Utc>> = entity::Entity::find()
                .select_only()
                .column(entity::Column::MeasuredAt)
                .filter(entity::Column::PatientId.eq(patient.id))
                .into_tuple()
                .all(txn)
                .await?;
            let zone = zones::hospital();
            hours.extend(times.into_iter().map(|t| buckets::hour_of(t, zone)));
            buckets::recount(txn, patient.id, &hours).await?;
            patients::Entity::update_many()
                .col_expr(patients::Column::RoundsSummed, Expr::value(true))
                .filter(patients::Column::Id.eq(patient.id))
                .exec(txn)
                .await?;
            Ok(())
        })
        .await?;
    }
    Ok(unscored.len())
}

/// The course kept with the patient, or folded from its rounds when none
/// is kept.
async fn course_of(
    db: &(impl ConnectionTrait + StreamTrait),
    patient: &PatientModel,
) -> Result<Course, AppError> {
    match crate::patients::service::kept_course(patient) {
        Some(course) => Ok(course),
        None => folded(db, patient, None).await,
    }
}

/// The phase (or the one set by hand) and NEWS2 of a patient at `now`
/// from its course.
fn status_at(course: &Course, patient: &PatientModel, now: DateTime<Utc>) -> ClinicalStatus {
    let manual = crate::patients::service::manual_phase(patient);
    let (current, stale) =
        course.current_observations(now, counting_age(patient.monitoring_interval_hours));
    ClinicalStatus {
        phase: course.phase(now, manual.as_ref()),
        news2: news2::news2(&current, patient.spo2_scale2),
        observations: course.observations,
        stale,
        fluids: course.fluids(now, zones::hospital(), patient.baseline_hematocrit_percent),
    }
}

/// Assesses the patient again after a change of its rounds or phase,
/// stores the result and the course with it and notifies of what calls
/// for it, all in the change's transaction.
pub(super) async fn reassess(
    txn: &DatabaseTransaction,
    patient: PatientModel,
    touched: Touched<'_>,
    new_signs: &[WarningSign],
    now: DateTime<Utc>,
) -> Result<ClinicalStatus, AppError> {
    let kept = crate::patients::service::kept_course(&patient);
    let zone = zones::hospital();
    let mut hours: BTreeSet<i64> = match touched {
        Touched::Added(rounds) => rounds
            .iter()
            .map(|(_, r)| buckets::hour_of(r.measured_at, zone))
            .collect(),
        Touched::Changed(times) => times.iter().map(|t| buckets::hour_of(*t, zone)).collect(),
        Touched::Unchanged => BTreeSet::new(),
    };
    let course = match (touched, kept) {
        (Touched::Added(rounds), Some(mut course))
            if rounds.first().is_some_and(|(_, r)| course.takes(r)) =>
        {
            let mut scores = Vec::with_capacity(rounds.len());
            for (id, round) in rounds {
                course.add(
                    round,
                    zones::hospital(),
                    patient.baseline_hematocrit_percent,
                );
                scores.push((*id, round.measured_at, course.scores_after(round)));
            }
            scores.retain(|(_, _, s)| s.is_some());
            store_scores(txn, &scores, &mut hours).await?;
            course
        }
        (Touched::Unchanged, Some(course)) => course,
        _ => {
            let mut rescored = Vec::new();
            let course = folded(txn, &patient, Some(&mut rescored)).await?;
            store_scores(txn, &rescored, &mut hours).await?;
            course
        }
    };
    buckets::recount(txn, patient.id, &hours).await?;
    let status = status_at(&course, &patient, now);
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
    let about = About {
        patient_id: patient.id,
        ward_id: patient.ward_id,
    };
    for alert in &found {
        notify(txn, about, alert, now).await?;
    }
    let raised = found.iter().any(|a| a.kind.must_answer());
    crate::patients::service::store_status(txn, patient, &status, &course, raised).await?;
    Ok(status)
}

/// What following the time did to a patient.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Followed {
    /// The stored status changed (a score growing stale, the fluid
    /// windows moving on, the phase).
    pub changed: bool,
    /// The phase moved, and the history says so.
    pub phase_moved: bool,
}

/// Moves a patient's stored state on as time passes with no round: the
/// critical window ending, a day without fever, a parameter growing too
/// old to count. The change is stored and pushed live, a phase move kept in
/// the history as the rules', once however many servers check at the same
/// time.
pub async fn follow_time(
    db: &DatabaseConnection,
    patient: &PatientModel,
    now: DateTime<Utc>,
) -> Result<Followed, AppError> {
    if !kept_status_differs(patient, now) {
        return Ok(Followed::default());
    }
    write(db, async |txn| {
        // The row lock makes a second server wait, then see the change.
        let id = patient.id;
        let Some(patient) = crate::patients::service::locked(txn, id).await? else {
            return Ok(Followed::default());
        };
        let before = crate::patients::service::stored_phase(&patient);
        let kept = patient.course.is_some();
        let changed = kept_status_differs(&patient, now);
        let status = reassess(txn, patient, Touched::Unchanged, &[], now).await?;
        let after = &status.phase;
        let moved = before
            .as_ref()
            .is_none_or(|b| b.phase != after.phase || b.since != after.since);
        if moved && kept {
            history::by_rules(
                txn,
                Subject::patient(id),
                HistoryAction::Reassess,
                &after.reason,
                before.as_ref(),
                Some(after),
                now,
            )
            .await?;
        }
        Ok(Followed {
            changed,
            phase_moved: moved && kept,
        })
    })
    .await
}

/// Whether the status `now` differs from the stored one (always, when no
/// course is kept yet).
fn kept_status_differs(patient: &PatientModel, now: DateTime<Utc>) -> bool {
    crate::patients::service::kept_course(patient).is_none_or(|course| {
        crate::patients::service::differs(patient, &status_at(&course, patient, now))
    })
}

/// The patient's dengue phase and NEWS2 at `now`, with every reason, from
/// the course kept with the patient.
pub async fn clinical_status(
    db: &DatabaseConnection,
    caller: &Caller,
    patient_id: i32,
    now: DateTime<Utc>,
) -> Result<ClinicalStatus, AppError> {
    let patient = visible(db, caller, patient_id).await?;
    let course = course_of(db, &patient).await?;
    Ok(status_at(&course, &patient, now))
}

/// Sets the patient's phase by hand (`Some`) or returns it to the rules
/// (`None`); the reason is kept in the history (clinicians and administrators).
pub async fn set_phase(
    db: &DatabaseConnection,
    caller: &Caller,
    patient_id: i32,
    phase: Option<&str>,
    reason: &str,
    now: DateTime<Utc>,
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
                    at: now,
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
        let status = reassess(txn, patient, Touched::Unchanged, &[], now).await?;
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
    now: DateTime<Utc>,
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
    let (from, to) = series::range(span, patient.admitted_at, patient.discharged_at, now);
    super::buckets::charts(
        db,
        &super::buckets::Reading {
            patient_id,
            span,
            from,
            to,
            buckets,
            scale2: patient.spo2_scale2,
            zone: zones::hospital(),
        },
    )
    .await
}
