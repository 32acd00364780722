//! The socket's streams and actions, and its actions on patients, rounds
//! and notifications: each has the name of its REST twin, reads the same
//! arguments (through the same typed JSON reading) and calls the same
//! service, so results, validation, rights and error messages are the same.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
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
use crate::vocabulary::Vocabulary;

/// What a socket request acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Stream {
    Patients,
    Rounds,
    Notifications,
    Presence,
}

/// What a socket request does. One name per operation on both doors:
/// `list` reads the stream's REST collection (`GET /api/rounds`), every
/// other action but the subscriptions is the REST endpoint of the same name
/// (`POST /api/rounds/correct` is `correct` on `rounds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Action {
    Subscribe,
    Unsubscribe,
    List,
    Get,
    Create,
    Update,
    Discharge,
    Delete,
    Record,
    Correct,
    Read,
}

impl Stream {
    /// The actions of the stream besides subscribing.
    pub fn actions(self) -> &'static [Action] {
        use Action::*;
        match self {
            Stream::Patients => &[List, Get, Create, Update, Discharge, Delete],
            Stream::Rounds => &[List, Get, Record, Correct, Delete],
            Stream::Notifications => &[List, Read],
            Stream::Presence => &[],
        }
    }

    /// The action a request names, if the stream has it.
    pub fn action(self, name: &str) -> Result<Action, AppError> {
        Action::parse(name)
            .filter(|a| {
                matches!(a, Action::Subscribe | Action::Unsubscribe) || self.actions().contains(a)
            })
            .ok_or_else(|| {
                let allowed: Vec<&str> = self
                    .actions()
                    .iter()
                    .chain(&[Action::Subscribe, Action::Unsubscribe])
                    .map(|a| a.code())
                    .collect();
                AppError::invalid("action", format!("must be one of {}", allowed.join(", ")))
            })
    }

    /// The stream a request names.
    pub fn named(name: &str) -> Result<Stream, AppError> {
        Stream::parse(name).ok_or_else(|| {
            AppError::invalid("stream", format!("must be one of {}", Stream::codes()))
        })
    }
}

impl Action {
    /// Whether the action changes data (its answer is remembered for a
    /// retry with the same `request_id`).
    pub fn writes(self) -> bool {
        !matches!(
            self,
            Action::Subscribe | Action::Unsubscribe | Action::List | Action::Get
        )
    }

    /// The REST endpoint of the same operation, if it has one.
    pub fn rest_path(self, stream: Stream) -> Option<String> {
        match self {
            Action::Subscribe | Action::Unsubscribe => None,
            Action::List => Some(format!("/api/{}", stream.code())),
            _ => Some(format!("/api/{}/{}", stream.code(), self.code())),
        }
    }
}

/// The arguments of `subscribe` and `unsubscribe`: one patient, or every
/// patient the caller may see; `since` replays the events after it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SubscriptionArgs {
    pub patient_id: Option<i32>,
    #[schema(minimum = 0)]
    pub since: Option<i64>,
}

/// Reads the arguments of a REST twin (or of a subscription) from the payload.
pub fn args<T: DeserializeOwned + utoipa::ToSchema + 'static>(
    payload: &Value,
) -> Result<T, AppError> {
    let body = serde_json::to_vec(payload).map_err(|e| AppError::internal("payload", e))?;
    crate::platform::arguments::arguments(&body)
}

fn json<T: Serialize>(value: T) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::internal("reply", e))
}

/// Runs `action` of `stream` (not a subscription).
pub async fn perform(
    state: &AppState,
    caller: &Caller,
    stream: Stream,
    action: Action,
    payload: &Value,
) -> Result<Value, AppError> {
    use {Action::*, Stream::*};
    let db = &state.db;
    match (stream, action) {
        (Patients, List) => {
            let a: patients_api::ListPatients = args(payload)?;
            let query = patients::ListQuery {
                search: a.search,
                status: a.status.unwrap_or_default(),
                page: a.page,
                per_page: a.per_page,
                ..Default::default()
            };
            json(patients::list(db, caller, query).await?)
        }
        (Patients, Get) => {
            let a: patients_api::GetPatient = args(payload)?;
            json(patients::get(db, caller, a.id).await?)
        }
        (Patients, Create) => {
            let a: patients_api::CreatePatient = args(payload)?;
            json(patients::create(db, caller, a.patient).await?)
        }
        (Patients, Update) => {
            let a: patients_api::UpdatePatient = args(payload)?;
            json(patients::update(db, caller, a.id, a.patient).await?)
        }
        (Patients, Discharge) => {
            let a: patients_api::DischargePatient = args(payload)?;
            json(patients::discharge(db, caller, a.id, a.discharged_at.as_deref()).await?)
        }
        (Patients, Delete) => {
            let a: patients_api::DeletePatient = args(payload)?;
            json(patients::delete(db, caller, a.id, &a.reason).await?)
        }
        (Rounds, List) => {
            let a: rounds_api::ListRounds = args(payload)?;
            let query = rounds::RangeQuery {
                from: rounds_api::optional_time("from", a.from)?,
                to: rounds_api::optional_time("to", a.to)?,
                page: a.page,
                per_page: a.per_page,
            };
            json(rounds::list(db, caller, a.patient_id, query).await?)
        }
        (Rounds, Get) => {
            let a: rounds_api::GetRound = args(payload)?;
            json(rounds::get(db, caller, a.id).await?)
        }
        (Rounds, Record) => {
            let a: rounds_api::RecordRound = args(payload)?;
            json(rounds::record(db, caller, a.patient_id, &a.round, state.clock.now()).await?)
        }
        (Rounds, Correct) => {
            let a: rounds_api::CorrectRound = args(payload)?;
            json(rounds::correct(db, caller, a.id, &a.reason, &a.round, state.clock.now()).await?)
        }
        (Rounds, Delete) => {
            let a: rounds_api::DeleteRound = args(payload)?;
            json(rounds::delete(db, caller, a.id, &a.reason, state.clock.now()).await?)
        }
        (Notifications, List) => {
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
        (Notifications, Read) => {
            let a: notifications_api::MarkNotificationsRead = args(payload)?;
            json(notifications::mark_read(db, caller, a.id, a.all.unwrap_or(false)).await?)
        }
        (stream, action) => Err(AppError::invalid(
            "action",
            format!("{} is not an action of {}", action.code(), stream.code()),
        )),
    }
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
        let text = Stream::Rounds.action("update").unwrap_err().to_string();
        assert!(
            text.contains("action: must be one of list, get, record, correct, delete, subscribe"),
            "{text}"
        );
        assert!(
            Stream::Presence
                .action("list")
                .unwrap_err()
                .to_string()
                .contains("must be one of subscribe, unsubscribe")
        );
        assert!(Stream::named("wards").is_err());
        assert_eq!(
            Stream::Presence.action("subscribe").unwrap(),
            Action::Subscribe
        );
    }

    #[test]
    fn the_streams_that_carry_events_are_the_log_s_topics() {
        use crate::platform::events::Topic;
        use crate::vocabulary::IntoEnumIterator;
        for stream in Stream::iter().filter(|s| *s != Stream::Presence) {
            assert!(Topic::parse(stream.code()).is_some(), "{stream:?}");
        }
    }

    #[test]
    fn every_action_is_named_as_its_rest_twin() {
        use crate::vocabulary::IntoEnumIterator;
        for stream in Stream::iter() {
            for &action in stream.actions() {
                let path = action.rest_path(stream).unwrap();
                assert!(
                    leptos::server_fn::axum::server_fn_paths().any(|(p, _)| p == path),
                    "{} on {} has no REST twin at {path}",
                    action.code(),
                    stream.code()
                );
            }
        }
    }
}
