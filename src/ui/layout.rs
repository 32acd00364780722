//! The frame around every page: sidebar navigation and header.

use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_location;

use super::icons::{Icon, IconView};
use crate::accounts::ui::{UserBadge, is_admin};
use crate::live::ui::{AccessEndedBanner, ConnectionIndicator, start};
use crate::notifications::ui::{NotificationBell, Toasts};
use crate::rounds::ui::waiting::{WaitingRounds, provide_outbox};

/// A navigation entry: path, label, icon, and whether only administrators see it.
const NAVIGATION: [(&str, &str, Icon, bool); 5] = [
    ("/", "Dashboard", Icon::Dashboard, false),
    ("/patients", "Patients", Icon::Patients, false),
    ("/admin", "Administration", Icon::Administration, true),
    ("/settings", "Settings", Icon::Settings, false),
    ("/api", "API", Icon::Api, false),
];

/// The page title for a path: the name of its navigation entry.
fn section_title(path: &str) -> &'static str {
    if path == "/profile" {
        return "Your account";
    }
    if path == "/notifications" {
        return "Notifications";
    }
    if path.starts_with("/wards/") {
        return "Shift handover";
    }
    NAVIGATION
        .iter()
        .filter(|(href, ..)| {
            *href == path || (*href != "/" && path.starts_with(&format!("{href}/")))
        })
        .map(|(_, label, ..)| *label)
        .next()
        .unwrap_or("vitalboard")
}

/// Sidebar, header and the page inside them.
#[component]
pub fn Layout() -> impl IntoView {
    let location = use_location();
    let title = move || section_title(&location.pathname.get());
    start();
    provide_outbox();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <div class="frame">
            <nav class="sidebar" aria-label="Main">
                <A href="/" attr:class="brand" attr:aria-label="vitalboard home">
                    <span class="brand-mark">
                        <IconView icon=Icon::Logo />
                    </span>
                    <span class="brand-name">"vital"<strong>"board"</strong></span>
                </A>
                <Suspense fallback=|| ()>
                    <ul class="nav">
                        {move || {
                            let admin = is_admin();
                            NAVIGATION
                                .into_iter()
                                .filter(|(.., admin_only)| admin || !admin_only)
                                .map(|(href, label, icon, _)| {
                                    view! {
                                        <li>
                                            <A href=href exact=href == "/">
                                                <IconView icon=icon />
                                                <span>{label}</span>
                                            </A>
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                </Suspense>
            </nav>
            <div class="workspace">
                <header class="topbar">
                    <h1 class="page-title">{title}</h1>
                    <ConnectionIndicator />
                    <NotificationBell />
                    <UserBadge />
                </header>
                <AccessEndedBanner />
                <WaitingRounds />
                <main id="main" class="content" tabindex="-1">
                    <Outlet />
                </main>
                <Toasts />
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::section_title;

    #[test]
    fn titles_follow_the_navigation() {
        assert_eq!(section_title("/"), "Dashboard");
        assert_eq!(section_title("/patients"), "Patients");
        assert_eq!(section_title("/patients/12"), "Patients");
        assert_eq!(section_title("/api"), "API");
        assert_eq!(section_title("/profile"), "Your account");
        assert_eq!(section_title("/nowhere"), "vitalboard");
    }
}
