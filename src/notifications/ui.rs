//! The bell, the toasts, the notifications page and the settings page.
