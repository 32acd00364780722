use chrono::Utc;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::dashboard::{news2_badge, phase_chip};
use super::{can_write, route_id};
use crate::accounts::ui::signed_in_user;
use crate::display::ui::{HospitalTimeHint, display_ready, use_display};
use crate::error::AppError;
use crate::history::ui::HistoryList;
use crate::live::ui::{Viewers, watch_patient};
use crate::patients::Patient;
use crate::patients::api::{DischargePatient, get_patient, patient_history};
use crate::rounds::Advice;
use crate::rounds::api::{
    ClearPhase, GiveAdvice, RecordRound, SetPhase, list_rounds, patient_advice, patient_status,
};
use crate::rounds::fever_day;
use crate::rounds::ui::charts::PatientCharts;
use crate::rounds::ui::form::RoundFields;
use crate::rounds::ui::status::{FluidTargets, News2Card, PhaseBanner, scoring_reasons};
use crate::rounds::ui::table::{LatestValues, RoundsTable};
use crate::rounds::ui::waiting::{Outbox, Waiting, rounds, use_outbox};
use crate::rules::RoundInput;
use crate::rules::phase::Phase;
use crate::ui::form::{ErrorBox, action_error, count_successes, failed};
use crate::ui::pager::Pager;
use crate::vocabulary::{IntoEnumIterator, Vocabulary};

/// Rounds and changes listed on one page of the report.
const ROWS_PER_PAGE: u64 = 50;
/// How many of the newest rounds the latest values are looked for in.
const LATEST_FROM_ROUNDS: u64 = 100;

/// Everything about one patient: details, latest values, the rounds with
/// their corrections, the form for a new round, and the change history.
#[component]
pub fn PatientReportPage() -> impl IntoView {
    let id = route_id();
    let discharge = ServerAction::<DischargePatient>::new();
    let set_phase = ServerAction::<SetPhase>::new();
    let clear_phase = ServerAction::<ClearPhase>::new();
    let give_advice = ServerAction::<GiveAdvice>::new();
    // Any change of the patient or its rounds; and changes of its details
    // alone, which the round form depends on (so typing is not disturbed
    // by rounds recorded elsewhere).
    let changes = RwSignal::new(0);
    let detail_changes = RwSignal::new(0);
    count_successes(changes, discharge);
    count_successes(changes, set_phase);
    count_successes(changes, clear_phase);
    count_successes(changes, give_advice);
    // Whether the phase form is open, kept outside the re-rendered part so
    // updates arriving live do not close it under the user's hands.
    let override_open = RwSignal::new(false);
    Effect::new(move || {
        let done = |v: Option<Result<_, AppError>>| matches!(v, Some(Ok(_)));
        if done(set_phase.value().get()) || done(clear_phase.value().get()) {
            override_open.set(false);
        }
    });
    count_successes(detail_changes, discharge);
    // The round being typed lives here, not in the form, so that a form
    // drawn again (the patient changed elsewhere, a refused save) keeps it;
    // a saved round and another patient start an empty one.
    let round = RoundDraft::new();
    let outbox = use_outbox();
    Effect::watch(
        move || outbox.stored.get(),
        move |_, _, _| changes.update(|n| *n += 1),
        false,
    );
    // Another patient starts an empty form, unless a round waiting on this
    // device was opened from its banner to be edited here.
    Effect::new(move |before: Option<Option<i32>>| {
        let patient = id.get();
        match patient.and_then(|id| outbox.take_opening(id)) {
            Some(waiting) => round.edit(outbox, waiting),
            None if before.is_some_and(|b| b != patient) => round.clear(outbox),
            None => {}
        }
        patient
    });
    watch_patient(id, move |event| {
        changes.update(|n| *n += 1);
        if event.is_none_or(|e| e.stream == "patients") {
            detail_changes.update(|n| *n += 1);
        }
    });

    // The rounds table and the history are paged, each by its own query
    // parameter; the latest values always come from the newest rounds.
    let query = use_query_map();
    let page_of = move |name: &str| {
        query
            .read()
            .get(name)
            .and_then(|p| p.parse::<u64>().ok())
            .filter(|p| *p > 0)
            .unwrap_or(1)
    };
    let rounds_page = Memo::new(move |_| page_of("rounds_page"));
    on_cleanup(move || round.release(outbox));
    let history_page = Memo::new(move |_| page_of("history_page"));
    let link = move |rounds: u64, history: u64| {
        let id = id.get_untracked().unwrap_or_default();
        format!("/patients/{id}?rounds_page={rounds}&history_page={history}")
    };

    let patient = per_patient(id, changes, get_patient);
    let details = per_patient(id, detail_changes, get_patient);
    let latest = per_patient(id, changes, |id| {
        list_rounds(id, None, None, None, Some(LATEST_FROM_ROUNDS))
    });
    let rounds = per_patient_page(id, changes, rounds_page.into(), |id, page| {
        list_rounds(id, None, None, Some(page), Some(ROWS_PER_PAGE))
    });
    let status = per_patient(id, changes, patient_status);
    let advice = per_patient(id, changes, patient_advice);
    let history = per_patient_page(id, changes, history_page.into(), |id, page| {
        patient_history(id, Some(page), Some(ROWS_PER_PAGE))
    });

    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the patient…"</p> }>
            {move || Suspend::new(async move {
                display_ready().await;
                let patient = match patient.await {
                    Ok(p) => p,
                    Err(e) => return view! { <NotVisible error=e /> }.into_any(),
                };
                let status = status.await;
                let latest = latest.await;
                let advice = advice.await.ok().flatten();
                let (scoring, stale) = status
                    .as_ref()
                    .map(|s| (scoring_reasons(&s.news2), s.stale.clone()))
                    .unwrap_or_default();
                let writer = can_write();
                let fever = latest
                    .as_ref()
                    .ok()
                    .and_then(|page| fever_day(&page.items, Utc::now(), &use_display().zone));
                view! {
                    <Title text=patient.full_name() />
                    <StickyPatient patient=patient.clone() writer wanted=round.wanted />
                    <PatientHeader patient=patient.clone() fever discharge writer />
                    <LatestAdvice advice />
                    {match status {
                        Ok(status) => view! {
                            <PhaseBanner status=status.clone() />
                            {(writer && patient.discharged_at.is_none()).then(|| view! {
                                <PhaseOverride patient_id=patient.id manual=status.phase.manual set=set_phase clear=clear_phase open=override_open />
                            })}
                            <FluidTargets fluids=status.fluids.clone() />
                            <News2Card status />
                        }
                        .into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }}
                    {match latest {
                        Ok(page) => view! { <LatestValues rounds=page.items scoring stale /> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }}
                }
                .into_any()
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                display_ready().await;
                details
                    .await
                    .ok()
                    .filter(|p| p.discharged_at.is_none())
                    .map(|p| view! { <GiveAdviceCard patient_id=p.id give=give_advice /> })
            })}
        </Transition>
        <PatientCharts patient_id=id changes />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                display_ready().await;
                details
                    .await
                    .ok()
                    .filter(|p| can_write() && p.discharged_at.is_none())
                    .map(|p| view! { <RecordRoundCard patient_name=p.full_name() patient_id=p.id scale2=p.values.spo2_scale2 round /> })
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                display_ready().await;
                let rounds = rounds.await;
                let history = history.await;
                let scale2 = details.await.is_ok_and(|p| p.values.spo2_scale2);
                let writer = can_write();
                view! {
                    {rounds.ok().map(|page| {
                        let (total, current, pages) = (page.total, page.page, page.pages());
                        let history_page = history_page.get_untracked();
                        view! {
                            <section class="card" id="rounds" aria-labelledby="rounds-title">
                                <h2 id="rounds-title">{format!("Charting rounds ({total})")}</h2>
                                {if page.items.is_empty() {
                                    view! { <p class="empty">"No rounds recorded yet."</p> }.into_any()
                                } else {
                                    view! { <RoundsTable rounds=page.items can_write=writer scale2 /> }.into_any()
                                }}
                                {(pages > 1).then(|| view! {
                                    <Pager total page=current pages noun="rounds" one="round" link=move |n| format!("{}#rounds", link(n, history_page)) />
                                })}
                            </section>
                        }
                    })}
                    {history.ok().map(|page| {
                        let (total, current, pages) = (page.total, page.page, page.pages());
                        let rounds_page = rounds_page.get_untracked();
                        view! {
                            <section class="card" id="history" aria-labelledby="history-title">
                                <h2 id="history-title">"Change history"</h2>
                                <HistoryList entries=page.items />
                                {(pages > 1).then(|| view! {
                                    <Pager total page=current pages noun="changes" one="change" link=move |n| format!("{}#history", link(rounds_page, n)) />
                                })}
                            </section>
                        }
                    })}
                }
            })}
        </Transition>
    }
}

/// Data of the patient of this page, loaded again after every change.
fn per_patient<T, Fut>(
    id: Memo<Option<i32>>,
    changes: RwSignal<usize>,
    fetch: impl Fn(i32) -> Fut + Send + Sync + 'static,
) -> Resource<Result<T, AppError>>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    per_patient_page(id, changes, Signal::stored(1), move |id, _| fetch(id))
}

/// A page of a list of the patient of this page, loaded again after every
/// change and when another page is asked for.
fn per_patient_page<T, Fut>(
    id: Memo<Option<i32>>,
    changes: RwSignal<usize>,
    page: Signal<u64>,
    fetch: impl Fn(i32, u64) -> Fut + Send + Sync + 'static,
) -> Resource<Result<T, AppError>>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    Resource::new(
        move || (id.get(), changes.get(), page.get()),
        move |(id, _, page)| {
            let request = id.map(|id| fetch(id, page));
            async move {
                match request {
                    Some(request) => request.await,
                    None => Err(AppError::NotFound("Patient".into())),
                }
            }
        },
    )
}

#[component]
fn NotVisible(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(error.status());
    }
    view! {
        <Title text="Patient not found" />
        <section class="card">
            <h2>"Patient not found"</h2>
            <p>{error.to_string()}</p>
            <p><A href="/patients">"Back to the patients"</A></p>
        </section>
    }
}

/// The newest medical advice, under the patient's name, with who gave it
/// and when.
#[component]
fn LatestAdvice(advice: Option<Advice>) -> impl IntoView {
    let display = use_display();
    advice.map(|a| {
        let source = if a.in_round { "with a round" } else { "on its own" };
        view! {
            <section class="card advice" aria-labelledby="advice-title" data-testid="latest-advice">
                <h2 id="advice-title">"Medical advice"</h2>
                <p class="advice-text">{a.text}</p>
                <p class="muted small">{format!("{} · {} · given {source}", a.by, display.time(a.at))}</p>
            </section>
        }
    })
}

/// Advice given outside a round, by anyone who may see the patient (a
/// remote consultant is an observer).
#[component]
fn GiveAdviceCard(patient_id: i32, give: ServerAction<GiveAdvice>) -> impl IntoView {
    view! {
        <details class="card row-details" id="give-advice">
            <summary>"Give medical advice"</summary>
            <ActionForm action=give attr:class="form">
                <input type="hidden" name="patient_id" value=patient_id />
                <label for="advice">"Advice for the ward team"</label>
                <textarea id="advice" name="advice" rows="3" maxlength="4000" required></textarea>
                <ErrorBox error=action_error(give) />
                <button type="submit" class="button">"Give advice"</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn PatientHeader(
    patient: Patient,
    /// Today's day of fever, when rounds record it.
    fever: Option<i64>,
    discharge: ServerAction<DischargePatient>,
    writer: bool,
) -> impl IntoView {
    let now = Utc::now();
    let display = use_display();
    let v = &patient.values;
    let age = patient
        .age_years(now.date_naive())
        .map(|a| format!("{a} years"))
        .unwrap_or_else(|| "unknown".into());
    let day = (patient.discharged_at.unwrap_or(now) - v.admitted_at).num_days() + 1;
    let place = match &v.bed {
        Some(bed) => format!("{} · bed {bed}", patient.ward_name),
        None => patient.ward_name.clone(),
    };
    view! {
        <section class="card patient-header" aria-labelledby="patient-name">
            <div class="card-header">
                <div>
                    <h2 id="patient-name" class="patient-name">{patient.full_name()}</h2>
                    <Viewers
                        patient_id=patient.id
                        me=signed_in_user().map(|u| u.display_name).unwrap_or_default()
                    />
                    <p class="muted">
                        {format!("{} · {age} · hospital no. {}", v.sex.label(), v.hospital_number)}
                        {v.admission_number.clone().map(|n| format!(" · admission no. {n}"))}
                    </p>
                </div>
                <div class="header-actions">
                    <A href=format!("/notifications?patient_id={}", patient.id) attr:class="button secondary">"Notifications"</A>
                    <a class="button secondary" href=crate::address::rounds_csv(patient.id) download data-testid="rounds-csv">"Rounds (CSV)"</a>
                    {writer.then(|| view! { <A href=format!("/patients/{}/edit", patient.id) attr:class="button secondary">"Edit details"</A> })}
                </div>
            </div>
            {match patient.discharged_at {
                Some(at) => view! {
                    <p class="banner neutral" data-testid="status-banner">{format!("Discharged {}", display.time(at))}</p>
                }
                .into_any(),
                None => view! {
                    <p class="banner info" data-testid="status-banner">{match fever {
                        Some(fever) => format!("Admitted · day {day} of stay · day {fever} of fever"),
                        None => format!("Admitted · day {day} of stay"),
                    }}</p>
                }
                .into_any(),
            }}
            <dl class="facts columns">
                <div><dt>"Ward"</dt><dd>{place}</dd></div>
                <div><dt>"Admitted"</dt><dd>{display.time(v.admitted_at)}</dd></div>
                {patient.discharged_at.is_none().then(|| view! {
                    <div class="fact-wide">
                        <dt>"Next round"</dt>
                        <dd data-testid="next-due">
                            <strong class:danger-text=patient.round_overdue(now)>{display.time(patient.next_round_due())}</strong>
                            {format!(" — {}", patient.frequency().reason)}
                        </dd>
                    </div>
                })}
                <div><dt>"Set interval"</dt><dd>{format!("every {} h", v.monitoring_interval_hours)}</dd></div>
                <div><dt>"SpO2 scale"</dt><dd>{if v.spo2_scale2 { "2 (target 88–92 %)" } else { "1" }}</dd></div>
            </dl>
            {(writer && patient.discharged_at.is_none())
                .then(|| {
                    view! {
                        <details class="row-details" id="discharge" open=move || failed(discharge)>
                            <summary>"Discharge…"</summary>
                            <ActionForm action=discharge attr:class="inline-form">
                                <input type="hidden" name="id" value=patient.id />
                                <label for="discharged_at">"Discharged at"</label>
                                <input id="discharged_at" type="datetime-local" name="discharged_at" aria-describedby="discharged_at-hint" />
                                <HospitalTimeHint id="discharged_at-hint".to_owned() />
                                <button type="submit" class="button danger small">"Discharge patient"</button>
                            </ActionForm>
                            <ErrorBox error=action_error(discharge) />
                        </details>
                    }
                })}
        </section>
    }
}

/// The patient's name, bed, NEWS2, phase and next due time, kept at the
/// top of the screen while the report scrolls, with the way to the round
/// form.
#[component]
fn StickyPatient(patient: Patient, writer: bool, wanted: RwSignal<bool>) -> impl IntoView {
    let display = use_display();
    let now = Utc::now();
    let place = patient.values.bed.as_ref().map(|bed| format!("bed {bed}"));
    let overdue = patient.round_overdue(now);
    let open = patient.discharged_at.is_none();
    view! {
        <div class="sticky-patient" data-testid="sticky-patient">
            <strong class="sticky-name">{patient.full_name()}</strong>
            {place.map(|p| view! { <span class="muted">{p}</span> })}
            <span class="sticky-score">"NEWS2 "{news2_badge(&patient)}</span>
            {phase_chip(&patient)}
            {open.then(|| view! {
                <span class:danger-text=overdue>{format!("{} {}", if overdue { "overdue since" } else { "due" }, display.time(patient.next_round_due()))}</span>
            })}
            {(writer && open).then(|| view! {
                <a class="button sticky-record" href="#record-title" data-testid="sticky-record" on:click=move |_| wanted.set(true)>"Record round"</a>
            })}
        </div>
    }
}

/// Why the server refused a round posted without JavaScript: it sends the
/// browser back here with the error in the address.
fn posted_error() -> Option<AppError> {
    use leptos::server::ServerActionError;
    use leptos::server_fn::error::ServerFnUrlError;
    use_context::<ServerActionError>()
        .filter(|e| e.path() == RecordRound::PATH)
        .map(|e| ServerFnUrlError::<AppError>::decode_err(e.err()))
}

/// The state of the form for a new round, kept by the page.
#[derive(Clone, Copy)]
struct RoundDraft {
    typed: RwSignal<RoundInput>,
    /// The sticky "Record round" button asks for the form to open.
    wanted: RwSignal<bool>,
    /// Moves when the form must be drawn again from `typed`.
    cleared: RwSignal<usize>,
    /// The key of the waiting round being edited, if any.
    editing: RwSignal<Option<String>>,
    error: RwSignal<Option<AppError>>,
    saving: RwSignal<bool>,
    form: NodeRef<leptos::html::Form>,
}

impl RoundDraft {
    fn new() -> Self {
        RoundDraft {
            typed: RwSignal::new(RoundInput::default()),
            wanted: RwSignal::new(false),
            cleared: RwSignal::new(0),
            editing: RwSignal::new(None),
            error: RwSignal::new(posted_error()),
            saving: RwSignal::new(false),
            form: NodeRef::new(),
        }
    }

    /// Lets the waiting round being edited, if any, be sent again.
    fn release(self, outbox: Outbox) {
        if let Some(key) = self.editing.try_get_untracked().flatten() {
            outbox.hold(&key, false);
        }
    }

    /// An empty form; a waiting round it held may be sent again.
    fn clear(self, outbox: Outbox) {
        self.release(outbox);
        // The fields are drawn again from `typed`, which sets what they
        // show only once nothing was typed in them since.
        if let Some(form) = self.form.get_untracked() {
            form.reset();
        }
        self.editing.set(None);
        self.wanted.set(false);
        self.typed.set(RoundInput::default());
        self.error.set(None);
        self.cleared.update(|n| *n += 1);
    }

    /// Opens a waiting round in the form; it is not sent until saved.
    fn edit(self, outbox: Outbox, waiting: Waiting) {
        self.clear(outbox);
        outbox.hold(&waiting.key, true);
        self.editing.set(Some(waiting.key));
        self.typed.set(waiting.round);
        self.cleared.update(|n| *n += 1);
        self.wanted.set(true);
    }

    /// Saves what is typed: stored, or kept on this device until the
    /// connection returns (the form is then empty), or refused (the form
    /// keeps it and shows why).
    #[cfg(feature = "hydrate")]
    fn save(self, outbox: Outbox, patient_id: i32, patient_name: String) {
        use crate::rounds::ui::waiting::{Saved, new_key, save};
        if self.saving.get_untracked() {
            return;
        }
        let key = self.editing.get_untracked().unwrap_or_else(new_key);
        let waiting = Waiting::new(
            key,
            patient_id,
            patient_name,
            self.typed.get_untracked(),
            &use_display(),
            Utc::now(),
        );
        self.saving.set(true);
        leptos::task::spawn_local(async move {
            match save(outbox, waiting).await {
                Saved::Refused(error) => self.error.set(Some(error)),
                Saved::Stored | Saved::Waiting => self.clear(outbox),
            }
            self.saving.set(false);
        });
    }
}

/// The form for a new round. Without JavaScript it posts to the server
/// function; in the browser a round that cannot be sent waits on the
/// device.
#[component]
fn RecordRoundCard(
    patient_id: i32,
    patient_name: String,
    scale2: bool,
    round: RoundDraft,
) -> impl IntoView {
    let outbox = use_outbox();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        round.save(outbox, patient_id, patient_name.clone());
        #[cfg(not(feature = "hydrate"))]
        let _ = (outbox, patient_id, &patient_name);
    };
    let open = move || {
        round.wanted.get()
            || round.error.with(Option::is_some)
            || round.typed.with(|d| *d != RoundInput::default())
    };
    // Said by the form too: the list of what waits is at the top of the page.
    let waiting_here = move || {
        let count = outbox
            .shown()
            .iter()
            .filter(|w| w.patient_id == patient_id)
            .count();
        (count > 0).then(|| {
            let text = format!(
                "{} of this patient saved on this device, waiting to send (listed at the top of the page).",
                rounds(count)
            );
            view! { <p class="banner warn" role="status" data-testid="waiting-here">{text}</p> }
        })
    };
    view! {
        <section class="card" aria-labelledby="record-title">
            {waiting_here}
            <details class="add-form" open=open>
                <summary class="button" id="record-title">"Record a round"</summary>
                <form method="post" action=RecordRound::url() class="round-form" data-testid="record-round" node_ref=round.form on:submit=submit>
                    <input type="hidden" name="patient_id" value=patient_id />
                    {move || round.editing.get().map(|_| view! {
                        <p class="banner info" data-testid="editing-waiting">
                            "Editing a round that waits on this device; saving sends it."
                        </p>
                    })}
                    {move || {
                        round.cleared.track();
                        view! { <RoundFields initial=round.typed.get_untracked() key="new".to_owned() scale2 draft=round.typed /> }
                    }}
                    <ErrorBox error=round.error />
                    <button type="submit" class="button" disabled=move || round.saving.get()>"Save round"</button>
                </form>
            </details>
        </section>
    }
}

/// Setting the phase by hand (it wins over the rules until cleared), with
/// the reason kept in the history.
#[component]
fn PhaseOverride(
    patient_id: i32,
    manual: bool,
    set: ServerAction<SetPhase>,
    clear: ServerAction<ClearPhase>,
    open: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <details class="row-details phase-override" open=move || open.get() || failed(set) || failed(clear)>
            <summary on:click=move |ev| {
                ev.prevent_default();
                open.update(|o| *o = !*o);
            }>{if manual { "Phase set by hand: change or return to the rules…" } else { "Set the phase by hand…" }}</summary>
            <ActionForm action=set attr:class="inline-form" attr:data-testid="set-phase">
                <input type="hidden" name="patient_id" value=patient_id />
                <label for="phase">"Phase"</label>
                <select id="phase" name="phase">
                    {Phase::iter().map(|p| view! { <option value=p.code()>{p.label()}</option> }).collect_view()}
                </select>
                <label for="phase-reason">"Reason"</label>
                <input id="phase-reason" name="reason" required maxlength="500" placeholder="e.g. fluid on ultrasound" />
                <button type="submit" class="button small">"Set phase"</button>
            </ActionForm>
            <ErrorBox error=action_error(set) />
            {manual.then(|| view! {
                <ActionForm action=clear attr:class="inline-form" attr:data-testid="clear-phase">
                    <input type="hidden" name="patient_id" value=patient_id />
                    <label for="clear-reason">"Reason"</label>
                    <input id="clear-reason" name="reason" required maxlength="500" />
                    <button type="submit" class="button secondary small">"Return to the rules"</button>
                </ActionForm>
                <ErrorBox error=action_error(clear) />
            })}
        </details>
    }
}
