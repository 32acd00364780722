//! Rounds that wait on this device: a round saved while the network is
//! gone is kept in the browser's storage under the signed-in user, with the
//! `Idempotency-Key` it is sent with every time, so a retry after a lost
//! answer stores nothing twice. It is sent again when the connection
//! returns, and until then the nurse can see, edit or discard it.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

use crate::display::Display;
use crate::display::ui::use_display;
use crate::error::AppError;
use crate::rules::{NUMERIC_FIELDS, RoundInput};
use crate::ui::form::confirm;

/// A round waiting to be sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Waiting {
    /// The `Idempotency-Key` it is sent with, every time.
    pub key: String,
    pub patient_id: i32,
    pub patient_name: String,
    pub typed_at: DateTime<Utc>,
    /// As typed, with the time it was typed when no time was given.
    pub round: RoundInput,
    /// The server's answer to the last attempt, when it did not store it.
    #[serde(default)]
    pub problem: Option<String>,
    /// Refused by the server (invalid, not allowed): not sent again until
    /// edited.
    #[serde(default)]
    pub refused: bool,
    /// Being sent for the first time, from the form: not shown as waiting.
    #[serde(skip)]
    first_try: bool,
    /// Being sent now.
    #[serde(skip)]
    sending: bool,
    /// Open in a form to be edited: not sent until saved.
    #[serde(skip)]
    held: bool,
}

impl Waiting {
    /// A new round of a patient, typed at `typed_at`; the time it was
    /// measured is the time it was typed (in the hospital's time) unless
    /// one was given.
    pub fn new(
        key: String,
        patient_id: i32,
        patient_name: String,
        mut round: RoundInput,
        display: &Display,
        typed_at: DateTime<Utc>,
    ) -> Self {
        if round
            .measured_at
            .as_deref()
            .is_none_or(|t| t.trim().is_empty())
        {
            round.measured_at = Some(display.input(typed_at));
        }
        Waiting {
            key,
            patient_id,
            patient_name,
            typed_at,
            round,
            problem: None,
            refused: false,
            first_try: true,
            sending: false,
            held: false,
        }
    }

    /// The values typed, as a nurse reads them: "Pulse 96 /min · SpO2 94 %".
    pub fn summary(&self) -> String {
        let values: Vec<String> = NUMERIC_FIELDS
            .iter()
            .filter_map(|f| {
                let v = self.round.numeric(f.name)?.trim();
                (!v.is_empty()).then(|| format!("{} {v} {}", f.label, f.display_unit()))
            })
            .collect();
        if values.is_empty() {
            "No measurements (notes only)".into()
        } else {
            values.join(" · ")
        }
    }
}

/// "1 round", "3 rounds".
pub fn rounds(count: usize) -> String {
    if count == 1 {
        "1 round".to_owned()
    } else {
        format!("{count} rounds")
    }
}

/// How saving a round ended.
pub enum Saved {
    /// Stored by the server.
    Stored,
    /// Kept on this device until the connection returns.
    Waiting,
    /// Refused by the server, with why.
    Refused(AppError),
}

/// The rounds waiting on this device for the signed-in user.
#[derive(Clone, Copy)]
pub struct Outbox {
    user: RwSignal<Option<i32>>,
    waiting: RwSignal<Vec<Waiting>>,
    /// Moves whenever a waiting round was stored.
    pub stored: RwSignal<usize>,
    /// The key of a waiting round asked to be opened in its patient's form.
    opening: RwSignal<Option<String>>,
}

/// Provides the outbox to every page; it follows the signed-in user and
/// sends what waits whenever the connection comes back.
pub fn provide_outbox() {
    let outbox = Outbox {
        user: RwSignal::new(None),
        waiting: RwSignal::new(Vec::new()),
        stored: RwSignal::new(0),
        opening: RwSignal::new(None),
    };
    provide_context(outbox);
    #[cfg(feature = "hydrate")]
    device::follow(outbox);
}

/// The outbox of this page.
pub fn use_outbox() -> Outbox {
    expect_context::<Outbox>()
}

impl Outbox {
    /// The rounds shown as waiting, oldest first.
    pub fn shown(self) -> Vec<Waiting> {
        self.waiting
            .with(|list| list.iter().filter(|w| !w.first_try).cloned().collect())
    }

    /// How many rounds wait, for the warning at sign-out.
    pub fn count(self) -> usize {
        self.waiting.with(Vec::len)
    }

    /// A waiting round, by key.
    pub fn find(self, key: &str) -> Option<Waiting> {
        self.waiting
            .with_untracked(|list| list.iter().find(|w| w.key == key).cloned())
    }

    /// Asks for a waiting round to be opened in its patient's form.
    pub fn open(self, key: String) {
        self.opening.set(Some(key));
    }

    /// The waiting round of this patient asked to be opened, once.
    pub fn take_opening(self, patient_id: i32) -> Option<Waiting> {
        let key = self.opening.get()?;
        let found = self
            .shown()
            .into_iter()
            .find(|w| w.key == key && w.patient_id == patient_id)?;
        self.opening.set(None);
        Some(found)
    }

    /// Keeps a waiting round from being sent while it is open in a form.
    pub fn hold(self, key: &str, held: bool) {
        self.change(key, |w| w.held = held);
    }

    /// Deletes a waiting round from this device without sending it.
    pub fn discard(self, key: &str) {
        self.waiting.update(|list| list.retain(|w| w.key != key));
        self.keep();
    }

    /// Deletes every waiting round of the signed-in user from this device.
    pub fn clear(self) {
        self.waiting.update(Vec::clear);
        self.keep();
    }

    fn change(self, key: &str, edit: impl FnOnce(&mut Waiting)) {
        self.waiting.update(|list| {
            if let Some(w) = list.iter_mut().find(|w| w.key == key) {
                edit(w);
            }
        });
    }

    /// Writes the list to the device's storage.
    fn keep(self) {
        let Some(user) = self.user.get_untracked() else {
            return;
        };
        #[cfg(feature = "hydrate")]
        self.waiting.with_untracked(|list| device::keep(user, list));
        #[cfg(not(feature = "hydrate"))]
        let _ = user;
    }
}

#[cfg(feature = "hydrate")]
pub use device::{new_key, save, send_all};

#[cfg(feature = "hydrate")]
mod device {
    use futures::future::{Either, select};
    use gloo_net::http::Request;
    use leptos::prelude::*;
    use leptos::server_fn::ServerFn;

    use super::{Outbox, Saved, Waiting};
    use crate::accounts::ui::signed_in_user;
    use crate::error::AppError;
    use crate::live::ui::{Connection, use_live};
    use crate::rounds::api::RecordRound;
    use crate::wire::IDEMPOTENCY_KEY;

    /// How often what waits is tried again while the page is open.
    const RETRY_MS: u64 = 10_000;
    /// How long an answer is waited for before the round waits.
    const SEND_TIMEOUT_MS: u32 = 8_000;

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    fn name(user: i32) -> String {
        format!("vitalboard.waiting-rounds.user-{user}")
    }

    fn load(user: i32) -> Vec<Waiting> {
        storage()
            .and_then(|s| s.get_item(&name(user)).ok().flatten())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    pub fn keep(user: i32, list: &[Waiting]) {
        let Some(storage) = storage() else { return };
        let _ = if list.is_empty() {
            storage.remove_item(&name(user))
        } else {
            match serde_json::to_string(list) {
                Ok(text) => storage.set_item(&name(user), &text),
                Err(_) => Ok(()),
            }
        };
    }

    /// A fresh idempotency key.
    pub fn new_key() -> String {
        web_sys::window()
            .and_then(|w| w.crypto().ok())
            .map(|c| c.random_uuid())
            .unwrap_or_else(|| format!("{:x}", (js_sys::Math::random() * 1e16) as u64))
    }

    fn online() -> bool {
        web_sys::window().is_none_or(|w| w.navigator().on_line())
    }

    /// Loads the signed-in user's waiting rounds, and sends them when the
    /// live connection opens, when the browser is back online, and every
    /// `RETRY_MS`.
    pub fn follow(outbox: Outbox) {
        Effect::new(move |_| {
            let user = signed_in_user().map(|u| u.id);
            if user != outbox.user.get_untracked() {
                outbox.user.set(user);
                outbox.waiting.set(user.map(load).unwrap_or_default());
                send_all(outbox);
            }
        });
        let connection = use_live().connection;
        Effect::watch(
            move || connection.get() == Connection::Live,
            move |live, _, _| {
                if *live {
                    send_all(outbox);
                }
            },
            false,
        );
        let online = window_event_listener(leptos::ev::online, move |_| send_all(outbox));
        let retry = set_interval_with_handle(
            move || send_all(outbox),
            std::time::Duration::from_millis(RETRY_MS),
        );
        on_cleanup(move || {
            online.remove();
            if let Ok(retry) = retry {
                retry.clear();
            }
        });
    }

    /// What one attempt came to.
    enum Delivery {
        Stored,
        /// The network, or a passing state of the server: try again later.
        Later(Option<String>),
        Refused(AppError),
    }

    async fn deliver(waiting: &Waiting) -> Delivery {
        if !online() {
            return Delivery::Later(None);
        }
        let body = RecordRound {
            patient_id: waiting.patient_id,
            round: waiting.round.clone(),
        };
        let request = Request::post(RecordRound::url())
            .header(IDEMPOTENCY_KEY, &waiting.key)
            .header("Accept", "application/json")
            .json(&body);
        let request = match request {
            Ok(request) => request,
            Err(e) => return Delivery::Refused(AppError::Request(e.to_string())),
        };
        // A Wi-Fi that is joined but leads nowhere can hold a request for
        // minutes; the round waits instead (a late answer changes nothing,
        // the key makes the next try safe).
        let sent = std::pin::pin!(request.send());
        let timeout = gloo_timers::future::TimeoutFuture::new(SEND_TIMEOUT_MS);
        let Either::Left((Ok(response), _)) = select(sent, timeout).await else {
            return Delivery::Later(None);
        };
        if response.ok() {
            return Delivery::Stored;
        }
        let status = response.status();
        let error = response
            .json::<AppError>()
            .await
            .unwrap_or_else(|_| AppError::Request(format!("The server answered {status}.")));
        match status {
            400 | 403 | 404 | 422 => Delivery::Refused(error),
            _ => Delivery::Later(Some(error.to_string())),
        }
    }

    /// Saves a round typed in the form: kept on the device first, then
    /// sent; it stays only if it could not be sent.
    pub async fn save(outbox: Outbox, mut waiting: Waiting) -> Saved {
        let key = waiting.key.clone();
        let edited = outbox.find(&key).is_some();
        waiting.first_try = !edited;
        waiting.sending = true;
        outbox
            .waiting
            .update(|list| match list.iter_mut().find(|w| w.key == key) {
                Some(old) => *old = waiting.clone(),
                None => list.push(waiting.clone()),
            });
        outbox.keep();
        let outcome = deliver(&waiting).await;
        outbox.change(&key, |w| {
            w.first_try = false;
            w.sending = false;
        });
        settle(outbox, &key, outcome, !edited)
    }

    /// Applies an attempt's outcome to the list; a refused new round leaves
    /// the list (the form shows it again with why).
    fn settle(outbox: Outbox, key: &str, outcome: Delivery, new: bool) -> Saved {
        let saved = match outcome {
            Delivery::Stored => {
                outbox.waiting.update(|list| list.retain(|w| w.key != key));
                outbox.stored.update(|n| *n += 1);
                Saved::Stored
            }
            Delivery::Later(problem) => {
                outbox.change(key, |w| w.problem = problem);
                Saved::Waiting
            }
            Delivery::Refused(error) if new => {
                outbox.waiting.update(|list| list.retain(|w| w.key != key));
                Saved::Refused(error)
            }
            Delivery::Refused(error) => {
                outbox.change(key, |w| {
                    w.problem = Some(error.to_string());
                    w.refused = true;
                });
                Saved::Refused(error)
            }
        };
        outbox.keep();
        saved
    }

    /// Sends every waiting round that may be sent, oldest first, until the
    /// network fails.
    pub fn send_all(outbox: Outbox) {
        leptos::task::spawn_local(async move {
            loop {
                let next = outbox.waiting.with_untracked(|list| {
                    list.iter()
                        .find(|w| !w.refused && !w.sending && !w.held && !w.first_try)
                        .cloned()
                });
                let Some(waiting) = next else { return };
                if !online() {
                    return;
                }
                outbox.change(&waiting.key, |w| w.sending = true);
                let outcome = deliver(&waiting).await;
                outbox.change(&waiting.key, |w| w.sending = false);
                let later = matches!(outcome, Delivery::Later(_));
                settle(outbox, &waiting.key, outcome, false);
                if later {
                    return;
                }
            }
        });
    }
}

/// The rounds waiting on this device, on every page: how many, what each
/// holds, and a way to edit or discard it.
#[component]
pub fn WaitingRounds() -> impl IntoView {
    let outbox = use_outbox();
    let display = use_display();
    move || {
        let shown = outbox.shown();
        let count = shown.len();
        (count > 0).then(|| {
            let title = format!("{} waiting to send — saved on this device", rounds(count));
            let items = shown
                .into_iter()
                .map(|w| {
                    let key = w.key.clone();
                    let opened = w.key.clone();
                    let question = format!(
                        "Discard the round of {} typed at {}? It has not been sent and will be deleted from this device.",
                        w.patient_name,
                        display.time(w.typed_at)
                    );
                    let discard = move |_| {
                        if confirm(&question) {
                            outbox.discard(&key);
                        }
                    };
                    view! {
                        <li data-testid="waiting-round">
                            <p>
                                <strong>{w.patient_name.clone()}</strong>
                                {format!(" · typed {}", display.time(w.typed_at))}
                            </p>
                            <p class="small">{w.summary()}</p>
                            {w.problem.clone().map(|p| view! {
                                <p class="small waiting-problem">{if w.refused { "Not stored: " } else { "Last try: " }}{p}</p>
                            })}
                            <div class="waiting-actions">
                                <A href=format!("/patients/{}#record-title", w.patient_id) attr:class="button small" on:click=move |_| outbox.open(opened.clone())>"Edit"</A>
                                <button type="button" class="button secondary small" on:click=discard>"Discard"</button>
                            </div>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="waiting" role="status" aria-labelledby="waiting-title" data-testid="waiting-rounds">
                    <h2 id="waiting-title">{title}</h2>
                    <p class="small">"Each is sent by itself as soon as the connection is back. Keep this browser's data until then."</p>
                    <ul class="waiting-list">{items}</ul>
                </section>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn typed(pairs: &[(&str, &str)], measured_at: Option<&str>) -> Waiting {
        let mut round = RoundInput {
            measured_at: measured_at.map(str::to_owned),
            ..RoundInput::default()
        };
        for (name, value) in pairs {
            round.set_numeric(name, Some((*value).to_owned()));
        }
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 1, 30, 5).unwrap();
        Waiting::new(
            "k-1".into(),
            7,
            "Hopper, Grace".into(),
            round,
            &Display::default(),
            at,
        )
    }

    #[test]
    fn a_round_without_a_time_is_measured_when_it_was_typed() {
        let waiting = typed(&[("pulse_per_min", "96")], None);
        assert_eq!(
            waiting.round.measured_at.as_deref(),
            Some("2026-12-03T01:30:05")
        );
        let blank = typed(&[], Some("  "));
        assert_eq!(
            blank.round.measured_at.as_deref(),
            Some("2026-12-03T01:30:05")
        );
        let given = typed(&[], Some("2026-12-02T23:00"));
        assert_eq!(given.round.measured_at.as_deref(), Some("2026-12-02T23:00"));
    }

    #[test]
    fn rounds_are_counted_in_words() {
        assert_eq!(rounds(1), "1 round");
        assert_eq!(rounds(3), "3 rounds");
    }

    #[test]
    fn the_summary_names_each_value_typed_with_its_unit() {
        let waiting = typed(
            &[
                ("pulse_per_min", "96"),
                ("temperature_c", " 38.4 "),
                ("spo2_percent", ""),
            ],
            None,
        );
        assert_eq!(waiting.summary(), "Temperature 38.4 °C · Pulse 96 /min");
        assert_eq!(typed(&[], None).summary(), "No measurements (notes only)");
    }

    #[test]
    fn only_what_a_reload_needs_is_kept_on_the_device() {
        let mut waiting = typed(&[("pulse_per_min", "96")], None);
        waiting.held = true;
        waiting.sending = true;
        let kept: Waiting =
            serde_json::from_str(&serde_json::to_string(&waiting).unwrap()).unwrap();
        assert_eq!(kept.round, waiting.round);
        assert_eq!(kept.key, "k-1");
        assert!(
            !kept.first_try && !kept.sending && !kept.held,
            "a reloaded round is shown and sent"
        );
    }
}
