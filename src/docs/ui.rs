use leptos::prelude::*;

use super::ENDPOINTS;

/// The API page: every endpoint with its method, path, input, output and errors.
#[component]
pub fn ApiPage() -> impl IntoView {
    view! {
        <section class="card prose">
            <h2>"REST API"</h2>
            <p>
                "Every endpoint speaks JSON. Reads are "<code>"GET"</code>
                " requests; errors answer with an HTTP status and a body "
                <code>"{\"error\": kind, \"details\": …}"</code>"."
            </p>
        </section>
        {ENDPOINTS
            .iter()
            .map(|e| {
                view! {
                    <section class="card endpoint" data-testid="endpoint">
                        <h3>
                            <span class=format!("method method-{}", e.method.to_lowercase())>
                                {e.method}
                            </span>
                            <code>{e.path}</code>
                        </h3>
                        <p>{e.summary}</p>
                        <dl class="facts">
                            <div>
                                <dt>"Access"</dt>
                                <dd>{e.access}</dd>
                            </div>
                            <div>
                                <dt>"Errors"</dt>
                                <dd>{e.errors}</dd>
                            </div>
                        </dl>
                        {e
                            .input
                            .map(|input| {
                                view! {
                                    <h4>"Request body"</h4>
                                    <pre>{input}</pre>
                                }
                            })}
                        <h4>"Response"</h4>
                        <pre>{e.output}</pre>
                    </section>
                }
            })
            .collect_view()}
    }
}
