//! The socket's actions on patients and rounds: each reads the same
//! arguments as its REST twin (through the same typed JSON reading) and calls
//! the same service, so results, validation, rights and error messages are
//! the same.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::accounts::Caller;
use crate::error::AppError;
use crate::notifications::api as notifications_api;
use crate::notifications::service as notifications;
use crate::patients::api as patients_api;
use crate::patients::service as patients;
use crate::platform::state::AppState;
use crate::rounds::api as rounds_api;
use crate::rounds::service as rounds;

/// The actions of each stream that are not subscriptions.
pub const ACTIONS: &[(&str, &[&str])] = &[
    (
        "patients",
        &["list", "retrieve", "create", "update", "patch", "delete"],
    ),
    (
        "rounds",
        &["list", "retrieve", "create", "update", "delete"],
    ),
];

/// Reads the arguments of a REST twin from the payload.
fn args<T: DeserializeOwned + utoipa::ToSchema>(payload: &Value) -> Result<T, AppError> {
    let body = serde_json::to_vec(payload).map_err(|e| AppError::internal("payload", e))?;
    crate::platform::arguments::arguments(&body)
}

fn json<T: Serialize>(value: T) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::internal("reply", e))
}

fn optional_time(
    field: &str,
    text: Option<String>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
    rounds_api::optional_time(field, text)
}

/// Runs `action` of `stream`; unknown ones are refused with what exists.
pub async fn perform(
    state: &AppState,
    caller: &Caller,
    stream: &str,
    action: &str,
    payload: &Value,
) -> Result<Value, AppError> {
    let db = &state.db;
    match (stream, action) {
        ("patients", "list") => {
            let a: patients_api::ListPatients = args(payload)?;
            let query = patients::ListQuery {
                search: a.search,
                status: a.status.unwrap_or_default(),
                page: a.page,
                per_page: a.per_page,
            };
            json(patients::list(db, caller, query).await?)
        }
        ("patients", "retrieve") => {
            let a: patients_api::GetPatient = args(payload)?;
            json(patients::get(db, caller, a.id).await?)
        }
        ("patients", "create") => {
            let a: patients_api::CreatePatient = args(payload)?;
            json(patients::create(db, caller, a.patient).await?)
        }
        ("patients", "update") => {
            let a: patients_api::UpdatePatient = args(payload)?;
            json(patients::update(db, caller, a.id, a.patient).await?)
        }
        ("patients", "patch") => {
            let a: patients_api::DischargePatient = args(payload)?;
            json(patients::discharge(db, caller, a.id, a.discharged_at.as_deref()).await?)
        }
        ("patients", "delete") => {
            let a: patients_api::DeletePatient = args(payload)?;
            json(patients::delete(db, caller, a.id, &a.reason).await?)
        }
        ("rounds", "list") => {
            let a: rounds_api::ListRounds = args(payload)?;
            let query = rounds::RangeQuery {
                from: optional_time("from", a.from)?,
                to: optional_time("to", a.to)?,
                page: a.page,
                per_page: a.per_page,
            };
            json(rounds::list(db, caller, a.patient_id, query).await?)
        }
        ("rounds", "retrieve") => {
            let a: rounds_api::GetRound = args(payload)?;
            json(rounds::get(db, caller, a.id).await?)
        }
        ("rounds", "create") => {
            let a: rounds_api::RecordRound = args(payload)?;
            json(rounds::record(db, caller, a.patient_id, &a.round).await?)
        }
        ("rounds", "update") => {
            let a: rounds_api::CorrectRound = args(payload)?;
            json(rounds::correct(db, caller, a.id, &a.reason, &a.round).await?)
        }
        ("rounds", "delete") => {
            let a: rounds_api::DeleteRound = args(payload)?;
            json(rounds::delete(db, caller, a.id, &a.reason).await?)
        }
        ("notifications", "list") => {
            let a: notifications_api::ListNotifications = args(payload)?;
            let query = notifications::ListQuery {
                kind: a.kind,
                patient_id: a.patient_id,
                unread_only: a.unread_only.unwrap_or(false),
                page: a.page,
                per_page: a.per_page,
            };
            json(notifications::list(db, caller, query).await?)
        }
        ("notifications", "patch") => {
            let a: notifications_api::MarkNotificationsRead = args(payload)?;
            json(notifications::mark_read(db, caller, a.id, a.all.unwrap_or(false)).await?)
        }
        _ => Err(unknown_action(stream)),
    }
}

fn unknown_action(stream: &str) -> AppError {
    let actions = ACTIONS
        .iter()
        .find(|(s, _)| *s == stream)
        .map(|(_, a)| a.join(", "))
        .unwrap_or_default();
    let subscriptions = "subscribe, unsubscribe";
    let allowed = if actions.is_empty() {
        subscriptions.to_owned()
    } else {
        format!("{actions}, {subscriptions}")
    };
    AppError::invalid("action", format!("must be one of {allowed}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_read_like_rest_bodies() {
        let a: rounds_api::RecordRound = args(&serde_json::json!({
            "action": "create", "request_id": 4, "patient_id": 7,
            "round": {"temperature_c": 38.5, "pulse_per_min": "96"}
        }))
        .unwrap();
        assert_eq!(a.patient_id, 7);
        assert!(
            args::<rounds_api::RecordRound>(&serde_json::json!({"patient_id": "seven"})).is_err()
        );
    }

    #[test]
    fn unknown_actions_list_what_exists() {
        let text = unknown_action("rounds").to_string();
        assert!(
            text.contains("action: must be one of list, retrieve"),
            "{text}"
        );
        assert!(
            unknown_action("presence")
                .to_string()
                .contains("subscribe, unsubscribe")
        );
    }
}
