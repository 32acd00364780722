//! The change history of patients and rounds: every create, update, delete
//! and discharge keeps the values before and after, who changed them, when
//! and why.

#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;

/// The longest reason for a correction or deletion.
pub const REASON_MAX: usize = 500;

crate::text!(
    /// Why a change was made: 1–500 characters, not only spaces.
    Reason,
    max_length = REASON_MAX,
    pattern = crate::wire::FILLED_PATTERN,
);

/// The reason a correction or deletion needs: 1–500 characters.
pub fn check_reason(reason: &str) -> Result<String, AppError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX {
        return Err(AppError::invalid(
            "reason",
            format!("say why, in 1–{REASON_MAX} characters"),
        ));
    }
    Ok(reason.to_owned())
}

/// What a change did to a patient or a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum HistoryAction {
    Create,
    Update,
    Delete,
    Discharge,
    /// The phase was set by hand or returned to the rules.
    Phase,
    /// The rules moved the phase as time passed with no round.
    Reassess,
    /// A clinician acknowledged an alert with a response.
    Answer,
    /// An alert went unanswered past its response time.
    Escalate,
    /// Medical advice was given outside a round.
    Advise,
}

/// A change of a patient or a round: who, when, why, and the values before
/// and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HistoryEntry {
    pub id: i64,
    /// `patient` or `round`.
    pub entity: String,
    pub entity_id: i32,
    pub patient_id: i32,
    /// What the change did.
    #[schema(value_type = HistoryAction)]
    pub action: String,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub reason: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// A field whose value changed, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

fn as_text(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => "–".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Array(items)) if items.is_empty() => "–".to_owned(),
        Some(other) => other.to_string(),
    }
}

impl HistoryEntry {
    /// The fields that differ between the values before and after.
    pub fn changes(&self) -> Vec<Change> {
        let empty = serde_json::Map::new();
        let before = self
            .before
            .as_ref()
            .and_then(|v| v.as_object())
            .unwrap_or(&empty);
        let after = self
            .after
            .as_ref()
            .and_then(|v| v.as_object())
            .unwrap_or(&empty);
        let mut fields: Vec<&String> = before.keys().chain(after.keys()).collect();
        fields.sort();
        fields.dedup();
        fields
            .into_iter()
            .filter(|f| before.get(*f) != after.get(*f))
            .map(|f| Change {
                field: f.clone(),
                before: as_text(before.get(f)),
                after: as_text(after.get(f)),
            })
            .filter(|c| c.before != c.after)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::Vocabulary;
    use serde_json::json;

    #[test]
    fn every_action_fits_the_history_tables_column() {
        // `history.action` is a VARCHAR(10) (PostgreSQL enforces it).
        for action in <HistoryAction as strum::IntoEnumIterator>::iter() {
            assert!(action.code().len() <= 10, "{}", action.code());
        }
    }

    fn entry(before: serde_json::Value, after: serde_json::Value) -> HistoryEntry {
        HistoryEntry {
            id: 1,
            entity: "round".into(),
            entity_id: 1,
            patient_id: 1,
            action: "update".into(),
            actor: "Nurse".into(),
            at: Utc::now(),
            reason: Some("typo".into()),
            before: Some(before),
            after: Some(after),
        }
    }

    #[test]
    fn only_changed_fields_are_listed() {
        let e = entry(
            json!({ "temperature_c": 38.5, "pulse_per_min": 100, "clinical_notes": null }),
            json!({ "temperature_c": 37.5, "pulse_per_min": 100, "clinical_notes": "better" }),
        );
        assert_eq!(
            e.changes(),
            [
                Change {
                    field: "clinical_notes".into(),
                    before: "–".into(),
                    after: "better".into()
                },
                Change {
                    field: "temperature_c".into(),
                    before: "38.5".into(),
                    after: "37.5".into()
                },
            ]
        );
    }

    #[test]
    fn reasons_are_required_and_bounded() {
        assert!(check_reason("  ").is_err());
        assert!(check_reason(&"x".repeat(REASON_MAX + 1)).is_err());
        assert_eq!(check_reason(" typo in pulse ").unwrap(), "typo in pulse");
    }
}
