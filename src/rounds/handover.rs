//! A ward's shift handover: per admitted patient, sickest first, what the
//! next shift must know.

use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;

use super::service::{last_note, stay_after};
use super::{Handover, HandoverPatient, advice};
use crate::accounts::Caller;
use crate::accounts::wards::ward_names;
use crate::error::AppError;
use crate::history::service::actor_name;
use crate::patients::Status;
use crate::patients::service::{self as patients, ListQuery};
use crate::rules::course::shift_summary;
use crate::zones;

/// The most rounds of the last 24 h a handover reads per patient.
const DAY_ROUNDS: u64 = 5000;

/// The handover of ward `ward_id` at `now`, printed by the caller.
pub async fn handover(
    db: &DatabaseConnection,
    caller: &Caller,
    ward_id: i32,
    now: DateTime<Utc>,
) -> Result<Handover, AppError> {
    let names = ward_names(db).await?;
    let ward_name = names
        .get(&ward_id)
        .filter(|_| caller.wards.includes(ward_id))
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("Ward {ward_id}")))?;
    let mut admitted = Vec::new();
    let mut page = 1;
    loop {
        let query = ListQuery {
            ward_id: Some(ward_id),
            status: Status::Admitted,
            page: Some(page),
            per_page: Some(crate::paging::MAX_PER_PAGE),
            ..Default::default()
        };
        let found = patients::list(db, caller, query).await?;
        let pages = found.pages();
        admitted.extend(found.items);
        if page >= pages {
            break;
        }
        page += 1;
    }
    admitted.sort_by_key(|p| p.urgency(now));
    let day_ago = now - Duration::hours(24);
    let mut sheet = Vec::with_capacity(admitted.len());
    for patient in admitted {
        let day: Vec<_> = stay_after(db, patient.id, Some((day_ago, 0)), DAY_ROUNDS)
            .await?
            .into_iter()
            .map(|r| r.values)
            .collect();
        let summary = shift_summary(&day, now, zones::hospital(), patient.values.spo2_scale2);
        sheet.push(HandoverPatient {
            last_note: last_note(db, patient.id).await?,
            advice: advice::latest(db, caller, patient.id).await?,
            summary,
            patient,
        });
    }
    let (shift, _) = crate::rules::course::current_shift(now, zones::hospital());
    Ok(Handover {
        ward_id,
        ward_name,
        shift,
        printed_at: now,
        printed_by: actor_name(caller),
        patients: sheet,
    })
}
