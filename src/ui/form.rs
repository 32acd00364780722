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
                            .map(|f| view! { <li><strong>{field_label(&f.field)}</strong>": "{f.message}</li> })
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

/// A field's wire name as people read it: a measurement's own label
/// (`pulse_per_min` → `Pulse`), else words (`ward_ids` → `Wards`,
/// `display_name` → `Display name`).
pub fn field_label(field: &str) -> String {
    if let Some(spec) = crate::rules::NUMERIC_FIELDS
        .iter()
        .find(|f| f.name == field)
    {
        return spec.label.to_owned();
    }
    let plain = field
        .strip_suffix("_ids")
        .map_or_else(|| field.to_owned(), |f| format!("{f}s"));
    let words = plain.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The error of a server action's last result, if it failed.
pub fn action_error<I, O>(action: ServerAction<I>) -> Signal<Option<AppError>>
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// Whether the action's last attempt was refused.
pub fn failed<I, O>(action: ServerAction<I>) -> bool
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    action.value().with(|v| matches!(v, Some(Err(_))))
}

/// Once the action succeeds, opens `path(result)` as a fresh page, so
/// everything on it (the header's user too) is loaded anew.
pub fn go_on_success<I, O>(action: ServerAction<I>, path: impl Fn(&O) -> String + 'static)
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Effect::new(move || {
        if let Some(Ok(result)) = action.value().get() {
            let _ = window().location().set_href(&path(&result));
        }
    });
}

/// "Saved." once `action` succeeded here, or when a plain form post
/// (JavaScript off) came back to the page with `?saved=<key>`.
pub fn saved_notice<I, O>(action: ServerAction<I>, key: &'static str) -> impl IntoView
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let query = leptos_router::hooks::use_query_map();
    let returned = move || query.with(|q| q.get_str("saved") == Some(key));
    move || {
        (matches!(action.value().get(), Some(Ok(_))) || returned())
            .then(|| view! { <span class="saved" role="status">"Saved."</span> })
    }
}

/// Counts the successes of `action` into `changes`, so lists keyed on it
/// reload after a change, while a refused form keeps its input and error.
pub fn count_successes<I, O>(changes: RwSignal<usize>, action: ServerAction<I>)
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Effect::new(move || {
        if let Some(Ok(_)) = action.value().get() {
            changes.update(|n| *n += 1);
        }
    });
}

/// Asks the user to confirm an action that cannot be undone.
pub fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().is_none_or(|w| w.confirm_with_message(question).unwrap_or(false))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::field_label;

    #[test]
    fn field_labels_read_as_words() {
        assert_eq!(field_label("ward_ids"), "Wards");
        assert_eq!(field_label("display_name"), "Display name");
        assert_eq!(field_label("temperature_c"), "Temperature");
        assert_eq!(field_label("measured_at"), "Measured at");
        assert_eq!(field_label(""), "");
    }
}
