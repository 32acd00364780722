//! vitalboard: live monitoring of ward patients' vital signs, fluid balance
//! and clinical course.

// The page's view types nest deeper than the compiler's default allows.
#![recursion_limit = "256"]

pub mod accounts;
pub mod address;
pub mod app;
#[cfg(feature = "ssr")]
pub mod demo;
pub mod display;
pub mod docs;
pub mod error;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod fhir;
pub mod history;
pub mod live;
pub mod notifications;
pub mod paging;
pub mod patients;
pub mod platform;
pub mod rounds;
pub mod rules;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod simulate;
pub mod system;
pub mod ui;
pub mod vocabulary;
pub mod wire;
pub mod zones;

/// Entry point of the browser side: takes over the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
