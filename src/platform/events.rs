//! The stored event log. A service appends its events inside the
//! transaction of its change (`db::write`), which commits them with it, so
//! an event exists exactly when its change does, and its sequence number is
//! the order of commits.

use std::sync::LazyLock;

use chrono::{Duration, Utc};
use sea_orm::entity::prelude::*;
use sea_orm::{Condition, DatabaseTransaction, DbBackend, QueryOrder, QuerySelect, Set};
use serde::Serialize;
use tokio::sync::watch;

use super::frames::Event;
use crate::error::AppError;
use crate::vocabulary::Vocabulary;

/// The streams of the log: what an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Topic {
    Patients,
    Rounds,
    Notifications,
    /// Someone's access changed; for the servers, never sent to a client.
    Access,
}

/// What happened to what an event carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Change {
    Create,
    Update,
    Delete,
}

/// How long events are kept for clients that resume.
pub const RETENTION_DAYS: i64 = 7;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub at: DateTimeUtc,
    pub stream: String,
    pub action: String,
    pub patient_id: Option<i32>,
    pub ward_id: Option<i32>,
    /// Set for events of one user only (notifications).
    pub user_id: Option<i32>,
    pub data: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The event as pushed to clients.
    pub fn event(&self) -> Event {
        Event {
            seq: self.seq,
            at: self.at,
            stream: self.stream.clone(),
            action: self.action.clone(),
            patient_id: self.patient_id,
            data: serde_json::from_str(&self.data).unwrap_or_default(),
        }
    }

    /// Whether a caller who sees the wards `sees_ward` accepts (and has
    /// this user id) may receive it.
    pub fn visible_to(&self, sees_ward: impl Fn(i32) -> bool, user_id: Option<i32>) -> bool {
        match (self.user_id, self.ward_id) {
            (Some(owner), _) => user_id == Some(owner),
            (None, Some(ward)) => sees_ward(ward),
            (None, None) => false,
        }
    }
}

/// Whom an event concerns.
#[derive(Debug, Clone, Copy)]
pub enum Audience {
    /// Everyone who may see the patient (its ward).
    Patient { patient_id: i32, ward_id: i32 },
    /// One user (about a patient, or about none).
    User {
        user_id: i32,
        patient_id: Option<i32>,
    },
    /// The servers themselves (a change of someone's access); never sent
    /// to a client.
    Servers,
}

/// A counter that moves on every commit with events in this process; the
/// bus of each server in the process watches it.
static COMMITS: LazyLock<watch::Sender<u64>> = LazyLock::new(|| watch::Sender::new(0));

/// Tells the buses that events were committed.
fn committed() {
    COMMITS.send_modify(|n| *n = n.wrapping_add(1));
}

/// A receiver that wakes on every commit with events.
pub fn commits() -> watch::Receiver<u64> {
    COMMITS.subscribe()
}

/// Appends an event to the transaction. On PostgreSQL a transaction-level
/// lock makes sequence numbers commit in order, so a reader that has seen
/// number N has seen every number before it.
pub async fn append<T: Serialize>(
    txn: &DatabaseTransaction,
    topic: Topic,
    change: Change,
    audience: Audience,
    data: &T,
) -> Result<(), AppError> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7316001)")
            .await?;
    }
    let (patient_id, ward_id, user_id) = match audience {
        Audience::Patient {
            patient_id,
            ward_id,
        } => (Some(patient_id), Some(ward_id), None),
        Audience::User {
            user_id,
            patient_id,
        } => (patient_id, None, Some(user_id)),
        Audience::Servers => (None, None, None),
    };
    ActiveModel {
        at: Set(Utc::now()),
        stream: Set(topic.code().to_owned()),
        action: Set(change.code().to_owned()),
        patient_id: Set(patient_id),
        ward_id: Set(ward_id),
        user_id: Set(user_id),
        data: Set(serde_json::to_string(data).map_err(|e| AppError::internal("event", e))?),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    metrics::counter!("vitalboard_events_written_total", "topic" => topic.code()).increment(1);
    Ok(())
}

/// Commits a transaction that appended events and wakes the buses.
pub(super) async fn commit(txn: DatabaseTransaction) -> Result<(), AppError> {
    txn.commit().await?;
    committed();
    Ok(())
}

/// The newest sequence number (0 when there are none).
pub async fn latest(db: &impl ConnectionTrait) -> Result<i64, AppError> {
    Ok(Entity::find()
        .order_by_desc(Column::Seq)
        .one(db)
        .await?
        .map_or(0, |e| e.seq))
}

/// The oldest sequence number still stored.
pub async fn oldest(db: &impl ConnectionTrait) -> Result<Option<i64>, AppError> {
    Ok(Entity::find()
        .order_by_asc(Column::Seq)
        .one(db)
        .await?
        .map(|e| e.seq))
}

/// Up to `limit` events after `seq`, oldest first, optionally narrowed.
pub async fn after(
    db: &impl ConnectionTrait,
    seq: i64,
    filter: Condition,
    limit: u64,
) -> Result<Vec<Model>, AppError> {
    Ok(Entity::find()
        .filter(Column::Seq.gt(seq))
        .filter(filter)
        .order_by_asc(Column::Seq)
        .limit(limit)
        .all(db)
        .await?)
}

/// Deletes events older than the retention period.
pub async fn prune(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    let before = Utc::now() - Duration::days(RETENTION_DAYS);
    Ok(Entity::delete_many()
        .filter(Column::At.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
