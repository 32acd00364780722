//! Live updates: the socket door and the browser's side of it. Every
//! committed change is stored as an event (`platform::events`) and pushed by
//! the bus over one WebSocket per browser tab to the sockets allowed to see
//! it; the socket also takes requests, answered by the same services as
//! every other door.

#[cfg(feature = "ssr")]
pub mod actions;
pub mod api;
#[cfg(feature = "hydrate")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod socket;
#[cfg(feature = "ssr")]
pub mod tickets;
pub mod ui;
