use leptos::prelude::*;

use super::api::system_status;
use crate::display::ui::use_display;

/// A card with the server's version and database state, and a button that
/// asks the server again.
#[component]
pub fn SystemStatusCard() -> impl IntoView {
    let check = Action::new(|_: &()| system_status());
    let checks = check.version();
    let first = Resource::new(|| (), |_| system_status());
    let status = move || check.value().get().or_else(|| first.get());

    view! {
        <section class="card" aria-labelledby="system-status-title">
            <header class="card-header">
                <h2 id="system-status-title">"System status"</h2>
                <button
                    class="button"
                    data-testid="check-status"
                    on:click=move |_| {
                        check.dispatch(());
                    }
                    disabled=move || check.pending().get()
                >
                    {move || if check.pending().get() { "Checking…" } else { "Check again" }}
                </button>
            </header>
            <Suspense fallback=|| view! { <p class="muted">"Asking the server…"</p> }>
                {move || {
                    status()
                        .map(|result| match result {
                            Ok(s) => {
                                view! {
                                    <dl class="facts" data-testid="system-status">
                                        <div>
                                            <dt>"Database"</dt>
                                            <dd>
                                                <span class="dot ok" aria-hidden="true"></span>
                                                {format!("{} — {}", s.database.backend, s.database.state)}
                                            </dd>
                                        </div>
                                        <div>
                                            <dt>"Schema migrations"</dt>
                                            <dd>{s.database.migrations}</dd>
                                        </div>
                                        <div>
                                            <dt>"Server time"</dt>
                                            <dd data-testid="server-time">{use_display().time(s.server_time)}</dd>
                                        </div>
                                        <div>
                                            <dt>"Version"</dt>
                                            <dd>{s.version}</dd>
                                        </div>
                                    </dl>
                                }
                                    .into_any()
                            }
                            Err(e) => {
                                view! {
                                    <p class="error" role="alert">
                                        {e.to_string()}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
            <p class="muted small" data-testid="check-count">
                {move || match checks.get() {
                    0 => "Loaded with the page.".to_owned(),
                    1 => "Checked once since the page loaded.".to_owned(),
                    n => format!("Checked {n} times since the page loaded."),
                }}
            </p>
        </section>
    }
}
