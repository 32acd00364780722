use leptos::prelude::*;

use crate::display::ui::HospitalTimeHint;
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
#[component]
pub fn RoundFields(initial: RoundInput, key: String) -> impl IntoView {
    let id = move |name: &str| format!("{key}-{name}");
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let oxygen = text(&initial.on_oxygen);
    let consciousness = text(&initial.consciousness);
    let shift = text(&initial.shift);
    let groups = GROUPS
        .into_iter()
        .map(|(group, title)| {
            let fields = NUMERIC_FIELDS
                .iter()
                .filter(|f| f.group == group)
                .map(|f| {
                    let field_id = id(f.name);
                    view! {
                        <div class="field">
                            <label for=field_id.clone()>{f.label}" "<span class="unit">{f.display_unit()}</span></label>
                            <input
                                id=field_id
                                name=format!("round[{}]", f.name)
                                inputmode="decimal"
                                autocomplete="off"
                                value=initial.numeric(f.name).unwrap_or_default().to_owned()
                                title=format!("{} ({})", f.label, f.range())
                            />
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
        })
        .collect_view();
    view! {
        <div class="form-grid">
            <div class="field">
                <label for=id("measured_at")>"Measured at"</label>
                <input id=id("measured_at") type="datetime-local" step="1" name="round[measured_at]" value=text(&initial.measured_at) aria-describedby=id("measured_at-hint") />
                <HospitalTimeHint id=id("measured_at-hint") />
            </div>
            <div class="field">
                <label for=id("shift")>"Shift"</label>
                <select id=id("shift") name="round[shift]">
                    <option value="" selected=shift.is_empty()>"From the time"</option>
                    {Shift::iter()
                        .map(|s| view! { <option value=s.code() selected=s.code() == shift>{s.code()}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=id("on_oxygen")>"Breathing"</label>
                <select id=id("on_oxygen") name="round[on_oxygen]">
                    <option value="" selected=oxygen.is_empty()>"Not recorded"</option>
                    <option value="false" selected=oxygen == "false">"Air"</option>
                    <option value="true" selected=oxygen == "true">"Oxygen"</option>
                </select>
            </div>
            <div class="field">
                <label for=id("consciousness")>"Consciousness (ACVPU)"</label>
                <select id=id("consciousness") name="round[consciousness]">
                    <option value="" selected=consciousness.is_empty()>"Not recorded"</option>
                    {Consciousness::iter()
                        .map(|c| view! { <option value=c.code() selected=c.code() == consciousness>{format!("{} — {}", c.code(), c.label())}</option> })
                        .collect_view()}
                </select>
            </div>
        </div>
        {groups}
        <fieldset class="round-group">
            <legend>"Dengue warning signs (WHO 2009)"</legend>
            <div class="checks">
                {WarningSign::iter()
                    .map(|w| {
                        let checked = initial.warning_signs.iter().any(|c| c == w.code());
                        view! {
                            <label class="check">
                                <input type="checkbox" name="round[warning_signs][]" value=w.code() checked=checked />
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
                <textarea id=id("notes") name="round[clinical_notes]" rows="2">{text(&initial.clinical_notes)}</textarea>
            </div>
            <div class="field wide">
                <label for=id("advice")>"Medical advice"</label>
                <textarea id=id("advice") name="round[medical_advice]" rows="2">{text(&initial.medical_advice)}</textarea>
            </div>
        </div>
    }
}
