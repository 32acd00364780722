use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::accounts::api::{Login, safe_next};
use crate::ui::form::{ErrorBox, action_error, go_on_success};
use crate::ui::icons::{Icon, IconView};

/// The login page: username and password, with a clear message when they
/// are wrong or the username is locked.
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || safe_next(query.read().get("next").as_deref());
    go_on_success(login, move |_| next());
    view! {
        <Title text="Sign in" />
        <main class="login-screen">
            <div class="login-card">
                <div class="brand login-brand">
                    <span class="brand-mark">
                        <IconView icon=Icon::Logo />
                    </span>
                    <span class="brand-name">"vital"<strong>"board"</strong></span>
                </div>
                <h1>"Sign in"</h1>
                <p class="muted">"Ward monitoring for clinicians and consultants."</p>
                <ActionForm action=login attr:class="stack">
                    <label for="username">"Username"</label>
                    <input
                        id="username"
                        name="username"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                        autofocus
                    />
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                    <input type="hidden" name="next" value=next />
                    <ErrorBox error=action_error(login) />
                    <button type="submit" class="button wide" disabled=move || login.pending().get()>
                        {move || if login.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
                <p class="muted small">
                    "Forgot your password? An administrator can reset it."
                </p>
            </div>
        </main>
    }
}
