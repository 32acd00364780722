use leptos::prelude::*;
use leptos_router::components::A;

use crate::display::ui::use_display;
use crate::rounds::Round;
use crate::rounds::ui::status::flagged;
use crate::rules::course::{PULSE_PRESSURE_NARROW, StaleParameter};
use crate::rules::news2::scoring_fields;
use crate::rules::phase::PLATELETS_LOW;
use crate::rules::{NUMERIC_FIELDS, RoundValues};
use crate::ui::time::ago;
use crate::vocabulary::Vocabulary;

fn show<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_else(|| "–".into())
}

fn blood_pressure(v: &RoundValues) -> String {
    match (v.systolic_mmhg, v.diastolic_mmhg) {
        (None, None) => "–".into(),
        (s, d) => format!("{}/{}", show(s), show(d)),
    }
}

/// Why a value is flagged: its NEWS2 points, or a dengue target it misses.
#[derive(Clone)]
struct Flag {
    mark: String,
    reason: String,
}

/// The flags of a round's values, by field (`blood_pressure` for the pair).
fn flags(v: &RoundValues, scale2: bool) -> Vec<(&'static str, Flag)> {
    let mut found: Vec<(&'static str, Flag)> = scoring_fields(v, scale2)
        .into_iter()
        .map(|(field, s)| {
            let field = if field == "systolic_mmhg" {
                "blood_pressure"
            } else {
                field
            };
            (
                field,
                Flag {
                    mark: format!("+{}", s.points),
                    reason: s.reason,
                },
            )
        })
        .collect();
    if let (Some(sys), Some(dia)) = (v.systolic_mmhg, v.diastolic_mmhg)
        && sys - dia <= PULSE_PRESSURE_NARROW
    {
        found.push((
            "blood_pressure",
            Flag {
                mark: "PP".into(),
                reason: format!(
                    "Pulse pressure {} mmHg ≤ {PULSE_PRESSURE_NARROW}: a sign of compensated shock",
                    sys - dia
                ),
            },
        ));
    }
    if let Some(plt) = v.platelets_k_per_ul
        && plt < PLATELETS_LOW
    {
        found.push((
            "platelets_k_per_ul",
            Flag {
                mark: "▼".into(),
                reason: format!("Platelets {plt} below {PLATELETS_LOW} ×10³/µL"),
            },
        ));
    }
    found
}

/// A table cell, marked (colour, a mark and the reason on hover, tap and
/// focus) when its value scores or misses a target.
fn cell(text: String, field: &str, flags: &[(&'static str, Flag)]) -> impl IntoView + use<> {
    let mine: Vec<Flag> = flags
        .iter()
        .filter(|(f, _)| *f == field)
        .map(|(_, f)| f.clone())
        .collect();
    if mine.is_empty() {
        return view! { <td>{text}</td> }.into_any();
    }
    let marks = mine
        .iter()
        .map(|f| f.mark.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let reasons = mine
        .iter()
        .map(|f| f.reason.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <td class="flagged" title=reasons.clone() tabindex="0">
            {text}
            " "
            <span class="mark" aria-hidden="true">{marks}</span>
            <span class="visually-hidden">{format!(" ({reasons})")}</span>
        </td>
    }
    .into_any()
}

/// The patient's rounds, newest first, each with who recorded it, its
/// notes and advice, its flagged values and, for those who may, a link to
/// correct it. `scale2`: the patient's SpO2 scale.
#[component]
pub fn RoundsTable(rounds: Vec<Round>, can_write: bool, scale2: bool) -> impl IntoView {
    let display = use_display();
    view! {
        <div class="table-scroll">
            <table class="table rounds" data-testid="rounds">
                <thead>
                    <tr>
                        <th scope="col">"Measured"</th>
                        <th scope="col">{format!("Temp {}", display.temperature.symbol())}</th>
                        <th scope="col">"Pulse"</th>
                        <th scope="col">"Resp"</th>
                        <th scope="col">"BP mmHg"</th>
                        <th scope="col">"SpO2 %"</th>
                        <th scope="col">"In / out mL"</th>
                        <th scope="col">"Hct %"</th>
                        <th scope="col">"Plt 10³/µL"</th>
                        <th scope="col">"Warning signs"</th>
                        <th scope="col">"Recorded by"</th>
                    </tr>
                </thead>
                <tbody>
                    {rounds
                        .into_iter()
                        .map(|r| view! { <RoundRow round=r can_write scale2 /> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn RoundRow(round: Round, can_write: bool, scale2: bool) -> impl IntoView {
    let display = use_display();
    let v = &round.values;
    let flags = flags(v, scale2);
    let alarming = !v.warning_signs.is_empty();
    let signs = if alarming {
        v.warning_signs
            .iter()
            .map(|w| w.label())
            .collect::<Vec<_>>()
            .join("; ")
    } else {
        "–".to_owned()
    };
    let fluids = match (v.intake_ml(), v.output_ml()) {
        (0, 0) => "–".to_owned(),
        (i, o) => format!("{i} / {o}"),
    };
    let edited = round.updated_at > round.created_at + chrono::Duration::seconds(1);
    let oxygen_flag = flags
        .iter()
        .find(|(f, _)| *f == "on_oxygen")
        .map(|(_, f)| f.reason.clone());
    let consciousness = v
        .consciousness
        .filter(|c| *c != crate::rules::Consciousness::Alert);
    let notes = (v.clinical_notes.clone(), v.medical_advice.clone());
    let has_notes =
        notes.0.is_some() || notes.1.is_some() || oxygen_flag.is_some() || consciousness.is_some();
    view! {
        <tr data-testid=format!("round-{}", round.id) class:has-notes=has_notes>
            <td>
                {display.time(v.measured_at)}
                <span class="muted small block">{v.shift.code()}</span>
            </td>
            {cell(show(v.temperature_c.map(|c| display.temperature_value(c))), "temperature_c", &flags)}
            {cell(show(v.pulse_per_min), "pulse_per_min", &flags)}
            {cell(show(v.respiration_per_min), "respiration_per_min", &flags)}
            {cell(blood_pressure(v), "blood_pressure", &flags)}
            {cell(format!("{}{}", show(v.spo2_percent), if v.on_oxygen == Some(true) { " (O₂)" } else { "" }), "spo2_percent", &flags)}
            <td>{fluids}</td>
            <td>{show(v.hematocrit_percent)}</td>
            {cell(show(v.platelets_k_per_ul), "platelets_k_per_ul", &flags)}
            <td class:danger-text=alarming>{signs}</td>
            <td>
                {round.recorded_by.clone()}
                {edited.then(|| view! { <span class="muted small block">"corrected"</span> })}
                {can_write
                    .then(|| {
                        view! {
                            <A href=format!("/patients/{}/rounds/{}/correct", round.patient_id, round.id) attr:class="block no-print">
                                "Correct"
                            </A>
                        }
                    })}
            </td>
        </tr>
        {has_notes.then(|| view! {
            <tr class="round-notes" data-testid=format!("round-notes-{}", round.id)>
                <td colspan="11">
                    {oxygen_flag.map(|reason| view! { <p class="flag">"On oxygen: "{reason}</p> })}
                    {consciousness.map(|c| view! { <p class="flag">{format!("Consciousness: {} ({}), scores 3", c.label(), c.code())}</p> })}
                    {notes.0.map(|n| view! { <p><strong>"Clinical note: "</strong>{n}</p> })}
                    {notes.1.map(|a| view! { <p><strong>"Medical advice: "</strong>{a}</p> })}
                </td>
            </tr>
        })}
    }
}

/// The newest value of each measurement among `rounds` (newest first), with
/// its time.
pub fn latest_values(
    rounds: &[Round],
) -> Vec<(
    &'static crate::rules::FieldSpec,
    f64,
    chrono::DateTime<chrono::Utc>,
)> {
    NUMERIC_FIELDS
        .iter()
        .filter_map(|spec| {
            rounds.iter().find_map(|r| {
                r.values
                    .numeric(spec.name)
                    .map(|v| (spec, v, r.values.measured_at))
            })
        })
        .collect()
}

/// A card with the newest value of each measurement: a value that scores
/// NEWS2 points is marked with why (`scoring`, by field), one too old to
/// count is greyed with its age (`stale`).
#[component]
pub fn LatestValues(
    rounds: Vec<Round>,
    scoring: Vec<(&'static str, String)>,
    stale: Vec<StaleParameter>,
) -> impl IntoView {
    let display = use_display();
    let latest = latest_values(&rounds);
    let now = chrono::Utc::now();
    let stale_fields: Vec<&'static str> = stale
        .iter()
        .filter_map(|s| crate::rules::news2::field_of(&s.parameter))
        .collect();
    view! {
        <section class="card" aria-labelledby="latest-title">
            <h2 id="latest-title">"Latest values"</h2>
            {if latest.is_empty() {
                view! { <p class="empty">"No rounds recorded yet."</p> }.into_any()
            } else {
                view! {
                    <dl class="latest" data-testid="latest-values">
                        {latest
                            .into_iter()
                            .map(|(spec, value, at)| {
                                let (value, unit) = if spec.name == "temperature_c" {
                                    (display.temperature_value(value), display.temperature.symbol())
                                } else {
                                    (value.to_string(), spec.display_unit())
                                };
                                let old = stale_fields.contains(&spec.name);
                                let reason = scoring
                                    .iter()
                                    .find(|(f, _)| *f == spec.name)
                                    .map(|(_, r)| r.clone());
                                view! {
                                    <div class:stale=old>
                                        <dt>{spec.label}</dt>
                                        <dd>
                                            <span class="value">{flagged(value, reason)}</span>
                                            " "
                                            <span class="unit">{unit}</span>
                                            <span class="muted small block">
                                                {display.time(at)}
                                                {old.then(|| format!(" · {}, too old to count in NEWS2", ago(at, now)))}
                                            </span>
                                        </dd>
                                    </div>
                                }
                            })
                            .collect_view()}
                    </dl>
                }
                .into_any()
            }}
        </section>
    }
}
