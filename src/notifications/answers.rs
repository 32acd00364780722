//! The alerts table: an alert is raised with the notifications of a
//! safety kind, stays open until a clinician acknowledges it, and is
//! escalated once when its response time passes. Writes run inside the
//! caller's transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::service::About;
use super::{Acknowledgement, Alert, Kind, OpenAlert, response_time};
use crate::error::AppError;
use crate::vocabulary::Vocabulary;

pub mod alert {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "alerts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub patient_id: i32,
        pub ward_id: i32,
        pub kind: String,
        pub message: String,
        pub reason: String,
        pub raised_at: DateTimeUtc,
        pub respond_by: DateTimeUtc,
        pub escalated_at: Option<DateTimeUtc>,
        pub acknowledged_at: Option<DateTimeUtc>,
        pub acknowledged_by: Option<String>,
        pub response: Option<String>,
        pub note: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn open_alert(m: alert::Model) -> OpenAlert {
    OpenAlert {
        id: m.id,
        kind: Kind::parse(&m.kind).unwrap_or(Kind::RoundDue),
        message: m.message,
        reason: m.reason,
        raised_at: m.raised_at,
        respond_by: m.respond_by,
        escalated_at: m.escalated_at,
    }
}

/// Raises `alert` about a patient at `now`, when its kind must be answered.
pub async fn raise(
    txn: &DatabaseTransaction,
    about: About,
    alert: &Alert,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(within) = response_time(alert.kind, alert.band) else {
        return Ok(());
    };
    alert::ActiveModel {
        patient_id: Set(about.patient_id),
        ward_id: Set(about.ward_id),
        kind: Set(alert.kind.code().to_owned()),
        message: Set(alert.message.clone()),
        reason: Set(alert.reason.clone()),
        raised_at: Set(now),
        respond_by: Set(now + within),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// The open alerts of each of `patients`, oldest first.
pub async fn open_of(
    db: &impl ConnectionTrait,
    patients: &[i32],
) -> Result<HashMap<i32, Vec<OpenAlert>>, AppError> {
    let mut found: HashMap<i32, Vec<OpenAlert>> = HashMap::new();
    if patients.is_empty() {
        return Ok(found);
    }
    let rows = alert::Entity::find()
        .filter(alert::Column::AcknowledgedAt.is_null())
        .filter(alert::Column::PatientId.is_in(patients.iter().copied()))
        .order_by_asc(alert::Column::Id)
        .all(db)
        .await?;
    for row in rows {
        found
            .entry(row.patient_id)
            .or_default()
            .push(open_alert(row));
    }
    Ok(found)
}

/// The alert `id`, open or not.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<alert::Model>, AppError> {
    Ok(alert::Entity::find_by_id(id).one(db).await?)
}

/// Marks the alert acknowledged by `by` at `now`, if it is still open;
/// returns whether this call did it.
pub async fn acknowledge(
    txn: &DatabaseTransaction,
    id: i64,
    by: &str,
    answer: &Acknowledgement,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let done = alert::Entity::update_many()
        .col_expr(alert::Column::AcknowledgedAt, Expr::value(now))
        .col_expr(alert::Column::AcknowledgedBy, Expr::value(by))
        .col_expr(alert::Column::Response, Expr::value(answer.response.code()))
        .col_expr(alert::Column::Note, Expr::value(answer.note.clone()))
        .filter(alert::Column::Id.eq(id))
        .filter(alert::Column::AcknowledgedAt.is_null())
        .exec(txn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The open alerts past their response time and not yet escalated.
pub async fn overdue(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<alert::Model>, AppError> {
    Ok(alert::Entity::find()
        .filter(alert::Column::AcknowledgedAt.is_null())
        .filter(alert::Column::EscalatedAt.is_null())
        .filter(alert::Column::RespondBy.lte(now))
        .order_by_asc(alert::Column::Id)
        .all(db)
        .await?)
}

/// Marks the alert escalated at `now` if it is still open and was not
/// escalated; returns whether this call did it (once across servers).
pub async fn mark_escalated(
    txn: &DatabaseTransaction,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let done = alert::Entity::update_many()
        .col_expr(alert::Column::EscalatedAt, Expr::value(now))
        .filter(alert::Column::Id.eq(id))
        .filter(alert::Column::AcknowledgedAt.is_null())
        .filter(alert::Column::EscalatedAt.is_null())
        .exec(txn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Removes the alerts of a deleted patient.
pub async fn remove_of(txn: &DatabaseTransaction, patient_id: i32) -> Result<(), AppError> {
    alert::Entity::delete_many()
        .filter(alert::Column::PatientId.eq(patient_id))
        .exec(txn)
        .await?;
    Ok(())
}
