use leptos::prelude::*;

use crate::display::ui::use_display;
use crate::rules::ClinicalStatus;
use crate::rules::news2::Band;
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

/// The NEWS2 total, its band and the points of each parameter.
#[component]
pub fn News2Card(status: ClinicalStatus) -> impl IntoView {
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
            {(!score.missing.is_empty())
                .then(|| view! { <p class="muted small">{format!("Not yet recorded: {}.", score.missing.join(", "))}</p> })}
        </section>
    }
}
