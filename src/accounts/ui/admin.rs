//! The administration page: users, wards and API tokens (administrators).

use leptos::prelude::*;
use leptos_meta::Title;

use super::{UserContext, is_admin};
use crate::accounts::api::{
    CreateToken, CreateUser, CreateWard, RenameWard, ResetPassword, RevokeToken, SetUserActive,
    UpdateUser, admin_log, list_tokens, list_users, list_wards,
};
use crate::accounts::rules::PASSWORD_MIN;
use crate::accounts::{ApiToken, AuditEntry, Role, UserAccount, Ward, ward_names};
use crate::display::ui::{display_ready, use_display};
use crate::paging::Page;
use crate::ui::form::{ErrorBox, action_error, count_successes};
use crate::ui::pager::Pager;
use crate::vocabulary::{IntoEnumIterator, Vocabulary};

/// The page; anyone but an administrator is refused.
#[component]
pub fn AdminPage() -> impl IntoView {
    let user = expect_context::<UserContext>().0;
    view! {
        <Title text="Administration" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                user.get()
                    .map(|_| {
                        if is_admin() {
                            view! { <Administration /> }.into_any()
                        } else {
                            view! { <Refused /> }.into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

#[component]
fn Refused() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <section class="card" data-testid="refused">
            <h2>"Not allowed"</h2>
            <p>"Administration is for administrators only. Ask one if you need an account changed."</p>
        </section>
    }
}

/// Every action of the page, and a count of their successes: lists reload
/// after a change, while a form whose input was refused stays open with its
/// error.
#[derive(Clone, Copy)]
struct Actions {
    changes: RwSignal<usize>,
    create_user: ServerAction<CreateUser>,
    update_user: ServerAction<UpdateUser>,
    set_active: ServerAction<SetUserActive>,
    reset_password: ServerAction<ResetPassword>,
    create_ward: ServerAction<CreateWard>,
    rename_ward: ServerAction<RenameWard>,
    create_token: ServerAction<CreateToken>,
    revoke_token: ServerAction<RevokeToken>,
}

impl Actions {
    fn new() -> Self {
        let actions = Self {
            changes: RwSignal::new(0),
            create_user: ServerAction::new(),
            update_user: ServerAction::new(),
            set_active: ServerAction::new(),
            reset_password: ServerAction::new(),
            create_ward: ServerAction::new(),
            rename_ward: ServerAction::new(),
            create_token: ServerAction::new(),
            revoke_token: ServerAction::new(),
        };
        count_successes(actions.changes, actions.create_user);
        count_successes(actions.changes, actions.update_user);
        count_successes(actions.changes, actions.set_active);
        count_successes(actions.changes, actions.create_ward);
        count_successes(actions.changes, actions.rename_ward);
        count_successes(actions.changes, actions.create_token);
        count_successes(actions.changes, actions.revoke_token);
        actions
    }
}

#[component]
fn Administration() -> impl IntoView {
    let actions = Actions::new();
    let users = Resource::new(move || actions.changes.get(), |_| list_users());
    let wards = Resource::new(move || actions.changes.get(), |_| list_wards());
    let tokens = Resource::new(move || actions.changes.get(), |_| list_tokens());
    let query = leptos_router::hooks::use_query_map();
    let log_page = move || query.with(|q| q.get_str("log").and_then(|p| p.parse().ok()));
    let log = Resource::new(
        move || (actions.changes.get(), log_page()),
        |(_, page)| admin_log(page, None),
    );
    view! {
        <div class="grid">
            <crate::system::ui::SystemStatusCard />
        </div>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                display_ready().await;
                let users = users.await;
                let wards = wards.await;
                let tokens = tokens.await;
                let log = log.await;
                match (users, wards, tokens, log) {
                    (Ok(users), Ok(wards), Ok(tokens), Ok(log)) => view! {
                        <UsersSection users wards=wards.clone() actions />
                        <WardsSection wards=wards.clone() actions />
                        <TokensSection tokens wards actions />
                        <AuditSection log />
                    }
                    .into_any(),
                    (Err(e), _, _, _) | (_, Err(e), _, _) | (_, _, Err(e), _) | (_, _, _, Err(e)) => view! {
                        <p class="form-error" role="alert">{e.to_string()}</p>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

/// Ward checkboxes with an "all wards" choice, named for the server functions.
#[component]
fn WardPicker(wards: Vec<Ward>, all: bool, selected: Vec<i32>) -> impl IntoView {
    view! {
        <fieldset class="ward-picker">
            <legend>"Wards"</legend>
            <label class="check">
                <input type="checkbox" name="all_wards" value="true" checked=all />
                " All wards"
            </label>
            {wards
                .into_iter()
                .map(|w| {
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                name="ward_ids[]"
                                value=w.id
                                checked=selected.contains(&w.id)
                            />
                            " "
                            {w.name}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

#[component]
fn RoleSelect(id: String, selected: Role) -> impl IntoView {
    view! {
        <select id=id name="role">
            {Role::iter()
                .map(|r| view! { <option value=r.code() selected=r == selected>{r.label()}</option> })
                .collect_view()}
        </select>
    }
}

#[component]
fn UsersSection(users: Vec<UserAccount>, wards: Vec<Ward>, actions: Actions) -> impl IntoView {
    let rows = users
        .into_iter()
        .map(|u| view! { <UserRow user=u wards=wards.clone() actions /> })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="users-title">
            <h2 id="users-title">"Users"</h2>
            <ErrorBox error=action_error(actions.set_active) />
            <div class="table-scroll">
                <table class="table" data-testid="users">
                    <thead>
                        <tr>
                            <th scope="col">"Username"</th>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Wards"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Last sign-in"</th>
                            <th scope="col">"Actions"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <NewUserForm wards=wards actions />
        </section>
    }
}

#[component]
fn UserRow(user: UserAccount, wards: Vec<Ward>, actions: Actions) -> impl IntoView {
    let id = user.id;
    let place = ward_names(&wards, user.all_wards, &user.ward_ids);
    let status = if user.active { "Active" } else { "Deactivated" };
    let display = use_display();
    view! {
        <tr data-testid=format!("user-{}", user.username) class:inactive=!user.active>
            <td>{user.username.clone()}</td>
            <td>{user.display_name.clone()}</td>
            <td>{user.role.label()}</td>
            <td>{place}</td>
            <td>{status}</td>
            <td>{user.last_login_at.map(|t| display.time(t)).unwrap_or_else(|| "never".into())}</td>
            <td>
                <ActionForm action=actions.set_active attr:class="inline-form">
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="active" value=(!user.active).to_string() />
                    <button type="submit" class="button secondary small">
                        {if user.active { "Deactivate" } else { "Reactivate" }}
                    </button>
                </ActionForm>
                <details class="row-details">
                    <summary>"Edit"</summary>
                    <ActionForm action=actions.update_user attr:class="stack">
                        <input type="hidden" name="id" value=id />
                        <label for=format!("name-{id}")>"Name"</label>
                        <input id=format!("name-{id}") name="display_name" value=user.display_name required />
                        <label for=format!("role-{id}")>"Role"</label>
                        <RoleSelect id=format!("role-{id}") selected=user.role />
                        <WardPicker wards=wards.clone() all=user.all_wards selected=user.ward_ids />
                        <ErrorBox error=action_error(actions.update_user) />
                        <button type="submit" class="button small">"Save changes"</button>
                    </ActionForm>
                    <ActionForm action=actions.reset_password attr:class="stack">
                        <input type="hidden" name="id" value=id />
                        <label for=format!("password-{id}")>"New password"</label>
                        <input id=format!("password-{id}") name="password" type="password" autocomplete="new-password" required />
                        <ErrorBox error=action_error(actions.reset_password) />
                        <button type="submit" class="button small">"Reset password"</button>
                    </ActionForm>
                </details>
            </td>
        </tr>
    }
}

#[component]
fn NewUserForm(wards: Vec<Ward>, actions: Actions) -> impl IntoView {
    view! {
        <details class="add-form">
            <summary class="button">"New user"</summary>
            <ActionForm action=actions.create_user attr:class="stack" attr:data-testid="new-user">
                <label for="new-username">"Username (letters, digits, . _ -)"</label>
                <input id="new-username" name="username" autocomplete="off" required />
                <label for="new-display-name">"Full name"</label>
                <input id="new-display-name" name="display_name" required />
                <label for="new-role">"Role"</label>
                <RoleSelect id="new-role".into() selected=Role::Clinician />
                <WardPicker wards all=false selected=Vec::new() />
                <label for="new-password">{format!("Initial password (at least {PASSWORD_MIN} characters)")}</label>
                <input id="new-password" name="password" type="password" autocomplete="new-password" required />
                <ErrorBox error=action_error(actions.create_user) />
                <button type="submit" class="button">"Create user"</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn WardsSection(wards: Vec<Ward>, actions: Actions) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="wards-title">
            <h2 id="wards-title">"Wards"</h2>
            <ul class="plain-list" data-testid="wards">
                {wards
                    .into_iter()
                    .map(|w| {
                        view! {
                            <li>
                                <ActionForm action=actions.rename_ward attr:class="inline-form">
                                    <input type="hidden" name="id" value=w.id />
                                    <label class="visually-hidden" for=format!("ward-{}", w.id)>"Ward name"</label>
                                    <input id=format!("ward-{}", w.id) name="name" value=w.name required />
                                    <button type="submit" class="button secondary small">"Rename"</button>
                                </ActionForm>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <ErrorBox error=action_error(actions.rename_ward) />
            <ActionForm action=actions.create_ward attr:class="inline-form">
                <label for="new-ward">"New ward"</label>
                <input id="new-ward" name="name" required />
                <button type="submit" class="button small">"Add ward"</button>
            </ActionForm>
            <ErrorBox error=action_error(actions.create_ward) />
        </section>
    }
}

#[component]
fn TokensSection(tokens: Vec<ApiToken>, wards: Vec<Ward>, actions: Actions) -> impl IntoView {
    let created = move || actions.create_token.value().get().and_then(Result::ok);
    let display = use_display();
    let rows = tokens
        .into_iter()
        .map(|t| {
            let place = ward_names(&wards, t.all_wards, &t.ward_ids);
            view! {
                <tr class:inactive=t.revoked_at.is_some()>
                    <td>{t.name}</td>
                    <td><code>{format!("{}…", t.prefix)}</code></td>
                    <td>{t.role.label()}</td>
                    <td>{place}</td>
                    <td>{display.time(t.created_at)}</td>
                    <td>{t.last_used_at.map(|t| display.time(t)).unwrap_or_else(|| "never".into())}</td>
                    <td>
                        {match t.revoked_at {
                            Some(at) => view! { <span>{format!("Revoked {}", display.time(at))}</span> }.into_any(),
                            None => view! {
                                <ActionForm action=actions.revoke_token attr:class="inline-form">
                                    <input type="hidden" name="id" value=t.id />
                                    <button type="submit" class="button danger small">"Revoke"</button>
                                </ActionForm>
                            }
                            .into_any(),
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="tokens-title">
            <h2 id="tokens-title">"API tokens"</h2>
            <p class="muted">
                "Device gateways and other systems send "<code>"Authorization: Bearer <token>"</code>
                " with every request."
            </p>
            {move || {
                created()
                    .map(|c| {
                        view! {
                            <div class="notice" role="status" data-testid="new-token">
                                <p>
                                    <strong>{format!("Token \u{201c}{}\u{201d} created.", c.details.name)}</strong>
                                    " Copy it now: it will not be shown again."
                                </p>
                                <code class="secret">{c.token}</code>
                            </div>
                        }
                    })
            }}
            <div class="table-scroll">
                <table class="table" data-testid="tokens">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Token"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Wards"</th>
                            <th scope="col">"Created"</th>
                            <th scope="col">"Last used"</th>
                            <th scope="col">"Status"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <ErrorBox error=action_error(actions.revoke_token) />
            <details class="add-form">
                <summary class="button">"New API token"</summary>
                <ActionForm action=actions.create_token attr:class="stack" attr:data-testid="new-token-form">
                    <label for="token-name">"Name (what uses it)"</label>
                    <input id="token-name" name="name" required />
                    <label for="token-role">"Role"</label>
                    <RoleSelect id="token-role".into() selected=Role::Clinician />
                    <WardPicker wards all=false selected=Vec::new() />
                    <ErrorBox error=action_error(actions.create_token) />
                    <button type="submit" class="button">"Create token"</button>
                </ActionForm>
            </details>
        </section>
    }
}

/// Who changed which account, ward or token, and when, newest first.
#[component]
fn AuditSection(log: Page<AuditEntry>) -> impl IntoView {
    let display = use_display();
    let (total, page, pages) = (log.total, log.page, log.pages());
    let rows = log
        .items
        .into_iter()
        .map(|entry| {
            view! {
                <tr>
                    <td>{display.time(entry.at)}</td>
                    <td>{entry.actor}</td>
                    <td>{entry.action.label()}</td>
                    <td>{entry.subject}</td>
                    <td>{entry.details}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="audit-title">
            <h2 id="audit-title">"Administration log"</h2>
            <p class="muted">"Every account, ward and API token created or changed, with who did it."</p>
            <div class="table-scroll">
                <table class="table" data-testid="audit">
                    <thead>
                        <tr>
                            <th scope="col">"When"</th>
                            <th scope="col">"Who"</th>
                            <th scope="col">"What"</th>
                            <th scope="col">"Of"</th>
                            <th scope="col">"Details"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <Pager total page pages noun="entries" one="entry" link=|n| format!("/admin?log={n}#audit-title") />
        </section>
    }
}
