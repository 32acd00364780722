use leptos::prelude::*;
use leptos_router::components::A;

use crate::display::ui::use_display;
use crate::rounds::Round;
use crate::rules::{NUMERIC_FIELDS, RoundValues};
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

/// The patient's rounds, newest first, each with who recorded it and, for
/// those who may, a link to correct it.
#[component]
pub fn RoundsTable(rounds: Vec<Round>, can_write: bool) -> impl IntoView {
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
                        .map(|r| view! { <RoundRow round=r can_write /> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn RoundRow(round: Round, can_write: bool) -> impl IntoView {
    let display = use_display();
    let v = &round.values;
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
    view! {
        <tr data-testid=format!("round-{}", round.id)>
            <td>
                {display.time(v.measured_at)}
                <span class="muted small block">{v.shift.code()}</span>
            </td>
            <td>{show(v.temperature_c.map(|c| display.temperature_value(c)))}</td>
            <td>{show(v.pulse_per_min)}</td>
            <td>{show(v.respiration_per_min)}</td>
            <td>{blood_pressure(v)}</td>
            <td>{show(v.spo2_percent)}{(v.on_oxygen == Some(true)).then_some(" (O₂)")}</td>
            <td>{fluids}</td>
            <td>{show(v.hematocrit_percent)}</td>
            <td>{show(v.platelets_k_per_ul)}</td>
            <td class:danger-text=alarming>{signs}</td>
            <td>
                {round.recorded_by.clone()}
                {edited.then(|| view! { <span class="muted small block">"corrected"</span> })}
                {can_write
                    .then(|| {
                        view! {
                            <A href=format!("/patients/{}/rounds/{}/correct", round.patient_id, round.id) attr:class="block">
                                "Correct"
                            </A>
                        }
                    })}
            </td>
        </tr>
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

/// A card with the newest value of each measurement.
#[component]
pub fn LatestValues(rounds: Vec<Round>) -> impl IntoView {
    let display = use_display();
    let latest = latest_values(&rounds);
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
                                view! {
                                    <div>
                                        <dt>{spec.label}</dt>
                                        <dd>
                                            <span class="value">{value}</span>
                                            " "
                                            <span class="unit">{unit}</span>
                                            <span class="muted small block">{display.time(at)}</span>
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
