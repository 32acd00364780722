//! Every closed vocabulary has one code per value, alike on the wire, in
//! the database and in forms.

use vitalboard::accounts::{AuditAction, Role};
use vitalboard::display::{Clock, TemperatureUnit};
use vitalboard::history::HistoryAction;
use vitalboard::notifications::Kind;
use vitalboard::patients::{Sex, Status};
use vitalboard::rounds::series::Span;
use vitalboard::rules::news2::Band;
use vitalboard::rules::phase::Phase;
use vitalboard::rules::{Consciousness, Shift, WarningSign};
use vitalboard::vocabulary::Vocabulary;

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
    one_name_everywhere::<HistoryAction>();
}

#[test]
fn codes_list_what_is_allowed() {
    assert_eq!(Role::codes(), "admin, clinician, observer");
    assert_eq!(Consciousness::codes(), "A, C, V, P, U");
    assert_eq!(TemperatureUnit::codes(), "C, F");
}
