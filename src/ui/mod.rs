//! Small shared components and helpers used by every page.

pub mod chart;
pub mod form;
pub mod icons;
pub mod layout;
pub mod pager;
pub mod settings;
pub mod time;
