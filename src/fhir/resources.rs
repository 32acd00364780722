//! vitalboard's patients and rounds as FHIR R4 resources: a round's
//! measurements become Observations of the vital-signs profile's shape,
//! each with an id made of its round's id and its measurement.

use fhirbolt::model::r4::resources::{
    Bundle, BundleEntry, BundleEntrySearch, BundleLink, Observation, ObservationComponent,
    ObservationComponentValue, ObservationEffective, ObservationValue, Patient as FhirPatient,
};
use fhirbolt::model::r4::types::{
    CodeableConcept, Coding, HumanName, Identifier, Quantity, Reference,
};

use crate::patients::Patient;
use crate::rounds::Round;
use crate::rounds::service::SourceId;
use crate::rules::fields::{
    BLOOD_PRESSURE_LOINC, CONSCIOUSNESS_CODES, CONSCIOUSNESS_LOINC, Category, FieldSpec,
    LOCAL_CODES, LOINC, ON_OXYGEN_CODE,
};
use crate::rules::{NUMERIC_FIELDS, RoundValues};
use crate::vocabulary::Vocabulary;

/// The identifier system of hospital numbers.
pub const HOSPITAL_NUMBER: &str = "urn:vitalboard:hospital-number";
/// The identifier system of admission numbers.
pub const ADMISSION_NUMBER: &str = "urn:vitalboard:admission-number";
/// UCUM, the system of every unit.
pub const UCUM: &str = "http://unitsofmeasure.org";
const CATEGORIES: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// A measurement of a round as an Observation: one numeric field, the
/// blood pressure panel, consciousness or air/oxygen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    Numeric(FieldSpec),
    BloodPressure,
    Consciousness,
    OnOxygen,
}

impl Measure {
    /// Every measure, in the order of the round form.
    pub fn all() -> impl Iterator<Item = Measure> {
        NUMERIC_FIELDS
            .iter()
            .filter(|f| !is_blood_pressure(f))
            .map(|f| Measure::Numeric(*f))
            .chain([
                Measure::BloodPressure,
                Measure::Consciousness,
                Measure::OnOxygen,
            ])
    }

    /// The part of an Observation's id after its round's id.
    pub fn slug(self) -> String {
        match self {
            Measure::Numeric(f) => f.name.replace('_', "-"),
            Measure::BloodPressure => "blood-pressure".into(),
            Measure::Consciousness => "consciousness".into(),
            Measure::OnOxygen => "on-oxygen".into(),
        }
    }

    /// The field a sender's identifier of this measure is kept under.
    pub fn field(self) -> &'static str {
        match self {
            Measure::Numeric(f) => f.name,
            Measure::BloodPressure => "blood_pressure",
            Measure::Consciousness => "consciousness",
            Measure::OnOxygen => "on_oxygen",
        }
    }

    pub fn category(self) -> Category {
        match self {
            Measure::Numeric(f) => f.category,
            Measure::BloodPressure => Category::VitalSigns,
            Measure::Consciousness | Measure::OnOxygen => Category::Exam,
        }
    }

    /// Code system and code.
    pub fn code(self) -> (&'static str, &'static str) {
        match self {
            Measure::Numeric(f) if f.loinc.is_empty() => (LOCAL_CODES, f.name),
            Measure::Numeric(f) => (LOINC, f.loinc),
            Measure::BloodPressure => (LOINC, BLOOD_PRESSURE_LOINC),
            Measure::Consciousness => (LOINC, CONSCIOUSNESS_LOINC),
            Measure::OnOxygen => (LOCAL_CODES, ON_OXYGEN_CODE),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Measure::Numeric(f) => f.label,
            Measure::BloodPressure => "Blood pressure",
            Measure::Consciousness => "Level of responsiveness (ACVPU)",
            Measure::OnOxygen => "On supplemental oxygen",
        }
    }

    /// The measure an Observation id's slug names.
    pub fn of_slug(slug: &str) -> Option<Measure> {
        Measure::all().find(|m| m.slug() == slug)
    }

    /// The measure a code names.
    pub fn of_code(system: &str, code: &str) -> Option<Measure> {
        Measure::all().find(|m| m.code() == (system, code))
    }

    fn present(self, values: &RoundValues) -> bool {
        match self {
            Measure::Numeric(f) => values.numeric(f.name).is_some(),
            Measure::BloodPressure => {
                values.systolic_mmhg.is_some() || values.diastolic_mmhg.is_some()
            }
            Measure::Consciousness => values.consciousness.is_some(),
            Measure::OnOxygen => values.on_oxygen.is_some(),
        }
    }
}

/// Systolic and diastolic are the components of the blood pressure panel.
pub fn is_blood_pressure(field: &FieldSpec) -> bool {
    field.loinc == "8480-6" || field.loinc == "8462-4"
}

fn coding(system: &str, code: &str, display: &str) -> Coding {
    Coding {
        system: Some(system.into()),
        code: Some(code.into()),
        display: Some(display.into()),
        ..Default::default()
    }
}

fn concept(system: &str, code: &str, display: &str) -> CodeableConcept {
    CodeableConcept {
        coding: vec![coding(system, code, display)],
        text: Some(display.into()),
        ..Default::default()
    }
}

fn number(value: f64) -> String {
    format!("{value}")
}

/// A value in a field's UCUM unit.
fn quantity(field: &FieldSpec, value: f64) -> Quantity {
    Quantity {
        value: Some(number(value).into()),
        unit: Some(field.unit.into()),
        system: Some(UCUM.into()),
        code: Some(field.unit.into()),
        ..Default::default()
    }
}

/// The reference to a patient.
pub fn patient_reference(id: i32) -> String {
    format!("Patient/{id}")
}

/// A patient as a FHIR Patient.
pub fn patient(p: &Patient) -> FhirPatient {
    let v = &p.values;
    let mut identifier = vec![Identifier {
        r#use: Some("usual".into()),
        system: Some(HOSPITAL_NUMBER.into()),
        value: Some(v.hospital_number.clone().into()),
        ..Default::default()
    }];
    if let Some(number) = v.admission_number.as_ref().filter(|n| !n.is_empty()) {
        identifier.push(Identifier {
            r#use: Some("secondary".into()),
            system: Some(ADMISSION_NUMBER.into()),
            value: Some(number.clone().into()),
            ..Default::default()
        });
    }
    FhirPatient {
        id: Some(p.id.to_string().into()),
        identifier,
        active: Some(p.discharged_at.is_none().into()),
        name: vec![HumanName {
            r#use: Some("official".into()),
            family: Some(v.last_name.clone().into()),
            given: vec![v.first_name.clone().into()],
            ..Default::default()
        }],
        gender: Some(v.sex.code().into()),
        birth_date: v
            .birth_date
            .map(|d| d.format("%Y-%m-%d").to_string().into()),
        ..Default::default()
    }
}

/// The id of the Observation of `measure` in round `round`.
pub fn observation_id(round: i32, measure: Measure) -> String {
    format!("{round}-{}", measure.slug())
}

/// The round and measure an Observation id names.
pub fn parse_observation_id(id: &str) -> Option<(i32, Measure)> {
    let (round, slug) = id.split_once('-')?;
    Some((round.parse().ok()?, Measure::of_slug(slug)?))
}

/// The Observation of one measure of a round, if it was measured.
pub fn observation(round: &Round, measure: Measure, sources: &[SourceId]) -> Option<Observation> {
    let values = &round.values;
    if !measure.present(values) {
        return None;
    }
    let (system, code) = measure.code();
    let category = measure.category();
    let mut observation = Observation {
        id: Some(observation_id(round.id, measure).into()),
        identifier: sources
            .iter()
            .filter(|s| s.field == measure.field())
            .map(|s| Identifier {
                system: Some(s.system.clone().into()),
                value: Some(s.value.clone().into()),
                ..Default::default()
            })
            .collect(),
        status: "final".into(),
        category: vec![concept(CATEGORIES, category.code(), category.display())],
        code: Box::new(concept(system, code, measure.label())),
        subject: Some(Box::new(Reference {
            reference: Some(patient_reference(round.patient_id).into()),
            ..Default::default()
        })),
        effective: Some(ObservationEffective::DateTime(
            round
                .values
                .measured_at
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
                .into(),
        )),
        performer: vec![Reference {
            display: Some(round.recorded_by.clone().into()),
            ..Default::default()
        }],
        ..Default::default()
    };
    match measure {
        Measure::Numeric(field) => {
            let value = values.numeric(field.name)?;
            observation.value = Some(ObservationValue::Quantity(Box::new(quantity(
                &field, value,
            ))));
        }
        Measure::BloodPressure => {
            observation.component = NUMERIC_FIELDS
                .iter()
                .filter(|f| is_blood_pressure(f))
                .filter_map(|f| {
                    let value = values.numeric(f.name)?;
                    Some(ObservationComponent {
                        code: Box::new(concept(LOINC, f.loinc, f.label)),
                        value: Some(ObservationComponentValue::Quantity(Box::new(quantity(
                            f, value,
                        )))),
                        ..Default::default()
                    })
                })
                .collect();
        }
        Measure::Consciousness => {
            let level = values.consciousness?;
            observation.value = Some(ObservationValue::CodeableConcept(Box::new(concept(
                CONSCIOUSNESS_CODES,
                level.code(),
                level.label(),
            ))));
        }
        Measure::OnOxygen => {
            observation.value = Some(ObservationValue::Boolean(values.on_oxygen?.into()));
        }
    }
    Some(observation)
}

/// A searchset Bundle entry.
pub fn entry(
    base: &str,
    resource: fhirbolt::model::r4::Resource,
    kind: &str,
    id: &str,
) -> BundleEntry {
    BundleEntry {
        full_url: Some(format!("{base}/{kind}/{id}").into()),
        resource: Some(resource),
        search: Some(BundleEntrySearch {
            mode: Some("match".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A searchset Bundle with its links.
pub fn searchset(
    total: Option<u32>,
    links: Vec<(&str, String)>,
    entries: Vec<BundleEntry>,
) -> Bundle {
    Bundle {
        r#type: "searchset".into(),
        total: total.map(Into::into),
        link: links
            .into_iter()
            .map(|(relation, url)| BundleLink {
                relation: relation.into(),
                url: url.into(),
                ..Default::default()
            })
            .collect(),
        entry: entries,
        ..Default::default()
    }
}
