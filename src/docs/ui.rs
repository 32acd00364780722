use leptos::prelude::*;

use super::ENDPOINTS;

/// The API page: every endpoint with its method, path, input, output and errors.
#[component]
pub fn ApiPage() -> impl IntoView {
    view! {
        <section class="card prose">
            <h2>"REST API"</h2>
            <p>
                "Every endpoint answers JSON. Reads are "<code>"GET"</code>" requests with
                their arguments in the query string; writes are "<code>"POST"</code>
                " requests whose body is a JSON object ("<code>"Content-Type: application/json"</code>
                ") or a form ("<code>"application/x-www-form-urlencoded"</code>"). Bodies over 256 KiB are refused."
            </p>
            <p>
                "The same surface as an OpenAPI 3 document: "
                <a href="/api/openapi.json" rel="external">"/api/openapi.json"</a>"."
            </p>
            <p>
                "Programs authenticate with "<code>"Authorization: Bearer <token>"</code>
                " (tokens are made on the Administration page); browsers use the session cookie set by "
                <code>"/api/auth/login"</code>"."
            </p>
            <p>
                "Errors answer with an HTTP status and a body "
                <code>"{\"error\": kind, \"details\": …}"</code>
                ": 400 unreadable request, 401 not signed in, 403 not allowed, 404 not found (also for
                what the caller may not see), 409 conflict, 422 invalid fields (each named with what is
                allowed), 429 locked, 503 database unavailable."
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
