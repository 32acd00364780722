//! Round-due reminders: a background task that notices when a patient's
//! monitoring interval has passed with no new round. Each due time is
//! stored with a unique (patient, due time) key in the transaction that
//! notifies, so it is sent once, across restarts and across servers.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, EntityTrait, Set};

use crate::display::service::hospital;
use crate::error::AppError;
use crate::notifications::service::{About, notify};
use crate::notifications::{Alert, Kind};
use crate::patients::service::all_admitted;
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
/// plus whole monitoring intervals. `None` while the first is still ahead.
pub fn last_due(
    last: DateTime<Utc>,
    interval_hours: i32,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let interval = chrono::Duration::hours(i64::from(interval_hours.max(1)));
    let missed = (now - last).num_seconds() / interval.num_seconds();
    (missed >= 1).then(|| last + interval * missed as i32)
}

/// Sends the reminders that are due now; returns how many due times were
/// newly noticed.
pub async fn check(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<usize, AppError> {
    let display = hospital();
    let admitted = all_admitted(db).await?;
    let mut noticed = 0;
    for p in admitted {
        let last = p.last_round_at.unwrap_or(p.admitted_at);
        let Some(due) = last_due(last, p.monitoring_interval_hours, now) else {
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
                    "Rounds every {} h; {since}, so one was due at {}.",
                    p.monitoring_interval_hours,
                    display.time(due)
                ),
            };
            let about = About {
                patient_id: p.id,
                ward_id: p.ward_id,
            };
            notify(txn, about, &alert).await?;
            Ok(true)
        })
        .await?;
        noticed += usize::from(claimed);
    }
    Ok(noticed)
}

/// Checks every `every` until the process ends.
pub fn start(db: DatabaseConnection, every: Duration) {
    crate::platform::tasks::supervise("the check for due rounds", move || {
        let db = db.clone();
        async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                if let Err(e) = check(&db, Utc::now()).await {
                    tracing::warn!("cannot check for due rounds: {e}");
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
        assert_eq!(last_due(at(8, 0), 4, at(11, 59)), None);
        assert_eq!(last_due(at(8, 0), 4, at(12, 0)), Some(at(12, 0)));
        assert_eq!(last_due(at(8, 0), 4, at(15, 59)), Some(at(12, 0)));
        assert_eq!(last_due(at(8, 0), 4, at(16, 1)), Some(at(16, 0)));
        assert_eq!(last_due(at(8, 0), 1, at(10, 30)), Some(at(10, 0)));
    }
}
