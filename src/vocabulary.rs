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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{AuditAction, Role};
    use crate::display::{Clock, TemperatureUnit};
    use crate::notifications::Kind;
    use crate::patients::{Sex, Status};
    use crate::rounds::news2::Band;
    use crate::rounds::phase::Phase;
    use crate::rounds::series::Span;
    use crate::rounds::{Consciousness, Shift, WarningSign};

    /// Every value's code reads back as the value, and is the name the
    /// value has on the wire, so a client reads and writes one word.
    fn one_name_everywhere<T>()
    where
        T: Vocabulary + PartialEq + std::fmt::Debug + serde::Serialize,
    {
        let values: Vec<T> = T::iter().collect();
        assert!(!values.is_empty());
        for value in values {
            assert_eq!(T::parse(value.code()), Some(value));
            assert_eq!(
                serde_json::to_value(value).unwrap(),
                serde_json::Value::from(value.code()),
                "{value:?}"
            );
        }
        assert_eq!(T::parse("no such code"), None);
    }

    #[test]
    fn every_vocabulary_has_one_name_per_value() {
        one_name_everywhere::<Role>();
        one_name_everywhere::<AuditAction>();
        one_name_everywhere::<TemperatureUnit>();
        one_name_everywhere::<Clock>();
        one_name_everywhere::<Kind>();
        one_name_everywhere::<Sex>();
        one_name_everywhere::<Status>();
        one_name_everywhere::<Band>();
        one_name_everywhere::<Phase>();
        one_name_everywhere::<Span>();
        one_name_everywhere::<Consciousness>();
        one_name_everywhere::<Shift>();
        one_name_everywhere::<WarningSign>();
    }

    #[test]
    fn codes_list_what_is_allowed() {
        assert_eq!(Role::codes(), "admin, clinician, observer");
        assert_eq!(Consciousness::codes(), "A, C, V, P, U");
        assert_eq!(TemperatureUnit::codes(), "C, F");
    }
}
