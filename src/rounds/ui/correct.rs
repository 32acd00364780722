use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::form::RoundFields;
use crate::display::ui::display_ready;
use crate::rounds::Round;
use crate::rounds::api::{CorrectRound, get_round};
use crate::ui::form::{ErrorBox, action_error, go_on_success};

/// Correcting one round: its values, changed, with the reason; the old
/// values stay in the history.
#[component]
pub fn CorrectRoundPage() -> impl IntoView {
    let params = use_params_map();
    let round_id = Memo::new(move |_| {
        params
            .read()
            .get("round")
            .and_then(|id| id.parse::<i32>().ok())
    });
    let correct = ServerAction::<CorrectRound>::new();
    let round = Resource::new(
        move || round_id.get(),
        |id| async move {
            match id {
                Some(id) => get_round(id).await,
                None => Err(crate::error::AppError::NotFound("Round".into())),
            }
        },
    );
    go_on_success(correct, |round: &Round| {
        format!("/patients/{}", round.patient_id)
    });
    view! {
        <Title text="Correct a round" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let display = display_ready().await;
                match round.await {
                    Ok(r) => view! {
                        <section class="card">
                            <h2>{format!("Correct the round of {}", display.time(r.values.measured_at))}</h2>
                            <p class="muted">{format!("Recorded by {}. The values before the correction stay in the history.", r.recorded_by)}</p>
                            <ActionForm action=correct attr:class="round-form" attr:data-testid="correct-round">
                                <input type="hidden" name="id" value=r.id />
                                <RoundFields initial=r.values.to_input(&display.zone) key="fix".to_owned() />
                                <div class="field wide">
                                    <label for="fix-reason">"Reason for the correction"</label>
                                    <input id="fix-reason" name="reason" required />
                                </div>
                                <ErrorBox error=action_error(correct) />
                                <div class="form-actions">
                                    <button type="submit" class="button">"Save correction"</button>
                                    <A href=format!("/patients/{}", r.patient_id)>"Cancel"</A>
                                </div>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
