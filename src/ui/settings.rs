//! The settings page: the signed-in user's display preferences and the
//! notifications they receive.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::display::ui::DisplaySettings;
use crate::notifications::ui::{AlarmSetting, NotificationSettings};

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <Title text="Settings" />
        <DisplaySettings />
        <NotificationSettings />
        <AlarmSetting />
    }
}
