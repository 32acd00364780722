//! The bell with the unread count, the toasts, the notifications page and
//! the settings page where each user chooses which kinds to receive.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

use super::api::{
    MarkNotificationsRead, SAVED_KEY, SaveNotificationPreferences, list_notifications,
    notification_preferences,
};
use super::{Kind, Notification, Priority};
use crate::display::ui::{display_ready, use_display};
use crate::live::ui::{use_live, watch_stream};
use crate::ui::form::{ErrorBox, action_error, count_successes, saved_notice};
use crate::ui::icons::{Icon, IconView};
use crate::vocabulary::{IntoEnumIterator, Vocabulary};

/// How many toasts are shown at once.
const TOASTS: usize = 4;
/// How long a toast stays, in milliseconds.
const TOAST_MS: u64 = 20_000;
/// Where this device keeps whether high-priority alerts sound and vibrate.
#[cfg(feature = "hydrate")]
const ALARM_KEY: &str = "vitalboard.alarm";

/// Whether the user of this device asked for sound and vibration.
#[cfg(feature = "hydrate")]
fn alarm_wanted() -> bool {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(ALARM_KEY).ok().flatten())
        .is_some_and(|v| v == "on")
}

/// Vibrates and sounds three short tones, as a high-priority alarm does,
/// where the device and the browser allow it.
#[cfg(feature = "hydrate")]
fn sound_alarm() {
    let _ = window().navigator().vibrate_with_duration(600);
    let Ok(audio) = web_sys::AudioContext::new() else {
        return;
    };
    let (Ok(tone), Ok(volume)) = (audio.create_oscillator(), audio.create_gain()) else {
        return;
    };
    tone.frequency().set_value(880.0);
    let start = audio.current_time();
    for pulse in 0..3 {
        let at = start + f64::from(pulse) * 0.25;
        let _ = volume.gain().set_value_at_time(0.25, at);
        let _ = volume.gain().set_value_at_time(0.0, at + 0.15);
    }
    let _ = tone.connect_with_audio_node(&volume);
    let _ = volume.connect_with_audio_node(&audio.destination());
    let _ = tone.start();
    let _ = tone.stop_with_when(start + 0.8);
}

/// Counts up with every change of the user's notifications, here or in
/// another tab.
fn notification_changes() -> RwSignal<usize> {
    let changes = RwSignal::new(0);
    watch_stream("notifications", changes);
    changes
}

/// The bell in the header: a link to the notifications with the unread count.
#[component]
pub fn NotificationBell() -> impl IntoView {
    let changes = notification_changes();
    let unread = Resource::new(
        move || changes.get(),
        |_| list_notifications(None, None, Some(true), Some(1), Some(1)),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let (alerts, information) = unread
                    .await
                    .map(|page| (page.unread_alerts, page.unread.saturating_sub(page.unread_alerts)))
                    .unwrap_or_default();
                let label = match (alerts, information) {
                    (0, 0) => "Notifications: none unread".to_owned(),
                    (1, 0) => "Notifications: 1 alert unread".to_owned(),
                    (n, 0) => format!("Notifications: {n} alerts unread"),
                    (0, i) => format!("Notifications: no alert, {i} for information unread"),
                    (n, i) => format!("Notifications: {n} alert{} and {i} for information unread", if n == 1 { "" } else { "s" }),
                };
                view! {
                    <A href="/notifications" attr:class="bell" attr:aria-label=label attr:data-testid="bell">
                        <IconView icon=Icon::Bell />
                        {if alerts > 0 {
                            Some(view! { <span class="bell-count" data-testid="bell-count">{alerts.min(99).to_string()}</span> }.into_any())
                        } else {
                            (information > 0).then(|| view! { <span class="bell-dot" data-testid="bell-information"></span> }.into_any())
                        }}
                    </A>
                }
            })}
        </Transition>
    }
}

/// A priority as a marker a glance can tell apart without colour (`!!!`,
/// `!!`, `!`, `i`) and its name.
pub fn priority_mark(priority: Priority) -> impl IntoView {
    view! {
        <span class=format!("priority {}", priority.class()) data-testid="priority">
            <span class="marker" aria-hidden="true">{priority.marker()}</span>
            {priority.label()}
        </span>
    }
}

/// New notifications as toasts: announced to screen readers, never taking
/// the focus, each dismissable and gone by itself after a while.
#[component]
pub fn Toasts() -> impl IntoView {
    let feed = use_live();
    let toasts = RwSignal::new(Vec::<Notification>::new());
    Effect::new(move |_| {
        let Some(event) = feed.events.get() else {
            return;
        };
        if event.stream != "notifications" || event.action != "create" {
            return;
        }
        let Ok(notification) = serde_json::from_value::<Notification>(event.data) else {
            return;
        };
        let id = notification.id;
        #[cfg(feature = "hydrate")]
        if notification.priority == Priority::High && alarm_wanted() {
            sound_alarm();
        }
        toasts.update(|list| {
            list.insert(0, notification);
            list.truncate(TOASTS);
        });
        set_timeout(
            move || toasts.update(|list| list.retain(|n| n.id != id)),
            std::time::Duration::from_millis(TOAST_MS),
        );
    });
    view! {
        <div class="toasts" role="status" aria-live="polite" aria-atomic="false" data-testid="toasts">
            <For each=move || toasts.get() key=|n| n.id let:n>
                <div class=format!("toast {}", n.priority.class()) data-testid="toast">
                    <div class="toast-body">
                        {priority_mark(n.priority)}
                        <strong>{n.message.clone()}</strong>
                        <span class="small">{n.reason.clone()}</span>
                        {n.patient_id.map(|p| view! { <A href=format!("/patients/{p}")>"Open the patient"</A> })}
                    </div>
                    <button
                        type="button"
                        class="toast-close"
                        aria-label="Dismiss"
                        on:click=move |_| toasts.update(|list| list.retain(|t| t.id != n.id))
                    >
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}

/// The notifications page: newest first, unread marked, filtered by kind,
/// patient or unread; mark one or all as read.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let query = use_query_map();
    let kind = move || query.read().get("kind").filter(|k| !k.is_empty());
    let unread_only = move || query.read().get("unread_only").is_some_and(|v| v == "true");
    let patient = move || {
        query
            .read()
            .get("patient_id")
            .and_then(|p| p.parse::<i32>().ok())
    };
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let changes = notification_changes();
    count_successes(changes, mark);
    let page = Resource::new(
        move || (kind(), unread_only(), patient(), changes.get()),
        |(kind, unread, patient, _)| {
            list_notifications(kind, patient, Some(unread), Some(1), Some(100))
        },
    );
    view! {
        <Title text="Notifications" />
        <section class="card">
            <div class="card-header">
                <h2>"Notifications"</h2>
                <ActionForm action=mark attr:class="inline-form">
                    <input type="hidden" name="all" value="true" />
                    <button type="submit" class="button secondary">"Mark all as read"</button>
                </ActionForm>
            </div>
            <Form method="GET" action="" attr:class="filters">
                <label for="kind">"Kind"</label>
                <select id="kind" name="kind">
                    <option value="" selected=move || kind().is_none()>"All kinds"</option>
                    {Kind::iter()
                        .map(|k| view! { <option value=k.code() selected=move || kind().as_deref() == Some(k.code())>{k.label()}</option> })
                        .collect_view()}
                </select>
                <label class="check">
                    <input type="checkbox" name="unread_only" value="true" checked=unread_only />
                    "Unread only"
                </label>
                {move || patient().map(|p| view! { <input type="hidden" name="patient_id" value=p /> })}
                <button type="submit" class="button secondary">"Show"</button>
            </Form>
            <ErrorBox error=action_error(mark) />
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    display_ready().await;
                    match page.await {
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                        Ok(page) if page.items.is_empty() => view! { <p class="empty">"No notifications."</p> }.into_any(),
                        Ok(page) => view! {
                            <p class="muted" data-testid="unread-total">{format!("{} unread", page.unread)}</p>
                            <ul class="notifications" data-testid="notifications">
                                {page.items.into_iter().map(|n| view! { <NotificationItem n mark /> }).collect_view()}
                            </ul>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NotificationItem(n: Notification, mark: ServerAction<MarkNotificationsRead>) -> impl IntoView {
    let unread = n.read_at.is_none();
    let class = format!(
        "notification {}{}",
        n.priority.class(),
        if unread { " unread" } else { "" }
    );
    view! {
        <li class=class>
            <div>
                <p class="notification-kind">
                    {priority_mark(n.priority)}
                    {n.kind.label()}
                    {unread.then(|| view! { <span class="badge">"Unread"</span> })}
                </p>
                <p><strong>{n.message.clone()}</strong></p>
                <p class="muted">{n.reason.clone()}</p>
                <p class="small muted">{use_display().time(n.created_at)}</p>
            </div>
            <div class="notification-actions">
                {n.patient_id.map(|p| view! { <A href=format!("/patients/{p}") attr:class="button secondary small">"Open the patient"</A> })}
                {unread.then(|| view! {
                    <ActionForm action=mark attr:class="inline-form">
                        <input type="hidden" name="id" value=n.id />
                        <button type="submit" class="button secondary small">"Mark as read"</button>
                    </ActionForm>
                })}
            </div>
        </li>
    }
}

/// Whether high-priority alerts sound and vibrate on this device: kept by
/// the browser, so each ward device chooses for itself; it needs JavaScript.
#[component]
pub fn AlarmSetting() -> impl IntoView {
    let running = RwSignal::new(false);
    let on = RwSignal::new(false);
    Effect::new(move |_| {
        running.set(true);
        #[cfg(feature = "hydrate")]
        on.set(alarm_wanted());
    });
    let toggle = move |checked: bool| {
        on.set(checked);
        #[cfg(feature = "hydrate")]
        if let Ok(Some(storage)) = window().local_storage() {
            let _ = if checked {
                storage.set_item(ALARM_KEY, "on")
            } else {
                storage.remove_item(ALARM_KEY)
            };
        }
    };
    view! {
        <section class="card" aria-labelledby="alarm-title">
            <h2 id="alarm-title">"Sound on this device"</h2>
            <label class="check preference">
                <input
                    type="checkbox"
                    data-testid="alarm-sound"
                    prop:checked=move || on.get()
                    disabled=move || !running.get()
                    on:change=move |e| toggle(event_target_checked(&e))
                />
                <span>
                    <strong>"Sound and vibrate for high-priority alerts"</strong>
                    <span class="muted block">
                        "Three short tones and a vibration when a high-priority alert arrives (NEWS2 7 or more, an
                        escalated alert), where this browser allows it. Other alerts stay silent."
                    </span>
                </span>
            </label>
        </section>
    }
}

/// Which kinds of notification to receive, on the settings page.
#[component]
pub fn NotificationSettings() -> impl IntoView {
    let save = ServerAction::<SaveNotificationPreferences>::new();
    let changes = RwSignal::new(0);
    count_successes(changes, save);
    let preferences = Resource::new(move || changes.get(), |_| notification_preferences());
    view! {
        <section class="card" aria-labelledby="notify-title">
            <h2 id="notify-title">"Notifications you receive"</h2>
            <p class="muted">
                "Each kind is sent for the patients of your wards as it happens, shown as a toast and
                listed under the bell."
            </p>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match preferences.await {
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                        Ok(list) => view! {
                            <ActionForm action=save attr:class="preferences" attr:data-testid="preferences">
                                {list
                                    .into_iter()
                                    .map(|p| view! {
                                        <label class="check preference">
                                            <input type="checkbox" name="enabled[]" value=p.kind.code() checked=p.enabled disabled=p.locked />
                                            {p.locked.then(|| view! { <input type="hidden" name="enabled[]" value=p.kind.code() /> })}
                                            <span>
                                                <strong>{p.kind.label()}</strong>
                                                <span class="muted block">{p.kind.description()}</span>
                                                {p.locked.then(|| view! { <span class="small block">"Always on: a safety alert, ward policy."</span> })}
                                            </span>
                                        </label>
                                    })
                                    .collect_view()}
                                <ErrorBox error=action_error(save) />
                                <button type="submit" class="button">"Save"</button>
                                {saved_notice(save, SAVED_KEY)}
                            </ActionForm>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
