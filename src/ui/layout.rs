//! The frame around every page: sidebar navigation and header.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use super::icons::{Icon, IconView};

const NAVIGATION: [(&str, &str, Icon); 5] = [
    ("/", "Dashboard", Icon::Dashboard),
    ("/patients", "Patients", Icon::Patients),
    ("/admin", "Administration", Icon::Administration),
    ("/settings", "Settings", Icon::Settings),
    ("/api", "API", Icon::Api),
];

/// The page title for a path: the name of its navigation entry.
fn section_title(path: &str) -> &'static str {
    NAVIGATION
        .iter()
        .filter(|(href, _, _)| {
            *href == path || (*href != "/" && path.starts_with(&format!("{href}/")))
        })
        .map(|(_, label, _)| *label)
        .next()
        .unwrap_or("vitalboard")
}

/// Sidebar, header and the page inside them.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = use_location();
    let title = move || section_title(&location.pathname.get());
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <div class="frame">
            <nav class="sidebar" aria-label="Main">
                <A href="/" attr:class="brand">
                    <span class="brand-mark">
                        <IconView icon=Icon::Logo />
                    </span>
                    <span class="brand-name">"vital"<strong>"board"</strong></span>
                </A>
                <ul class="nav">
                    {NAVIGATION
                        .into_iter()
                        .map(|(href, label, icon)| {
                            view! {
                                <li>
                                    <A href=href exact=href == "/">
                                        <IconView icon=icon />
                                        <span>{label}</span>
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <div class="workspace">
                <header class="topbar">
                    <h1 class="page-title">{title}</h1>
                </header>
                <main id="main" class="content" tabindex="-1">
                    {children()}
                </main>
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
        assert_eq!(section_title("/nowhere"), "vitalboard");
    }
}
