//! Storing, pushing and reading notifications. Notifications are created
//! inside the transaction of the change that caused them and pushed to the
//! recipient's sockets after it commits.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use super::entity::{notification, opt_out};
use super::{Alert, Kind, Notification, NotificationPage, Preference, Priority};
use crate::accounts::{Caller, Role, users::users_of_ward};
use crate::error::AppError;
use crate::paging::{fetch_page, paging};
use crate::platform::db::write;
use crate::platform::events::{self, Audience, Change, Topic};
use crate::vocabulary::{IntoEnumIterator, Vocabulary};

const DEFAULT_PER_PAGE: u64 = 50;

fn notification_of(m: notification::Model) -> Notification {
    Notification {
        id: m.id,
        kind: Kind::parse(&m.kind).unwrap_or(Kind::RoundDue),
        patient_id: m.patient_id,
        message: m.message,
        reason: m.reason,
        priority: Priority::parse(&m.priority).unwrap_or(Priority::Information),
        created_at: m.created_at,
        read_at: m.read_at,
    }
}

/// The patient an alert is about, and its ward (who may see it).
#[derive(Debug, Clone, Copy)]
pub struct About {
    pub patient_id: i32,
    pub ward_id: i32,
}

/// Who receives an alert about a patient: active users of its ward who
/// have not opted out of the kind. Round reminders and escalations go to
/// those who can record rounds; the safety kinds reach every clinician and
/// administrator whatever they chose (ward policy), observers as they chose.
async fn recipients(
    txn: &DatabaseTransaction,
    patient: About,
    kind: Kind,
) -> Result<Vec<i32>, AppError> {
    let responders = [Role::Admin, Role::Clinician];
    let (always, chosen): (Vec<Role>, Vec<Role>) = match kind {
        Kind::RoundDue | Kind::Escalated => (responders.to_vec(), Vec::new()),
        k if !k.can_mute() => (responders.to_vec(), vec![Role::Observer]),
        _ => (Vec::new(), Role::iter().collect()),
    };
    let mut users = users_of_ward(txn, patient.ward_id, &always).await?;
    let opted_out: Vec<i32> = opt_out::Entity::find()
        .filter(opt_out::Column::Kind.eq(kind.code()))
        .all(txn)
        .await?
        .into_iter()
        .map(|o| o.user_id)
        .collect();
    users.extend(
        users_of_ward(txn, patient.ward_id, &chosen)
            .await?
            .into_iter()
            .filter(|u| !opted_out.contains(u)),
    );
    Ok(users)
}

/// Stores an alert about a patient for each recipient, with the event that
/// pushes it, and raises it to be answered when its kind must be; returns
/// how many notifications were stored.
pub async fn notify(
    txn: &DatabaseTransaction,
    patient: About,
    alert: &Alert,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    if alert.kind.must_answer() {
        super::answers::raise(txn, patient, alert, now).await?;
    }
    let users = recipients(txn, patient, alert.kind).await?;
    for &user_id in &users {
        let model = notification::ActiveModel {
            user_id: Set(user_id),
            kind: Set(alert.kind.code().to_owned()),
            patient_id: Set(Some(patient.patient_id)),
            message: Set(alert.message.clone()),
            reason: Set(alert.reason.clone()),
            priority: Set(Priority::of(alert.kind, alert.band).code().to_owned()),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        let audience = Audience::User {
            user_id,
            patient_id: Some(patient.patient_id),
        };
        events::append(
            txn,
            Topic::Notifications,
            Change::Create,
            audience,
            &notification_of(model),
        )
        .await?;
    }
    Ok(users.len())
}

fn user_of(caller: &Caller) -> Result<i32, AppError> {
    caller
        .user_id()
        .ok_or_else(|| AppError::Forbidden("API tokens have no notifications.".into()))
}

/// What a notification list asks for.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub kind: Option<String>,
    pub patient_id: Option<i32>,
    pub unread_only: bool,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// The caller's notifications, newest first, with the unread count.
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    query: ListQuery,
) -> Result<NotificationPage, AppError> {
    let user = user_of(caller)?;
    let (page, per_page) = paging(query.page, query.per_page, DEFAULT_PER_PAGE)?;
    let kind = query
        .kind
        .as_deref()
        .filter(|k| !k.trim().is_empty())
        .map(|k| Kind::from_field("kind", k.trim()))
        .transpose()?;
    let mine = notification::Column::UserId.eq(user);
    let mut filter = Condition::all().add(mine.clone());
    if let Some(kind) = kind {
        filter = filter.add(notification::Column::Kind.eq(kind.code()));
    }
    if let Some(patient) = query.patient_id {
        filter = filter.add(notification::Column::PatientId.eq(patient));
    }
    if query.unread_only {
        filter = filter.add(notification::Column::ReadAt.is_null());
    }
    let query = notification::Entity::find()
        .filter(filter)
        .order_by_desc(notification::Column::Id);
    let found = fetch_page(query, db, page, per_page).await?;
    let unread_of = |alerts: bool| {
        let mut unread = notification::Entity::find()
            .filter(mine.clone())
            .filter(notification::Column::ReadAt.is_null());
        if alerts {
            unread = unread.filter(notification::Column::Priority.ne(Priority::Information.code()));
        }
        unread.count(db)
    };
    let unread = unread_of(false).await?;
    let unread_alerts = unread_of(true).await?;
    Ok(NotificationPage {
        items: found.items.into_iter().map(notification_of).collect(),
        total: found.total,
        unread,
        unread_alerts,
        page,
        per_page,
    })
}

/// Marks one notification (`id`) or all of the caller's as read; returns
/// how many changed. The caller's other tabs are told.
pub async fn mark_read(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Option<i64>,
    all: bool,
) -> Result<u64, AppError> {
    let user = user_of(caller)?;
    if id.is_none() && !all {
        return Err(AppError::invalid(
            "id",
            "give a notification's id, or all: true",
        ));
    }
    write(db, async |txn| {
        let mut update = notification::Entity::update_many()
            .col_expr(
                notification::Column::ReadAt,
                sea_orm::sea_query::Expr::value(Utc::now()),
            )
            .filter(notification::Column::UserId.eq(user))
            .filter(notification::Column::ReadAt.is_null());
        if let Some(id) = id.filter(|_| !all) {
            let exists = notification::Entity::find_by_id(id)
                .filter(notification::Column::UserId.eq(user))
                .one(txn)
                .await?
                .is_some();
            if !exists {
                return Err(AppError::NotFound(format!("Notification {id}")));
            }
            update = update.filter(notification::Column::Id.eq(id));
        }
        let changed = update.exec(txn).await?.rows_affected;
        if changed > 0 {
            let audience = Audience::User {
                user_id: user,
                patient_id: None,
            };
            events::append(
                txn,
                Topic::Notifications,
                Change::Update,
                audience,
                &json!({ "id": id, "all": all, "read": changed }),
            )
            .await?;
        }
        Ok(changed)
    })
    .await
}

/// Which kinds the caller receives.
pub async fn preferences(
    db: &impl ConnectionTrait,
    caller: &Caller,
) -> Result<Vec<Preference>, AppError> {
    let user = user_of(caller)?;
    let off: Vec<String> = opt_out::Entity::find()
        .filter(opt_out::Column::UserId.eq(user))
        .all(db)
        .await?
        .into_iter()
        .map(|o| o.kind)
        .collect();
    let responder = caller.require_clinical_writer().is_ok();
    Ok(Kind::iter()
        .map(|kind| {
            let locked = responder && !kind.can_mute();
            Preference {
                kind,
                enabled: locked || !off.iter().any(|k| k == kind.code()),
                locked,
            }
        })
        .collect())
}

/// Receives exactly the kinds in `enabled` from now on.
pub async fn set_preferences(
    db: &DatabaseConnection,
    caller: &Caller,
    enabled: &[String],
) -> Result<Vec<Preference>, AppError> {
    let user = user_of(caller)?;
    let enabled = enabled
        .iter()
        .map(|code| Kind::from_field("enabled", code))
        .collect::<Result<Vec<_>, _>>()?;
    if caller.require_clinical_writer().is_ok() {
        let muted: Vec<&str> = Kind::iter()
            .filter(|k| !k.can_mute() && !enabled.contains(k))
            .map(|k| k.code())
            .collect();
        if !muted.is_empty() {
            return Err(AppError::invalid(
                "enabled",
                format!(
                    "must include {}: safety alerts are ward policy for clinicians and administrators; only admissions and discharges can be turned off",
                    muted.join(", ")
                ),
            ));
        }
    }
    write(db, async |txn| {
        opt_out::Entity::delete_many()
            .filter(opt_out::Column::UserId.eq(user))
            .exec(txn)
            .await?;
        let off: Vec<opt_out::ActiveModel> = Kind::iter()
            .filter(|k| !enabled.contains(k))
            .map(|k| opt_out::ActiveModel {
                user_id: Set(user),
                kind: Set(k.code().to_owned()),
            })
            .collect();
        if !off.is_empty() {
            opt_out::Entity::insert_many(off).exec(txn).await?;
        }
        let result = preferences(txn, caller).await?;
        Ok(result)
    })
    .await
}
