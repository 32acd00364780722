//! The clinical clock: a background task that moves every admitted
//! patient's state on as time passes (the critical window ending, a day
//! without fever) and notices when a round falls due at the patient's
//! observation frequency. Each due time is stored with a unique (patient,
//! due time) key in the transaction that notifies, so it is sent once,
//! across restarts and across servers.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, EntityTrait, Set};

use crate::display::service::hospital;
use crate::error::AppError;
use crate::notifications::service::{About, notify};
use crate::notifications::{Alert, Kind};
use crate::patients::service::{all_admitted, stored_status};
use crate::platform::clock::Clock;
use crate::platform::db::write;

/// The due times already noticed, one row per (patient, due time).
mod reminder {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "round_reminders")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub patient_id: i32,
        pub due_at: DateTimeUtc,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The newest due time that has passed: the last round (or the admission)
/// plus whole intervals. `None` while the first is still ahead.
pub fn last_due(
    last: DateTime<Utc>,
    interval: chrono::Duration,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let step = interval.num_seconds().max(60);
    let missed = (now - last).num_seconds() / step;
    (missed >= 1).then(|| last + chrono::Duration::seconds(step * missed))
}

/// What changed in one check.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    /// Patients whose phase time moved on.
    pub moved: usize,
    /// Due times newly noticed.
    pub due: usize,
    /// Alerts escalated for want of an answer.
    pub escalated: usize,
}

/// Moves every admitted patient's state on to `now` and sends the
/// reminders that are due.
pub async fn check(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Checked, AppError> {
    let display = hospital();
    let mut checked = Checked::default();
    for mut p in all_admitted(db).await? {
        let followed = crate::rounds::clinical::follow_time(db, &p, now).await?;
        checked.moved += usize::from(followed.phase_moved);
        if followed.changed {
            match crate::patients::service::find(db, p.id).await? {
                Some(fresh) => p = fresh,
                None => continue,
            }
        }
        let last = p.last_round_at.unwrap_or(p.admitted_at);
        let frequency = stored_status(&p).frequency(p.monitoring_interval_hours);
        let Some(due) = last_due(last, frequency.interval(), now) else {
            continue;
        };
        let claimed = write(db, async |txn| {
            let claim = reminder::ActiveModel {
                patient_id: Set(p.id),
                due_at: Set(due),
                created_at: Set(now),
                ..Default::default()
            };
            let unique =
                OnConflict::columns([reminder::Column::PatientId, reminder::Column::DueAt])
                    .do_nothing()
                    .to_owned();
            let inserted = reminder::Entity::insert(claim)
                .on_conflict(unique)
                .exec_without_returning(txn)
                .await?;
            if inserted == 0 {
                return Ok(false);
            }
            let bed = p
                .bed
                .as_deref()
                .map(|b| format!(", bed {b}"))
                .unwrap_or_default();
            let since = match p.last_round_at {
                Some(at) => format!("the last round was at {}", display.time(at)),
                None => format!(
                    "no round since admission at {}",
                    display.time(p.admitted_at)
                ),
            };
            let alert = Alert {
                kind: Kind::RoundDue,
                message: format!("Round due: {}, {}{bed}", p.last_name, p.first_name),
                reason: format!(
                    "Rounds {}; {since}, so one was due at {}.",
                    frequency.reason,
                    display.time(due)
                ),
                band: None,
            };
            let about = About {
                patient_id: p.id,
                ward_id: p.ward_id,
            };
            notify(txn, about, &alert, now).await?;
            crate::patients::service::touched(txn, p.id).await?;
            Ok(true)
        })
        .await?;
        checked.due += usize::from(claimed);
    }
    checked.escalated = crate::patients::service::escalate_overdue(db, now).await?;
    Ok(checked)
}

/// Checks every `every`, at the time of `clock`, until the process ends.
pub fn start(db: DatabaseConnection, clock: Clock, every: Duration) {
    crate::platform::tasks::supervise("the clinical clock", move || {
        let db = db.clone();
        let clock = clock.clone();
        async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                match check(&db, clock.now()).await {
                    Ok(checked) => {
                        metrics::counter!("vitalboard_clock_checks_total").increment(1);
                        metrics::counter!("vitalboard_reminders_total")
                            .increment(checked.due as u64);
                        metrics::counter!("vitalboard_escalations_total")
                            .increment(checked.escalated as u64);
                    }
                    Err(e) => {
                        metrics::counter!("vitalboard_clock_check_failures_total").increment(1);
                        tracing::warn!("cannot move the patients' state on in time: {e}");
                    }
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, hour, minute, 0).unwrap()
    }

    #[test]
    fn one_due_time_per_missed_interval() {
        let hours = chrono::Duration::hours;
        assert_eq!(last_due(at(8, 0), hours(4), at(11, 59)), None);
        assert_eq!(last_due(at(8, 0), hours(4), at(12, 0)), Some(at(12, 0)));
        assert_eq!(last_due(at(8, 0), hours(4), at(15, 59)), Some(at(12, 0)));
        assert_eq!(last_due(at(8, 0), hours(4), at(16, 1)), Some(at(16, 0)));
        assert_eq!(last_due(at(8, 0), hours(1), at(10, 30)), Some(at(10, 0)));
        let quarter = chrono::Duration::minutes(15);
        assert_eq!(last_due(at(8, 0), quarter, at(8, 40)), Some(at(8, 30)));
    }
}
