//! A transaction Bundle of Observations read into rounds: grouped by
//! patient and time, checked with the round form's ranges, every error
//! named by its entry and element.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use fhirbolt::model::r4::Resource;
use fhirbolt::model::r4::resources::{
    Bundle, BundleEntry, BundleEntryResponse, Observation, ObservationComponentValue,
    ObservationEffective, ObservationValue,
};
use fhirbolt::model::r4::types::{CodeableConcept, Quantity};

use super::resources::{Measure, UCUM, is_blood_pressure, observation_id};
use crate::error::{AppError, FieldError};
use crate::rounds::service::{ImportOutcome, Imported, SourceId};
use crate::rules::fields::{CONSCIOUSNESS_CODES, FieldSpec};
use crate::rules::{Consciousness, NUMERIC_FIELDS, RoundInput};
use crate::vocabulary::Vocabulary;

/// The most Observations one transaction takes.
pub const MAX_ENTRIES: usize = 5000;

/// The rounds a transaction asks to record, and for each entry the round
/// and measure it went into.
pub struct Transaction {
    pub rounds: Vec<Imported>,
    /// Per entry: the index of its round and its measure.
    pub entries: Vec<(usize, Measure)>,
    /// Per round and field: the entry that gave it.
    fields: Vec<HashMap<&'static str, usize>>,
}

fn at(index: usize, element: &str) -> String {
    format!("Bundle.entry[{index}].{element}")
}

fn text<T: AsRef<str>>(value: &Option<T>) -> Option<&str> {
    value.as_ref().map(AsRef::as_ref)
}

/// The codes of a concept, as (system, code).
fn codes(concept: &CodeableConcept) -> impl Iterator<Item = (&str, &str)> {
    concept.coding.iter().filter_map(|c| {
        Some((
            c.system.as_ref()?.value.as_deref()?,
            c.code.as_ref()?.value.as_deref()?,
        ))
    })
}

/// A quantity's value as text, after checking its unit is the field's.
fn value_of(quantity: &Quantity, field: &FieldSpec, element: &str) -> Result<String, FieldError> {
    let system = quantity.system.as_ref().and_then(|s| s.value.as_deref());
    if system.is_some_and(|s| s != UCUM) {
        return Err(FieldError::new(
            format!("{element}.system"),
            format!("expected {UCUM}"),
        ));
    }
    let (unit, named) = match quantity.code.as_ref().and_then(|c| c.value.as_deref()) {
        Some(code) => (Some(code), "code"),
        None => (
            quantity.unit.as_ref().and_then(|u| u.value.as_deref()),
            "unit",
        ),
    };
    if unit != Some(field.unit) {
        return Err(FieldError::new(
            format!("{element}.{named}"),
            format!("expected {}", field.unit),
        ));
    }
    let value = quantity
        .value
        .as_ref()
        .and_then(|v| v.value.clone())
        .ok_or_else(|| FieldError::new(format!("{element}.value"), "is required"))?;
    field
        .parse(&value)
        .map_err(|e| FieldError::new(format!("{element}.value"), e.message))?;
    Ok(value)
}

fn patient_of(observation: &Observation, index: usize) -> Result<i32, FieldError> {
    let element = at(index, "resource.subject.reference");
    observation
        .subject
        .as_ref()
        .and_then(|s| text(&s.reference.as_ref().and_then(|r| r.value.clone())).map(str::to_owned))
        .and_then(|r| r.strip_prefix("Patient/").and_then(|id| id.parse().ok()))
        .ok_or_else(|| FieldError::new(element, "expected Patient/{id} of an existing patient"))
}

fn time_of(observation: &Observation, index: usize) -> Result<DateTime<Utc>, FieldError> {
    let element = at(index, "resource.effectiveDateTime");
    match &observation.effective {
        Some(ObservationEffective::DateTime(t)) => t
            .value
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| {
                FieldError::new(
                    element,
                    "expected a date and time with seconds and a time zone",
                )
            }),
        _ => Err(FieldError::new(element, "is required")),
    }
}

fn measure_of(observation: &Observation, index: usize) -> Result<Measure, FieldError> {
    codes(&observation.code)
        .find_map(|(system, code)| Measure::of_code(system, code))
        .ok_or_else(|| {
            let given: Vec<String> = codes(&observation.code)
                .map(|(s, c)| format!("{s}|{c}"))
                .collect();
            FieldError::new(
                at(index, "resource.code"),
                format!(
                    "unknown code {}; expected one of {}",
                    if given.is_empty() {
                        "(none)".into()
                    } else {
                        given.join(", ")
                    },
                    Measure::all()
                        .map(|m| {
                            let (s, c) = m.code();
                            format!("{s}|{c}")
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
}

/// Puts the value of one Observation into a round as typed.
fn fill(
    input: &mut RoundInput,
    observation: &Observation,
    measure: Measure,
    index: usize,
) -> Result<Vec<&'static str>, FieldError> {
    let element = at(index, "resource.valueQuantity");
    match measure {
        Measure::Numeric(field) => match &observation.value {
            Some(ObservationValue::Quantity(q)) => {
                input.set_numeric(field.name, Some(value_of(q, &field, &element)?));
                Ok(vec![field.name])
            }
            _ => Err(FieldError::new(
                element,
                format!("is required, in {}", field.unit),
            )),
        },
        Measure::BloodPressure => {
            let mut filled = Vec::new();
            for (c, component) in observation.component.iter().enumerate() {
                let element = at(index, &format!("resource.component[{c}]"));
                let field = NUMERIC_FIELDS
                    .iter()
                    .filter(|f| is_blood_pressure(f))
                    .find(|f| {
                        codes(&component.code)
                            .any(|(s, code)| s == crate::rules::fields::LOINC && code == f.loinc)
                    })
                    .ok_or_else(|| {
                        FieldError::new(
                            format!("{element}.code"),
                            "expected LOINC 8480-6 (systolic) or 8462-4 (diastolic)",
                        )
                    })?;
                let Some(ObservationComponentValue::Quantity(q)) = &component.value else {
                    return Err(FieldError::new(
                        format!("{element}.valueQuantity"),
                        "is required",
                    ));
                };
                input.set_numeric(
                    field.name,
                    Some(value_of(q, field, &format!("{element}.valueQuantity"))?),
                );
                filled.push(field.name);
            }
            if filled.is_empty() {
                return Err(FieldError::new(
                    at(index, "resource.component"),
                    "needs a systolic or diastolic component",
                ));
            }
            Ok(filled)
        }
        Measure::Consciousness => {
            let element = at(index, "resource.valueCodeableConcept");
            let level = match &observation.value {
                Some(ObservationValue::CodeableConcept(c)) => codes(c)
                    .find(|(s, _)| *s == CONSCIOUSNESS_CODES)
                    .and_then(|(_, code)| Consciousness::parse(code)),
                _ => None,
            }
            .ok_or_else(|| {
                FieldError::new(
                    element,
                    format!(
                        "expected a code of {CONSCIOUSNESS_CODES}: {}",
                        Consciousness::codes()
                    ),
                )
            })?;
            input.consciousness = Some(level.code().to_owned());
            Ok(vec!["consciousness"])
        }
        Measure::OnOxygen => match &observation.value {
            Some(ObservationValue::Boolean(b)) if b.value.is_some() => {
                input.on_oxygen = b.value.map(|b| b.to_string());
                Ok(vec!["on_oxygen"])
            }
            _ => Err(FieldError::new(
                at(index, "resource.valueBoolean"),
                "is required",
            )),
        },
    }
}

/// Reads a transaction Bundle; every entry must POST an Observation.
pub fn read(bundle: &Bundle) -> Result<Transaction, AppError> {
    if bundle.r#type.value.as_deref() != Some("transaction") {
        return Err(AppError::invalid("Bundle.type", "expected transaction"));
    }
    if bundle.entry.len() > MAX_ENTRIES {
        return Err(AppError::invalid(
            "Bundle.entry",
            format!(
                "at most {MAX_ENTRIES} entries fit in one transaction; this one has {}",
                bundle.entry.len()
            ),
        ));
    }
    let mut errors = Vec::new();
    let mut transaction = Transaction {
        rounds: Vec::new(),
        entries: Vec::new(),
        fields: Vec::new(),
    };
    let mut groups: HashMap<(i32, DateTime<Utc>), usize> = HashMap::new();
    for (index, entry) in bundle.entry.iter().enumerate() {
        match read_entry(entry, index, &mut transaction, &mut groups) {
            Ok(()) => {}
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(transaction)
    } else {
        Err(AppError::Invalid(errors))
    }
}

fn read_entry(
    entry: &BundleEntry,
    index: usize,
    transaction: &mut Transaction,
    groups: &mut HashMap<(i32, DateTime<Utc>), usize>,
) -> Result<(), FieldError> {
    let request = entry
        .request
        .as_ref()
        .ok_or_else(|| FieldError::new(at(index, "request"), "is required"))?;
    if request.method.value.as_deref() != Some("POST")
        || request.url.value.as_deref() != Some("Observation")
    {
        return Err(FieldError::new(
            at(index, "request"),
            "expected POST Observation",
        ));
    }
    let Some(Resource::Observation(observation)) = &entry.resource else {
        return Err(FieldError::new(
            at(index, "resource"),
            "expected an Observation",
        ));
    };
    if !matches!(
        observation.status.value.as_deref(),
        Some("final" | "amended" | "corrected")
    ) {
        return Err(FieldError::new(
            at(index, "resource.status"),
            "expected final, amended or corrected",
        ));
    }
    let patient_id = patient_of(observation, index)?;
    let measured_at = time_of(observation, index)?;
    let measure = measure_of(observation, index)?;
    let group = *groups.entry((patient_id, measured_at)).or_insert_with(|| {
        transaction.rounds.push(Imported {
            patient_id,
            input: RoundInput {
                measured_at: Some(measured_at.to_rfc3339()),
                ..Default::default()
            },
            identifiers: Vec::new(),
        });
        transaction.fields.push(HashMap::new());
        transaction.rounds.len() - 1
    });
    let round = &mut transaction.rounds[group];
    let mut input = round.input.clone();
    let filled = fill(&mut input, observation, measure, index)?;
    for field in &filled {
        if let Some(first) = transaction.fields[group].insert(field, index) {
            return Err(FieldError::new(
                at(index, "resource.code"),
                format!(
                    "a second {} for the same patient and time (the first is Bundle.entry[{first}])",
                    measure.label()
                ),
            ));
        }
    }
    round.input = input;
    for identifier in &observation.identifier {
        if let (Some(system), Some(value)) = (
            identifier.system.as_ref().and_then(|s| s.value.clone()),
            identifier.value.as_ref().and_then(|v| v.value.clone()),
        ) {
            round.identifiers.push(SourceId {
                system,
                value,
                field: measure.field().to_owned(),
            });
        }
    }
    transaction.entries.push((group, measure));
    Ok(())
}

impl Transaction {
    /// Errors of the rounds (`rounds[i].field`) named by the entry that
    /// gave the field.
    pub fn locate(&self, error: AppError) -> AppError {
        let AppError::Invalid(errors) = error else {
            return error;
        };
        AppError::Invalid(
            errors
                .into_iter()
                .map(|mut e| {
                    let located =
                        e.field.strip_prefix("rounds[").and_then(|rest| {
                            let (group, field) = rest.split_once("].")?;
                            let group: usize = group.parse().ok()?;
                            let entry =
                                self.fields.get(group)?.get(field).copied().or_else(|| {
                                    self.entries.iter().position(|(g, _)| *g == group)
                                })?;
                            Some(at(entry, &format!("resource ({field})")))
                        });
                    if let Some(located) = located {
                        e.field = located;
                    }
                    e
                })
                .collect(),
        )
    }

    /// The transaction-response: per entry, created or already there, and
    /// where.
    pub fn response(&self, outcomes: &[ImportOutcome]) -> Bundle {
        Bundle {
            r#type: "transaction-response".into(),
            entry: self
                .entries
                .iter()
                .map(|(group, measure)| {
                    let (status, round) = match &outcomes[*group] {
                        ImportOutcome::Created(round) => ("201 Created", round.id),
                        ImportOutcome::Known(round) => ("200 OK", round.id),
                    };
                    BundleEntry {
                        response: Some(BundleEntryResponse {
                            status: status.into(),
                            location: Some(
                                format!("Observation/{}", observation_id(round, *measure)).into(),
                            ),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }
                })
                .collect(),
            ..Default::default()
        }
    }
}
