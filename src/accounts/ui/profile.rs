use leptos::prelude::*;
use leptos_meta::Title;

use super::signed_in_user;
use crate::accounts::api::ChangePassword;
use crate::accounts::rules::PASSWORD_MIN;
use crate::ui::form::{ErrorBox, action_error};

/// The signed-in user's own account: who they are, and a new password.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    view! {
        <Title text="Your account" />
        <section class="card">
            <h2>"Your account"</h2>
            <Suspense fallback=|| ()>
                {move || {
                    signed_in_user()
                        .map(|u| {
                            view! {
                                <dl class="facts">
                                    <div><dt>"Name"</dt><dd>{u.display_name}</dd></div>
                                    <div><dt>"Username"</dt><dd>{u.username}</dd></div>
                                    <div><dt>"Role"</dt><dd>{u.role.label()}</dd></div>
                                </dl>
                            }
                        })
                }}
            </Suspense>
        </section>
        <section class="card narrow">
            <h2>"Change password"</h2>
            <ActionForm action=change attr:class="stack">
                <label for="current_password">"Current password"</label>
                <input id="current_password" name="current_password" type="password" autocomplete="current-password" required />
                <label for="new_password">{format!("New password (at least {PASSWORD_MIN} characters)")}</label>
                <input id="new_password" name="new_password" type="password" autocomplete="new-password" required />
                <ErrorBox error=action_error(change) />
                {move || {
                    matches!(change.value().get(), Some(Ok(())))
                        .then(|| view! { <p class="form-ok" role="status">"Your password was changed."</p> })
                }}
                <button type="submit" class="button">"Change password"</button>
            </ActionForm>
        </section>
    }
}
