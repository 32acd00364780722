use leptos::prelude::*;

use super::status::band_class;
use crate::display::ui::HospitalTimeHint;
use crate::rules::news2::{Observations, SCORED_NUMBERS, news2};
use crate::rules::{Consciousness, Group, NUMERIC_FIELDS, RoundInput, Shift, WarningSign};
use crate::vocabulary::{IntoEnumIterator, Vocabulary};

const GROUPS: [(Group, &str); 4] = [
    (Group::Vitals, "Vital signs"),
    (Group::Fluids, "Fluids (mL)"),
    (Group::Labs, "Laboratory"),
    (Group::Other, "Other"),
];

/// The inputs of a round, named `round[…]` for the server functions.
/// `key` keeps element ids unique when several forms share a page.
/// `scale2` is given for a new round (the patient's SpO2 scale): the form
/// then asks for breathing and consciousness as soon as a vital sign is
/// typed, so that the round can be scored, and previews its NEWS2 with the
/// server's own rule. `draft`, when given, follows what is typed.
#[component]
pub fn RoundFields(
    initial: RoundInput,
    key: String,
    #[prop(optional)] scale2: Option<bool>,
    #[prop(optional)] draft: Option<RwSignal<RoundInput>>,
) -> impl IntoView {
    let id = move |name: &str| format!("{key}-{name}");
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let oxygen = text(&initial.on_oxygen);
    let consciousness = text(&initial.consciousness);
    let shift = text(&initial.shift);
    let typed = draft.unwrap_or_else(|| RwSignal::new(initial.clone()));
    let required = move || {
        scale2.is_some()
            && typed.with(|t| {
                SCORED_NUMBERS
                    .iter()
                    .any(|name| t.numeric(name).is_some_and(|v| !v.trim().is_empty()))
            })
    };
    let group_view = |(group, title): (Group, &'static str)| {
        let fields = NUMERIC_FIELDS
            .iter()
            .filter(|f| f.group == group)
            .map(|f| {
                let field_id = id(f.name);
                let range_id = format!("{field_id}-range");
                view! {
                    <div class="field">
                        <label for=field_id.clone()>{f.label}" "<span class="unit">{f.display_unit()}</span></label>
                        <input
                            id=field_id
                            name=format!("round[{}]", f.name)
                            inputmode=if f.integer { "numeric" } else { "decimal" }
                            autocomplete="off"
                            value=initial.numeric(f.name).unwrap_or_default().to_owned()
                            aria-describedby=range_id.clone()
                            on:input=move |ev| typed.update(|t| t.set_numeric(f.name, Some(event_target_value(&ev))))
                        />
                        <small class="hint" id=range_id>{f.range()}</small>
                    </div>
                }
            })
            .collect_view();
        view! {
            <fieldset class="round-group">
                <legend>{title}</legend>
                <div class="form-grid compact">{fields}</div>
            </fieldset>
        }
    };
    let [vitals, others @ ..] = GROUPS;
    let vitals = group_view(vitals);
    let others = others.into_iter().map(group_view).collect_view();
    // A correction may take a reading back; a new round leaves both unset.
    let unrecorded = move |name: &'static str, unset: bool| {
        scale2.is_none().then(|| {
            view! {
                <label class="segment">
                    <input type="radio" name=name value="" checked=unset />
                    <span>"Not recorded"</span>
                </label>
            }
        })
    };
    let breathing = [("false", "Air"), ("true", "Oxygen")]
        .into_iter()
        .map(|(value, label)| {
            view! {
                <label class="segment">
                    <input
                        type="radio"
                        name="round[on_oxygen]"
                        value=value
                        checked=oxygen == value
                        required=required
                        on:change=move |_| typed.update(|t| t.on_oxygen = Some(value.to_owned()))
                    />
                    <span>{label}</span>
                </label>
            }
        })
        .collect_view();
    let levels = Consciousness::iter()
        .map(|c| {
            view! {
                <label class="segment" title=c.label()>
                    <input
                        type="radio"
                        name="round[consciousness]"
                        value=c.code()
                        checked=c.code() == consciousness
                        required=required
                        on:change=move |_| typed.update(|t| t.consciousness = Some(c.code().to_owned()))
                    />
                    <span><b>{c.code()}</b>" "<small>{c.label()}</small></span>
                </label>
            }
        })
        .collect_view();
    view! {
        <div class="form-grid">
            <div class="field">
                <label for=id("measured_at")>"Measured at"</label>
                <input id=id("measured_at") type="datetime-local" step="1" name="round[measured_at]" value=text(&initial.measured_at) aria-describedby=id("measured_at-hint")
                    on:input=move |ev| typed.update(|t| t.measured_at = Some(event_target_value(&ev))) />
                <HospitalTimeHint id=id("measured_at-hint") />
            </div>
            <div class="field">
                <label for=id("shift")>"Shift"</label>
                <select id=id("shift") name="round[shift]" on:change=move |ev| typed.update(|t| t.shift = Some(event_target_value(&ev)))>
                    <option value="" selected=shift.is_empty()>"From the time"</option>
                    {Shift::iter()
                        .map(|s| view! { <option value=s.code() selected=s.code() == shift>{s.code()}</option> })
                        .collect_view()}
                </select>
            </div>
        </div>
        <div class="scoring">
            <fieldset class="segmented">
                <legend>"Breathing"</legend>
                <div class="segments">{unrecorded("round[on_oxygen]", oxygen.is_empty())}{breathing}</div>
            </fieldset>
            <fieldset class="segmented">
                <legend>"Consciousness (ACVPU)"</legend>
                <div class="segments">{unrecorded("round[consciousness]", consciousness.is_empty())}{levels}</div>
            </fieldset>
        </div>
        {vitals}
        {scale2.map(|scale2| view! { <News2Preview typed scale2 /> })}
        {others}
        <fieldset class="round-group">
            <legend>"Dengue warning signs (WHO 2009)"</legend>
            <div class="checks">
                {WarningSign::iter()
                    .map(|w| {
                        let checked = initial.warning_signs.iter().any(|c| c == w.code());
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    name="round[warning_signs][]"
                                    value=w.code()
                                    checked=checked
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        typed.update(|t| {
                                            t.warning_signs.retain(|c| c != w.code());
                                            if on {
                                                t.warning_signs.push(w.code().to_owned());
                                            }
                                        })
                                    }
                                />
                                " "
                                {w.label()}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
        <div class="form-grid">
            <div class="field wide">
                <label for=id("notes")>"Clinical notes"</label>
                <textarea id=id("notes") name="round[clinical_notes]" rows="2" on:input=move |ev| typed.update(|t| t.clinical_notes = Some(event_target_value(&ev)))>{text(&initial.clinical_notes)}</textarea>
            </div>
            <div class="field wide">
                <label for=id("advice")>"Medical advice"</label>
                <textarea id=id("advice") name="round[medical_advice]" rows="2" on:input=move |ev| typed.update(|t| t.medical_advice = Some(event_target_value(&ev)))>{text(&initial.medical_advice)}</textarea>
            </div>
        </div>
    }
}

/// The NEWS2 of what is typed, each parameter with its points, shown once
/// the page runs in the browser (it follows every keystroke).
#[component]
fn News2Preview(typed: RwSignal<RoundInput>, scale2: bool) -> impl IntoView {
    let running = RwSignal::new(false);
    Effect::new(move || running.set(true));
    let score = Memo::new(move |_| typed.with(|t| news2(&Observations::typed(t), scale2)));
    view! {
        <Show when=move || running.get()>
            <section class="news2-preview" aria-live="polite" data-testid="news2-preview">
                <div class="card-header">
                    <h3>"NEWS2 of this round"</h3>
                    <span class=move || format!("score {}", band_class(score.read().band)) data-testid="preview-total">
                        {move || score.read().total}
                    </span>
                </div>
                <p class=move || format!("band-label {}", band_class(score.read().band))>{move || score.read().band.label()}</p>
                <ul class="subscores">
                    {move || {
                        score
                            .read()
                            .subscores
                            .iter()
                            .map(|s| {
                                let scored = s.points > 0;
                                view! { <li class:scored=scored>{s.reason.clone()}</li> }
                            })
                            .collect_view()
                    }}
                </ul>
                {move || {
                    let missing = score.read().missing.join(", ");
                    (!missing.is_empty()).then(|| view! { <p class="incomplete">{format!("Not typed yet: {missing}")}</p> })
                }}
            </section>
        </Show>
    }
}
