use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::use_query_map;

use super::can_write;
use crate::address::percent_encode;
use crate::display::ui::{display_ready, use_display};
use crate::live::ui::watch_stream;
use crate::patients::api::list_patients;
use crate::patients::{Patient, Status};
use crate::ui::pager::Pager;
use crate::vocabulary::{IntoEnumIterator, Vocabulary};

/// The patients list: search by name or number, admitted or discharged, paged.
#[component]
pub fn PatientsPage() -> impl IntoView {
    let query = use_query_map();
    let search = move || query.read().get("search").unwrap_or_default();
    let status = move || {
        query
            .read()
            .get("status")
            .and_then(|s| Status::parse(&s))
            .unwrap_or_default()
    };
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(1)
    };
    let changes = RwSignal::new(0);
    watch_stream("patients", changes);
    let patients = Resource::new(
        move || (search(), status(), page(), changes.get()),
        |(search, status, page, _)| list_patients(Some(search), Some(status), Some(page), None),
    );
    let link = move |page: u64| {
        format!(
            "/patients?search={}&status={}&page={page}",
            percent_encode(&search()),
            status().code()
        )
    };
    view! {
        <Title text="Patients" />
        <section class="card">
            <div class="card-header">
                <h2>"Patients"</h2>
                <Suspense fallback=|| ()>
                    {move || can_write().then(|| view! { <A href="/patients/new" attr:class="button">"New patient"</A> })}
                </Suspense>
            </div>
            <Form method="GET" action="" attr:class="filters" attr:role="search">
                <label for="search">"Search"</label>
                <input id="search" type="search" name="search" placeholder="Name or hospital number" value=search />
                <label for="status">"Show"</label>
                <select id="status" name="status">
                    {Status::iter()
                        .map(|s| view! { <option value=s.code() selected=move || status() == s>{s.label()}</option> })
                        .collect_view()}
                </select>
                <button type="submit" class="button secondary">"Apply"</button>
            </Form>
            <Transition fallback=|| view! { <p class="muted">"Loading patients…"</p> }>
                {move || Suspend::new(async move {
                    display_ready().await;
                    match patients.await {
                        Ok(page) if page.items.is_empty() => view! {
                            <p class="empty" data-testid="no-patients">"No patients match."</p>
                        }
                        .into_any(),
                        Ok(result) => {
                            let (total, page, pages) = (result.total, result.page, result.pages());
                            view! {
                                <PatientsTable patients=result.items />
                                <Pager total page pages noun="patients" one="patient" link />
                            }
                            .into_any()
                        }
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn PatientsTable(patients: Vec<Patient>) -> impl IntoView {
    let display = use_display();
    view! {
        <div class="table-scroll">
            <table class="table" data-testid="patients">
                <thead>
                    <tr>
                        <th scope="col">"Patient"</th>
                        <th scope="col">"Hospital no."</th>
                        <th scope="col">"Ward / bed"</th>
                        <th scope="col">"Admitted"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {patients
                        .into_iter()
                        .map(|p| {
                            let place = match &p.values.bed {
                                Some(bed) => format!("{} · bed {bed}", p.ward_name),
                                None => p.ward_name.clone(),
                            };
                            let status = match p.discharged_at {
                                Some(at) => format!("Discharged {}", display.time(at)),
                                None => "Admitted".to_owned(),
                            };
                            let name = p.full_name();
                            view! {
                                <tr>
                                    <td><A href=format!("/patients/{}", p.id)>{name}</A></td>
                                    <td>{p.values.hospital_number.clone()}</td>
                                    <td>{place}</td>
                                    <td>{display.time(p.values.admitted_at)}</td>
                                    <td>{status}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
