//! The application shell, router and top-level pages.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::accounts::ui::admin::AdminPage;
use crate::accounts::ui::login::LoginPage;
use crate::accounts::ui::profile::ProfilePage;
use crate::accounts::ui::provide_user_context;
use crate::display::ui::provide_display_context;
use crate::docs::ui::ApiPage;
use crate::notifications::ui::NotificationsPage;
use crate::patients::ui::dashboard::DashboardPage;
use crate::patients::ui::form::{EditPatientPage, NewPatientPage};
use crate::patients::ui::list::PatientsPage;
use crate::patients::ui::report::PatientReportPage;
use crate::rounds::ui::correct::CorrectRoundPage;
use crate::rounds::ui::handover::HandoverPage;
use crate::ui::layout::Layout;
use crate::ui::settings::SettingsPage;

/// The HTML document every page is rendered into.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The root component: routes, with the signed-in user shared by all pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_user_context();
    provide_display_context();
    mark_hydrated();
    // Every page waits for its data before the first byte (`SsrMode::Async`),
    // so it is complete without JavaScript.
    view! {
        <Stylesheet id="leptos" href="/pkg/vitalboard.css" />
        <Title formatter=|page: String| format!("{page} · vitalboard") />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=Layout ssr=SsrMode::Async>
                    <Route path=path!("") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("patients") view=PatientsPage ssr=SsrMode::Async />
                    <Route path=path!("patients/new") view=NewPatientPage ssr=SsrMode::Async />
                    <Route path=path!("patients/:id") view=PatientReportPage ssr=SsrMode::Async />
                    <Route path=path!("patients/:id/edit") view=EditPatientPage ssr=SsrMode::Async />
                    <Route path=path!("patients/:id/rounds/:round/correct") view=CorrectRoundPage ssr=SsrMode::Async />
                    <Route path=path!("wards/:id/handover") view=HandoverPage ssr=SsrMode::Async />
                    <Route path=path!("admin") view=AdminPage ssr=SsrMode::Async />
                    <Route path=path!("settings") view=SettingsPage ssr=SsrMode::Async />
                    <Route path=path!("notifications") view=NotificationsPage ssr=SsrMode::Async />
                    <Route path=path!("profile") view=ProfilePage ssr=SsrMode::Async />
                    <Route path=path!("api") view=ApiPage ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Marks `<body data-hydrated>` once the browser has taken over the page, so
/// tests and scripts can tell a live page from server-rendered HTML.
fn mark_hydrated() {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <main class="login-screen">
            <section class="card narrow">
                <h1>"Page not found"</h1>
                <p>"There is no page at this address."</p>
                <p><a href="/">"Go to the dashboard"</a></p>
            </section>
        </main>
    }
}
