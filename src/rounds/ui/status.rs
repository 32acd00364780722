use leptos::prelude::*;

use crate::display::ui::use_display;
use crate::rules::ClinicalStatus;
use crate::rules::course::{Fluids, PULSE_PRESSURE_NARROW, StaleParameter, URINE_LOW_ML_KG_H};
use crate::rules::news2::{Band, News2, field_of};
use crate::rules::phase::Phase;

/// The CSS class of a band's colour.
pub fn band_class(band: Band) -> &'static str {
    match band {
        Band::Low => "band-low",
        Band::LowMedium => "band-low-medium",
        Band::Medium => "band-medium",
        Band::High => "band-high",
    }
}

/// "Patient is in the critical phase", with the reason and since when.
#[component]
pub fn PhaseBanner(status: ClinicalStatus) -> impl IntoView {
    let phase = status.phase;
    let class = match phase.phase {
        Phase::Critical => "banner danger",
        Phase::Febrile => "banner warn",
        Phase::Recovery | Phase::Afebrile => "banner info",
    };
    view! {
        <div class=class role="status" data-testid="phase-banner">
            <strong>{phase.phase.banner()}</strong>
            {phase.since.map(|t| format!(" since {}", use_display().time(t)))}
            <div class="banner-reason">{phase.reason}</div>
        </div>
    }
}

/// Why a score is incomplete, e.g. `incomplete — SpO2 not recorded since
/// 06:10; consciousness never recorded`; `None` when every parameter counts.
pub fn incomplete(stale: &[StaleParameter], missing: &[String]) -> Option<String> {
    let display = use_display();
    let mut parts: Vec<String> = stale
        .iter()
        .map(|s| {
            format!(
                "{} not recorded since {}",
                s.parameter,
                display.time(s.since)
            )
        })
        .collect();
    let never: Vec<&str> = missing
        .iter()
        .filter(|m| !stale.iter().any(|s| &s.parameter == *m))
        .map(String::as_str)
        .collect();
    if !never.is_empty() {
        parts.push(format!("{} never recorded", never.join(", ")));
    }
    (!parts.is_empty()).then(|| format!("incomplete — {}", parts.join("; ")))
}

/// The NEWS2 total, its band and the points of each parameter.
#[component]
pub fn News2Card(status: ClinicalStatus) -> impl IntoView {
    let incomplete = incomplete(&status.stale, &status.news2.missing);
    let score = status.news2;
    view! {
        <section class="card" aria-labelledby="news2-title">
            <div class="card-header">
                <h2 id="news2-title">"NEWS2"</h2>
                <span class=format!("score {}", band_class(score.band)) data-testid="news2-total">
                    {score.total}
                </span>
            </div>
            <p class=format!("band-label {}", band_class(score.band)) data-testid="news2-band">{score.band.label()}</p>
            <ul class="subscores">
                {score
                    .subscores
                    .into_iter()
                    .map(|s| {
                        let scored = s.points > 0;
                        view! { <li class:scored=scored>{s.reason}</li> }
                    })
                    .collect_view()}
            </ul>
            {incomplete.map(|text| view! { <p class="incomplete" data-testid="news2-incomplete">{text}</p> })}
        </section>
    }
}

/// `0.42 mL/kg/h`, flagged below the WHO target; without a weight or an
/// output recorded, says which.
pub fn urine_rate(rate: Option<f64>, fluids: &Fluids) -> impl IntoView + use<> {
    match rate {
        None if fluids.weight_kg.is_none() => {
            view! { <span class="muted">"no weight recorded, so no rate per kg"</span> }.into_any()
        }
        None => view! { <span class="muted">"no urine output recorded"</span> }.into_any(),
        Some(rate) if Fluids::urine_low(Some(rate)) => view! {
            <span class="flag" title=format!("Below {URINE_LOW_ML_KG_H} mL/kg/h (WHO 2009)") tabindex="0">
                {format!("▼ {rate:.2} mL/kg/h")}
                <span class="flag-why">{format!(" below {URINE_LOW_ML_KG_H}")}</span>
            </span>
        }
        .into_any(),
        Some(rate) => view! { <span>{format!("{rate:.2} mL/kg/h")}</span> }.into_any(),
    }
}

/// `18 mmHg`, flagged when narrow (a sign of compensated shock).
pub fn pulse_pressure(fluids: &Fluids) -> impl IntoView + use<> {
    match fluids.pulse_pressure_mmhg {
        None => view! { <span class="muted">"–"</span> }.into_any(),
        Some(p) if fluids.pulse_pressure_narrow() => view! {
            <span class="flag" title=format!("At most {PULSE_PRESSURE_NARROW} mmHg: a sign of compensated shock (WHO 2009)") tabindex="0">
                {format!("▼ {p} mmHg")}
                <span class="flag-why">{format!(" ≤ {PULSE_PRESSURE_NARROW}: shock?")}</span>
            </span>
        }
        .into_any(),
        Some(p) => view! { <span>{format!("{p} mmHg")}</span> }.into_any(),
    }
}

/// The dengue fluid and shock targets (WHO 2009).
#[component]
pub fn FluidTargets(fluids: Fluids) -> impl IntoView {
    let weight = fluids.weight_kg.map_or_else(
        || "no weight recorded".to_owned(),
        |kg| format!("from a weight of {kg} kg"),
    );
    let hct = fluids
        .hematocrit_change_percent
        .map_or_else(|| "–".to_owned(), |c| format!("{c:+.0} %"));
    let leaking = fluids
        .hematocrit_change_percent
        .is_some_and(|c| c >= crate::rules::phase::HEMATOCRIT_RISE * 100.0);
    view! {
        <section class="card" aria-labelledby="fluids-title" data-testid="fluid-targets">
            <h2 id="fluids-title">"Fluids and signs of shock"</h2>
            <p class="muted small">{format!("Urine output per kg {weight}; target at least {URINE_LOW_ML_KG_H} mL/kg/h.")}</p>
            <dl class="facts columns">
                <div><dt>"Urine, last 24 h"</dt><dd data-testid="urine-24h">{urine_rate(fluids.urine_24h, &fluids)}</dd></div>
                <div><dt>{format!("Urine, {}", fluids.last_shift)}</dt><dd>{urine_rate(fluids.urine_last_shift, &fluids)}</dd></div>
                <div><dt>"Balance since admission"</dt><dd>{format!("{:+} mL", fluids.balance_ml)}</dd></div>
                <div>
                    <dt>"Hematocrit against baseline"</dt>
                    <dd>
                        {if leaking {
                            view! { <span class="flag" title="20 % or more above the baseline: plasma leakage?" tabindex="0">{format!("▲ {hct}")}</span> }.into_any()
                        } else {
                            view! { <span>{hct}</span> }.into_any()
                        }}
                    </dd>
                </div>
                <div><dt>"Pulse pressure"</dt><dd>{pulse_pressure(&fluids)}</dd></div>
            </dl>
        </section>
    }
}

/// The fields whose value scores NEWS2 points, with why.
pub fn scoring_reasons(score: &News2) -> Vec<(&'static str, String)> {
    score
        .subscores
        .iter()
        .filter(|s| s.points > 0)
        .filter_map(|s| field_of(&s.parameter).map(|f| (f, s.reason.clone())))
        .collect()
}

/// A value, marked (colour, a symbol and the reason on hover, tap and
/// focus) when `reason` says it scores or misses a target.
pub fn flagged(text: String, reason: Option<String>) -> impl IntoView + use<> {
    match reason {
        None => view! { <span>{text}</span> }.into_any(),
        Some(reason) => view! {
            <span class="flag" title=reason.clone() tabindex="0">
                <span aria-hidden="true">"! "</span>
                {text}
                <span class="visually-hidden">{format!(" ({reason})")}</span>
            </span>
        }
        .into_any(),
    }
}
