use leptos::prelude::*;

use super::HistoryEntry;
use crate::display::ui::use_display;
use crate::ui::form::field_label;

fn describe(entry: &HistoryEntry) -> String {
    let what = match entry.entity.as_str() {
        "round" => format!("round {}", entry.entity_id),
        _ => "patient".to_owned(),
    };
    let verb = match entry.action.as_str() {
        "reassess" => return format!("{} reassessed the patient as time passed", entry.actor),
        "phase" => "set the phase of the",
        "answer" => "acknowledged an alert about the",
        "advise" => "gave medical advice on the",
        "escalate" => return format!("{}: an alert about the patient was escalated", entry.actor),
        "create" if entry.entity == "round" => "recorded",
        "create" => "admitted",
        "update" if entry.entity == "round" => "corrected",
        "update" => "changed",
        "discharge" => "discharged",
        "delete" => "deleted",
        other => other,
    };
    format!("{} {verb} {what}", entry.actor)
}

/// Every change of a patient and its rounds: who, when, why, and what.
#[component]
pub fn HistoryList(entries: Vec<HistoryEntry>) -> impl IntoView {
    let display = use_display();
    view! {
        <ol class="history" data-testid="history">
            {entries
                .into_iter()
                .map(|entry| {
                    let changes = if entry.action == "update" { entry.changes() } else { Vec::new() };
                    view! {
                        <li>
                            <div>
                                <strong>{describe(&entry)}</strong>
                                <span class="muted">" · "{display.time(entry.at)}</span>
                            </div>
                            {entry.reason.clone().map(|r| view! { <div class="reason">"Reason: "{r}</div> })}
                            {(!changes.is_empty())
                                .then(|| {
                                    view! {
                                        <ul class="changes">
                                            {changes
                                                .into_iter()
                                                .map(|c| {
                                                    view! {
                                                        <li>
                                                            {field_label(&c.field)}": "
                                                            <del>{c.before}</del>" → "<ins>{c.after}</ins>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}
