//! The display preferences of the signed-in user, shared by every page, and
//! the settings form that changes them.

use leptos::prelude::*;

use super::api::{SAVED_KEY, SaveDisplaySettings, display_settings};
use super::{Clock, Display, TemperatureUnit};
use crate::accounts::ui::signed_in_user;
use crate::error::AppError;
use crate::ui::form::{ErrorBox, action_error, count_successes, saved_notice};
use crate::vocabulary::{IntoEnumIterator, Vocabulary};

/// The display preferences, loaded once per page and again when saved or
/// when another user signs in.
#[derive(Clone, Copy)]
pub struct DisplayContext {
    preferences: Resource<Result<Display, AppError>>,
    saved: RwSignal<usize>,
}

/// Loads the display preferences for every page; needs the user context.
pub fn provide_display_context() {
    let saved = RwSignal::new(0);
    let preferences = Resource::new(
        move || (signed_in_user().map(|u| u.id), saved.get()),
        |_| display_settings(),
    );
    provide_context(DisplayContext { preferences, saved });
}

/// Waits until the display preferences are loaded and gives them; pages
/// await this before rendering times, so the server and the browser write
/// them alike (and [`use_display`] below them has the loaded value).
pub async fn display_ready() -> Display {
    match use_context::<DisplayContext>() {
        Some(ctx) => ctx.preferences.await.unwrap_or_default(),
        None => Display::default(),
    }
}

/// How to show times and temperatures: the user's choice once loaded.
pub fn use_display() -> Display {
    use_context::<DisplayContext>()
        .and_then(|ctx| ctx.preferences.get())
        .and_then(Result::ok)
        .unwrap_or_default()
}

/// The hint under a date and time field: which clock it is read in.
#[component]
pub fn HospitalTimeHint(id: String) -> impl IntoView {
    view! {
        <span class="hint" id=id>
            <Suspense fallback=|| "Leave empty for now.">
                {move || Suspend::new(async move {
                    let zone = display_ready().await.zone;
                    format!(
                        "Hospital time ({}). Leave empty for now.",
                        zone.abbreviation(chrono::Utc::now())
                    )
                })}
            </Suspense>
        </span>
    }
}

/// Radio buttons named `name` under `legend`, one per `(value, label, checked)`.
fn choices(
    legend: &'static str,
    name: &'static str,
    options: Vec<(&'static str, &'static str, bool)>,
) -> impl IntoView {
    view! {
        <fieldset class="choices">
            <legend>{legend}</legend>
            {options
                .into_iter()
                .map(|(value, label, checked)| view! {
                    <label class="check">
                        <input type="radio" name=name value=value checked=checked />
                        {label}
                    </label>
                })
                .collect_view()}
        </fieldset>
    }
}

/// Temperature unit and clock; the time zone is the hospital's.
#[component]
pub fn DisplaySettings() -> impl IntoView {
    let ctx = expect_context::<DisplayContext>();
    let save = ServerAction::<SaveDisplaySettings>::new();
    count_successes(ctx.saved, save);
    view! {
        <section class="card" aria-labelledby="display-title">
            <h2 id="display-title">"How values are shown"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let current = display_ready().await;
                    let zone = current.zone.label(chrono::Utc::now());
                    view! {
                        <ActionForm action=save attr:class="display-form" attr:data-testid="display-preferences">
                            {choices(
                                "Temperature",
                                "display[temperature_unit]",
                                TemperatureUnit::iter().map(|u| (u.code(), u.label(), current.temperature == u)).collect(),
                            )}
                            {choices(
                                "Clock",
                                "display[clock]",
                                Clock::iter().map(|c| (c.code(), c.label(), current.clock == c)).collect(),
                            )}
                            <p class="muted" data-testid="time-zone">
                                {format!(
                                    "Times are shown in the hospital's time zone, {zone}, to everyone, so all speak of the same time."
                                )}
                            </p>
                            <ErrorBox error=action_error(save) />
                            <div class="form-actions">
                                <button type="submit" class="button">"Save display settings"</button>
                                {saved_notice(save, SAVED_KEY)}
                            </div>
                        </ActionForm>
                    }
                })}
            </Transition>
        </section>
    }
}
