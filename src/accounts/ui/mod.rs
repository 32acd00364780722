//! Pages and components of accounts: login, profile, administration, and
//! the signed-in user in the header.

pub mod admin;
pub mod login;
pub mod profile;

use leptos::prelude::*;

use super::api::{Logout, me};
use super::{CurrentUser, Role};
use crate::error::AppError;
use crate::rounds::ui::waiting::{rounds, use_outbox};
use crate::ui::form::{confirm, go_on_success};

/// The signed-in user, loaded once per page and shared through context.
#[derive(Clone, Copy)]
pub struct UserContext(pub Resource<Result<Option<CurrentUser>, AppError>>);

/// Loads the signed-in user and provides it to every page.
pub fn provide_user_context() {
    provide_context(UserContext(Resource::new(|| (), |_| me())));
}

/// The signed-in user, once loaded.
pub fn signed_in_user() -> Option<CurrentUser> {
    use_context::<UserContext>()
        .and_then(|ctx| ctx.0.get())
        .and_then(Result::ok)
        .flatten()
}

/// Whether the signed-in user is an administrator.
pub fn is_admin() -> bool {
    signed_in_user().is_some_and(|u| u.role == Role::Admin)
}

/// "Signed in as …" with a sign-out button, for the header.
#[component]
pub fn UserBadge() -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    go_on_success(logout, |_| "/login".to_owned());
    // Rounds waiting on this device belong to this user: signing out
    // deletes them, after a warning.
    let outbox = use_outbox();
    let sign_out = move |ev: leptos::ev::MouseEvent| {
        let count = outbox.count();
        if count == 0 {
            return;
        }
        let are = if count == 1 { "is" } else { "are" };
        if confirm(&format!(
            "{} {are} still waiting to send from this device. Signing out deletes them for good. Sign out anyway?",
            rounds(count)
        )) {
            outbox.clear();
        } else {
            ev.prevent_default();
        }
    };
    view! {
        <Suspense fallback=|| ()>
            {move || {
                signed_in_user()
                    .map(|user| {
                        view! {
                            <div class="user-badge" data-testid="user-badge">
                                <a href="/profile" class="user-name">
                                    "Signed in as "
                                    <strong>{user.display_name}</strong>
                                    " ("
                                    <span data-testid="user-role">{user.role.label()}</span>
                                    ")"
                                </a>
                                <ActionForm action=logout attr:class="inline-form">
                                    <button type="submit" class="button secondary" on:click=sign_out>
                                        "Sign out"
                                    </button>
                                </ActionForm>
                            </div>
                        }
                    })
            }}
        </Suspense>
    }
}
