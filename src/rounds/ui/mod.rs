//! Components of rounds: the round form, the rounds table, latest values.

pub mod charts;
pub mod correct;
pub mod form;
pub mod handover;
pub mod status;
pub mod table;
pub mod waiting;
