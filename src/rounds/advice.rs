//! Medical advice on a patient: the newest of what rounds recorded and
//! what was given outside a round (a remote consultant's), with who wrote
//! it and when. Giving advice is open to observers, the role a
//! tele-consultation is for; it changes no round.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::{Advice, entity};
use crate::accounts::Caller;
use crate::error::AppError;
use crate::history::HistoryAction;
use crate::history::service::{self as history, Subject};
use crate::patients::service::visible;
use crate::platform::db::write;
use crate::rules::NOTE_MAX;

/// Advice given outside a round.
mod given {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "advice")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub patient_id: i32,
        pub text: String,
        pub author: String,
        pub author_user_id: Option<i32>,
        pub at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The newest medical advice on a patient the caller may see, from a
/// round or given outside one.
pub async fn latest(
    db: &DatabaseConnection,
    caller: &Caller,
    patient_id: i32,
) -> Result<Option<Advice>, AppError> {
    visible(db, caller, patient_id).await?;
    newest(db, patient_id).await
}

async fn newest(db: &impl ConnectionTrait, patient_id: i32) -> Result<Option<Advice>, AppError> {
    let from_round = entity::Entity::find()
        .filter(entity::Column::PatientId.eq(patient_id))
        .filter(entity::Column::MedicalAdvice.is_not_null())
        .order_by_desc(entity::Column::MeasuredAt)
        .order_by_desc(entity::Column::Id)
        .one(db)
        .await?
        .and_then(|r| {
            Some(Advice {
                text: r.medical_advice?,
                by: r.recorded_by_name,
                at: r.measured_at,
                in_round: true,
            })
        });
    let given = given::Entity::find()
        .filter(given::Column::PatientId.eq(patient_id))
        .order_by_desc(given::Column::At)
        .order_by_desc(given::Column::Id)
        .one(db)
        .await?
        .map(|g| Advice {
            text: g.text,
            by: g.author,
            at: g.at,
            in_round: false,
        });
    Ok([from_round, given]
        .into_iter()
        .flatten()
        .max_by_key(|a| a.at))
}

/// Gives advice on an admitted patient the caller may see (any role): kept
/// in the history and pushed to the screens showing the patient.
pub async fn give(
    db: &DatabaseConnection,
    caller: &Caller,
    patient_id: i32,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Advice, AppError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > NOTE_MAX {
        return Err(AppError::invalid(
            "advice",
            format!("must be 1–{NOTE_MAX} characters"),
        ));
    }
    write(db, async |txn| {
        let patient = visible(txn, caller, patient_id).await?;
        if patient.discharged_at.is_some() {
            return Err(AppError::Conflict(
                "The patient has been discharged; advice goes to admitted patients.".into(),
            ));
        }
        let advice = Advice {
            text: text.to_owned(),
            by: history::actor_name(caller),
            at: now,
            in_round: false,
        };
        given::ActiveModel {
            patient_id: Set(patient_id),
            text: Set(advice.text.clone()),
            author: Set(advice.by.clone()),
            author_user_id: Set(caller.user_id()),
            at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        let subject = Subject::patient(patient_id);
        history::record(
            txn,
            caller,
            subject,
            HistoryAction::Advise,
            None,
            None,
            Some(&advice.text),
        )
        .await?;
        crate::patients::service::touched(txn, patient_id).await?;
        Ok(advice)
    })
    .await
}
