//! What pages use of the live connection: its state in the header, the
//! events and viewers it brings, and subscriptions that last as long as
//! the component asking for them. On the server these do nothing.

use leptos::prelude::*;

use crate::platform::frames::{Event, Presence};

/// The state of the tab's live connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// Before the page has taken over (server-rendered, or JavaScript off).
    Static,
    Connecting,
    Live,
    Reconnecting,
    Offline,
    /// The server closed the socket because the user's access ended
    /// (signed out elsewhere, deactivated, new password) and refused a new one.
    AccessEnded,
}

impl Connection {
    fn label(self) -> &'static str {
        match self {
            Connection::Static => "Updates on reload",
            Connection::Connecting => "Connecting…",
            Connection::Live => "Live",
            Connection::Reconnecting => "Reconnecting…",
            Connection::Offline => "Offline",
            Connection::AccessEnded => "Your access changed — sign in again",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Connection::Static => "conn conn-static",
            Connection::Connecting | Connection::Reconnecting => "conn conn-wait",
            Connection::Live => "conn conn-live",
            Connection::Offline | Connection::AccessEnded => "conn conn-off",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Connection::Static => "This page shows the data as it was when it was loaded.",
            Connection::Connecting => "Opening the live connection.",
            Connection::Live => "New data appears on this page as soon as it is recorded.",
            Connection::Reconnecting => {
                "The live connection dropped; retrying. What is recorded meanwhile appears once it is back."
            }
            Connection::Offline => "The browser is offline; updates resume when it is back online.",
            Connection::AccessEnded => {
                "This page no longer receives updates: your session ended or your account changed. Sign in again to go on."
            }
        }
    }
}

/// The live connection of the tab, as signals the pages read.
#[derive(Debug, Clone, Copy)]
pub struct LiveFeed {
    pub connection: RwSignal<Connection>,
    /// The newest event pushed.
    pub events: RwSignal<Option<Event>>,
    /// The newest change of viewers.
    pub presence: RwSignal<Option<Presence>>,
    /// Moves when pushes were lost and pages must load their data again.
    pub reloads: RwSignal<usize>,
}

/// The tab's live feed (made on first use).
pub fn use_live() -> LiveFeed {
    match use_context::<LiveFeed>() {
        Some(feed) => feed,
        None => {
            let feed = LiveFeed {
                connection: RwSignal::new(Connection::Static),
                events: RwSignal::new(None),
                presence: RwSignal::new(None),
                reloads: RwSignal::new(0),
            };
            provide_context(feed);
            feed
        }
    }
}

/// Opens the tab's socket after hydration.
pub fn start() {
    let feed = use_live();
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        super::client::start(feed);
        #[cfg(not(feature = "hydrate"))]
        let _ = feed;
    });
}

/// Subscribes to a stream (of one patient, or of all) while the calling
/// component lives.
pub fn follow(stream: &'static str, patient_id: Option<i32>) {
    #[cfg(feature = "hydrate")]
    super::client::follow(stream, patient_id);
    #[cfg(not(feature = "hydrate"))]
    let _ = (stream, patient_id);
}

/// Calls `act` for each pushed event that `wanted` accepts, and with
/// `None` when pushes were lost and everything must be loaded again.
fn on_events(
    wanted: impl Fn(&Event) -> bool + Send + Sync + 'static,
    act: impl Fn(Option<&Event>) + Send + Sync + 'static,
) {
    let feed = use_live();
    Effect::new(move |seen: Option<(Option<i64>, usize)>| {
        let reloads = feed.reloads.get();
        feed.events.with(|event| {
            let now = (event.as_ref().map(|e| e.seq), reloads);
            match seen {
                Some((_, before)) if before != reloads => act(None),
                Some(seen) if seen != now => {
                    if let Some(event) = event.as_ref().filter(|e| wanted(e)) {
                        act(Some(event));
                    }
                }
                _ => {}
            }
            now
        })
    });
}

/// Follows one patient (details, rounds and viewers) while the calling
/// component lives, and calls `act` with each event about it.
pub fn watch_patient(
    patient_id: Memo<Option<i32>>,
    act: impl Fn(Option<&Event>) + Send + Sync + 'static,
) {
    Effect::new(move |_| {
        if let Some(id) = patient_id.get() {
            for stream in ["patients", "rounds", "presence"] {
                follow(stream, Some(id));
            }
        }
    });
    on_events(
        move |e| e.patient_id.is_some() && e.patient_id == patient_id.get_untracked(),
        act,
    );
}

/// Follows a whole stream while the calling component lives, and counts
/// up `changes` with each of its events.
pub fn watch_stream(stream: &'static str, changes: RwSignal<usize>) {
    Effect::new(move |_| follow(stream, None));
    on_events(
        move |e| e.stream == stream,
        move |_| changes.update(|n| *n += 1),
    );
}

/// Who else is looking at this patient right now.
#[component]
pub fn Viewers(patient_id: i32, me: String) -> impl IntoView {
    let feed = use_live();
    let others = Memo::new(
        move |previous: Option<&Vec<String>>| match feed.presence.get() {
            Some(p) if p.patient_id == patient_id => {
                p.viewers.into_iter().filter(|v| *v != me).collect()
            }
            _ => previous.cloned().unwrap_or_default(),
        },
    );
    view! {
        <p class="viewers" role="status" data-testid="viewers">
            {move || {
                let others = others.get();
                if others.is_empty() {
                    String::new()
                } else {
                    format!("Also viewing now: {}", others.join(", "))
                }
            }}
        </p>
    }
}

/// "Live", "Reconnecting…" or "Offline", announced to screen readers.
#[component]
pub fn ConnectionIndicator() -> impl IntoView {
    let state = use_live().connection;
    view! {
        <span
            class=move || state.get().class()
            role="status"
            title=move || state.get().help()
            data-testid="connection"
        >
            <span class="conn-dot" aria-hidden="true"></span>
            {move || {
                let now = state.get();
                if now == Connection::AccessEnded {
                    view! { <a href="/login">{now.label()}</a> }.into_any()
                } else {
                    now.label().into_any()
                }
            }}
        </span>
    }
}

/// Across the top of every page once the user's access ended: the data on
/// the screen is no longer kept up to date, and why.
#[component]
pub fn AccessEndedBanner() -> impl IntoView {
    let state = use_live().connection;
    move || {
        (state.get() == Connection::AccessEnded).then(|| {
            view! {
                <div class="access-ended" role="alert" data-testid="access-ended">
                    <p>
                        <strong>"This page has stopped updating."</strong>
                        " Your session ended or your account was changed, so new rounds and alerts no longer arrive here."
                    </p>
                    <a class="button" href="/login">"Sign in again"</a>
                </div>
            }
        })
    }
}
