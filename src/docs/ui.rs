use leptos::prelude::*;
use leptos_meta::Title;

use super::SOCKET_EXAMPLES;
use super::api::api_reference;

/// The API page: every endpoint with its method, path, input, output and errors.
#[component]
pub fn ApiPage() -> impl IntoView {
    let reference = Resource::new_blocking(|| (), |_| api_reference());
    view! {
        <Title text="API" />
        <section class="card prose">
            <h2>"REST API"</h2>
            <p>
                "Every endpoint answers JSON. Reads are "<code>"GET"</code>" requests with
                their arguments in the query string; writes are "<code>"POST"</code>
                " requests whose body is a JSON object ("<code>"Content-Type: application/json"</code>
                ") or a form ("<code>"application/x-www-form-urlencoded"</code>"). Bodies over 256 KiB are refused."
            </p>
            <p>
                "The same surface as an OpenAPI 3.1 document, with the JSON Schema of every request and answer: "
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
        <section class="card prose" aria-labelledby="fhir-title" data-testid="fhir-docs">
            <h2 id="fhir-title">"FHIR R4: "<code>"/fhir"</code></h2>
            <p>
                "Other hospital systems read patients and their measurements as FHIR R4 resources
                ("<code>"application/fhir+json"</code>"), signed in and limited to wards as above. What is
                supported, and nothing more, is in the CapabilityStatement: "
                <a href="/fhir/metadata" rel="external">"/fhir/metadata"</a>"."
            </p>
            <ul>
                <li><code>"GET /fhir/Patient/{id}"</code>", "<code>"GET /fhir/Patient?identifier=&name=&_count=&_page="</code></li>
                <li><code>"GET /fhir/Observation/{id}"</code>", "<code>"GET /fhir/Observation?patient=&category=&code=&date=ge…&date=le…"</code></li>
                <li><code>"GET /fhir/Patient/{id}/$everything"</code>": the patient and every Observation of the stay"</li>
                <li>
                    <code>"POST /fhir"</code>": a transaction Bundle of Observations (up to 5,000, 4 MiB) recorded as rounds,
                    grouped by patient and time, all or none; an Observation whose identifier was sent before is not
                    recorded again. Errors are OperationOutcomes naming the entry and the element."
                </li>
            </ul>
            <p>
                "Vital signs use their LOINC codes and UCUM units (blood pressure as the 85354-9 panel); measurements
                LOINC has no code for use the system "<code>"urn:vitalboard:measure"</code>" with the field's name."
            </p>
        </section>
        <section class="card prose" aria-labelledby="csv-title" data-testid="csv-docs">
            <h2 id="csv-title">"CSV files"</h2>
            <ul>
                <li>
                    <code>"GET /export/patients/{id}/rounds.csv"</code>": every round of the stay, oldest first, every
                    field with its unit in the header, times in the hospital's time zone (named in the header)."
                </li>
                <li>
                    <code>"GET /export/wards/{id}/patients.csv"</code>": the ward's admitted patients with their newest
                    values, NEWS2 and phase."
                </li>
            </ul>
            <p>
                "UTF-8, comma-separated, quoted where needed; a cell starting with = + - or @ starts with an apostrophe
                so that no spreadsheet runs it as a formula."
            </p>
        </section>
        <section class="card prose" aria-labelledby="socket-title">
            <h2 id="socket-title">"Live socket: "<code>"GET /ws"</code></h2>
            <p>
                "One WebSocket carries the same actions as the REST endpoints and pushes every change as
                it is committed. The handshake is authenticated like a request (session cookie, "
                <code>"Authorization: Bearer <token>"</code>", or "<code>"?ticket="</code>
                " from "<code>"POST /api/live/ticket"</code>"); without one it is refused with 401, and a
                page of another site is refused with 403."
            </p>
            <p>
                "Requests are JSON text frames "<code>"{\"stream\": …, \"payload\": {\"action\": …, \"request_id\": …}}"</code>
                ". Streams: "<code>"patients"</code>" (list, get, create, update, discharge, delete), "
                <code>"rounds"</code>" (list, get, record, correct, delete), "<code>"notifications"</code>
                " (list, read) and "<code>"presence"</code>"; each also takes "
                <code>"subscribe"</code>" and "<code>"unsubscribe"</code>", with "<code>"patient_id"</code>
                " for one patient or without for every patient you may see. An action has the name of its
                REST twin ("<code>"list"</code>" is the collection, "<code>"GET /api/rounds"</code>
                "; "<code>"correct"</code>" on "<code>"rounds"</code>" is "<code>"POST /api/rounds/correct"</code>
                ") and takes the same arguments. A subscription with "<code>"since"</code>" first replays the events
                after that sequence number (up to 1,000 from the last 7 days; beyond that the reply is 409
                and the client loads the data again). Frames over 64 KiB, malformed JSON and unknown
                actions get an error reply; the socket stays open. The server pings every 20 s and closes
                sockets silent for 60 s; at most 20 sockets per user."
            </p>
            {SOCKET_EXAMPLES
                .iter()
                .map(|(what, frame)| view! {
                    <h4>{*what}</h4>
                    <pre>{*frame}</pre>
                })
                .collect_view()}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    reference
                        .await
                        .ok()
                        .map(|reference| {
                            view! {
                                <h4>"Requests, each with its JSON Schema"</h4>
                                <div data-testid="socket-request-schema">
                                    {reference
                                        .socket
                                        .requests
                                        .into_iter()
                                        .map(|request| {
                                            view! {
                                                <details>
                                                    <summary><code>{request.name}</code></summary>
                                                    <pre>{request.schema}</pre>
                                                </details>
                                            }
                                        })
                                        .collect_view()}
                                </div>
                                <details data-testid="socket-frame-schema">
                                    <summary>"Frames the server sends (JSON Schema)"</summary>
                                    <pre>{reference.socket.frames}</pre>
                                </details>
                            }
                        })
                })}
            </Suspense>
        </section>
        <Suspense fallback=|| view! { <p class="muted">"Loading the reference…"</p> }>
            {move || Suspend::new(async move {
                match reference.await {
                    Ok(reference) => reference
                        .operations
                        .into_iter()
                        .map(|e| {
                            let arguments = if e.method == "GET" {
                                "Query parameters"
                            } else {
                                "Request body"
                            };
                            view! {
                                <section class="card endpoint" data-testid="endpoint">
                                    <h3>
                                        <span class=format!("method method-{}", e.method.to_lowercase())>
                                            {e.method.clone()}
                                        </span>
                                        <code>{e.path}</code>
                                    </h3>
                                    <p>{e.summary}</p>
                                    {e.description.map(|d| view! { <p class="muted">{d}</p> })}
                                    <dl class="facts">
                                        <div>
                                            <dt>"Access"</dt>
                                            <dd>{e.access}</dd>
                                        </div>
                                    </dl>
                                    {e
                                        .input
                                        .map(|input| {
                                            view! {
                                                <details>
                                                    <summary>{arguments}</summary>
                                                    <pre>{input}</pre>
                                                </details>
                                            }
                                        })}
                                    <details>
                                        <summary>"Response"</summary>
                                        <pre>{e.output}</pre>
                                    </details>
                                </section>
                            }
                        })
                        .collect_view()
                        .into_any(),
                    Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
