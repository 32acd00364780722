//! Closed vocabularies (roles, phases, notification kinds, …): each value
//! has one stable code, derived from the enum with strum, used alike on the
//! wire, in the database and in forms.

use std::str::FromStr;

pub use strum::IntoEnumIterator;

/// A closed set of values, each with a code. Enums get it by deriving
/// `strum::EnumIter`, `strum::IntoStaticStr` and `strum::EnumString`.
pub trait Vocabulary: Copy + IntoEnumIterator + FromStr + Into<&'static str> {
    /// The value's code.
    fn code(self) -> &'static str {
        self.into()
    }

    /// The value a code names, if any.
    fn parse(code: &str) -> Option<Self> {
        Self::from_str(code).ok()
    }

    /// Every code, for messages saying what is allowed: `a, b, c`.
    fn codes() -> String {
        Self::iter().map(Self::code).collect::<Vec<_>>().join(", ")
    }
}

impl<T: Copy + IntoEnumIterator + FromStr + Into<&'static str>> Vocabulary for T {}
