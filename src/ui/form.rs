//! Pieces shared by forms: the error box and the outcome of an action.

use leptos::prelude::*;

use crate::error::AppError;

/// The error of the last attempt, shown next to the form that caused it.
/// Invalid input lists every field with what is allowed.
#[component]
pub fn ErrorBox(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|err| match err {
            AppError::Invalid(fields) => view! {
                <div class="form-error" role="alert">
                    <p>"Please correct:"</p>
                    <ul>
                        {fields
                            .into_iter()
                            .map(|f| view! { <li><strong>{f.field}</strong>" "{f.message}</li> })
                            .collect_view()}
                    </ul>
                </div>
            }
            .into_any(),
            other => view! {
                <div class="form-error" role="alert">
                    <p>{other.to_string()}</p>
                </div>
            }
            .into_any(),
        })
    }
}

/// The error of a server action's last result, if it failed.
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}
