//! Pages of patients: the list, the admission and edit form, the report.

pub mod dashboard;
pub mod form;
pub mod list;
pub mod report;

use leptos::prelude::*;

use crate::accounts::Role;
use crate::accounts::ui::signed_in_user;

/// Whether the signed-in user may change clinical data.
pub fn can_write() -> bool {
    signed_in_user().is_some_and(|u| matches!(u.role, Role::Admin | Role::Clinician))
}

/// The `:id` of the current route, when it is a number.
pub fn route_id() -> Memo<Option<i32>> {
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|id| id.parse().ok()))
}
