//! Demo data: wards, one account per role (the README lists them) and a
//! dozen patients with realistic dengue courses, generated deterministically
//! from a seed and recorded through the services by the demo nurse.

use chrono::{DateTime, Duration, DurationRound, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::DatabaseConnection;

use crate::accounts::Role;
use crate::accounts::setup::{DemoAccount, ensure_demo_accounts};
use crate::accounts::users::session_user;
use crate::accounts::{Caller, entity::user};
use crate::error::AppError;
use crate::patients::PatientInput;
use crate::patients::service as patients;
use crate::rounds::service as rounds;
use crate::rules::RoundInput;

/// The demo wards.
pub const WARDS: [&str; 2] = ["Dengue ward A", "Medical ward B"];

/// The demo accounts: username, password, name, role, wards (none: all).
pub const ACCOUNTS: [DemoAccount; 3] = [
    (
        "admin",
        "vitalboard-admin",
        "Dr. Mai Tran",
        Role::Admin,
        &[],
    ),
    (
        "nurse",
        "vitalboard-nurse",
        "Nurse Linh Pham",
        Role::Clinician,
        &["Dengue ward A"],
    ),
    (
        "consultant",
        "vitalboard-consultant",
        "Dr. Ravi Kumar",
        Role::Observer,
        &["Dengue ward A"],
    ),
];

/// The seed demo mode uses unless told otherwise.
pub const DEFAULT_SEED: u64 = 2026;

/// How a demo patient's illness runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Course {
    /// Still feverish.
    Febrile,
    /// Fever broke in the last day; platelets falling, hematocrit rising.
    Critical,
    /// Past the critical phase; values returning to normal.
    Recovering,
    /// Recovered and sent home.
    Discharged,
}

/// (first name, last name, ward index, course, days since admission)
const PATIENTS: [(&str, &str, usize, Course, i64); 12] = [
    ("Katherine", "Johnson", 0, Course::Critical, 5),
    ("Minh", "Nguyen", 0, Course::Critical, 6),
    ("Aisha", "Rahman", 0, Course::Febrile, 2),
    ("Tomás", "Silva", 0, Course::Febrile, 3),
    ("Priya", "Sharma", 0, Course::Recovering, 7),
    ("Hung", "Tran", 0, Course::Recovering, 8),
    ("Grace", "Okafor", 0, Course::Critical, 4),
    ("Lucas", "Moreau", 0, Course::Febrile, 1),
    ("Siti", "Aminah", 0, Course::Recovering, 6),
    ("Jonas", "Berg", 0, Course::Discharged, 8),
    ("Mei", "Chen", 1, Course::Febrile, 3),
    ("Omar", "Haddad", 1, Course::Recovering, 5),
];

/// Creates whatever of the demo accounts is missing.
pub async fn ensure(db: &DatabaseConnection) -> Result<(), AppError> {
    ensure_demo_accounts(db, &WARDS, &ACCOUNTS).await
}

async fn caller_of(db: &DatabaseConnection, username: &str) -> Result<Caller, AppError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let model = user::Entity::find()
        .filter(user::Column::UsernameKey.eq(username))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Demo user {username}")))?;
    session_user(db, model.id)
        .await?
        .map(|u| u.caller)
        .ok_or_else(|| AppError::NotFound(format!("Demo user {username}")))
}

/// Adds the demo patients and their rounds unless they are there already.
/// Returns how many patients were added.
pub async fn ensure_patients(db: &DatabaseConnection, seed: u64) -> Result<usize, AppError> {
    ensure(db).await?;
    let admin = caller_of(db, "admin").await?;
    let nurse = caller_of(db, "nurse").await?;
    let existing = patients::list(
        db,
        &admin,
        patients::ListQuery {
            search: Some("DEMO-".into()),
            status: crate::patients::Status::All,
            ..Default::default()
        },
    )
    .await?;
    if existing.total > 0 {
        return Ok(0);
    }
    let wards = crate::accounts::wards::list_wards(db, &admin).await?;
    let ward_id = |name: &str| {
        wards
            .iter()
            .find(|w| w.name == name)
            .map(|w| w.id)
            .unwrap_or_default()
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let now = Utc::now()
        .duration_trunc(Duration::minutes(5))
        .unwrap_or_else(|_| Utc::now());
    for (index, (first, last, ward, course, days)) in PATIENTS.into_iter().enumerate() {
        let admitted = now - Duration::days(days) - Duration::hours(rng.random_range(1..10));
        let interval = [4, 4, 6, 2][index % 4];
        let input = PatientInput {
            first_name: first.into(),
            last_name: last.into(),
            hospital_number: format!("DEMO-{:03}", index + 1),
            admission_number: Some(format!("A-{}", 26_100 + index * 7)),
            birth_date: Some(format!(
                "{}-{:02}-{:02}",
                rng.random_range(1950..2015),
                rng.random_range(1..13),
                rng.random_range(1..29)
            )),
            sex: Some(if index % 2 == 0 { "female" } else { "male" }.into()),
            ward_id: Some(ward_id(WARDS[ward]).to_string()),
            bed: Some(format!("{}", 1 + index * 2)),
            admitted_at: Some(admitted.to_rfc3339()),
            monitoring_interval_hours: Some(interval.to_string()),
            spo2_scale2: None,
            baseline_hematocrit_percent: None,
        };
        // Ward B patients are not in the nurse's wards: the administrator admits them.
        let recorder = if ward == 0 { &nurse } else { &admin };
        let patient = patients::create(db, recorder, input).await?;
        let course_rounds = course_rounds(&mut rng, course, admitted, now, interval);
        rounds::record_many(db, recorder, patient.id, &course_rounds, now).await?;
        if course == Course::Discharged {
            let at = (now - Duration::hours(20)).to_rfc3339();
            patients::discharge(db, recorder, patient.id, Some(&at)).await?;
        }
    }
    Ok(PATIENTS.len())
}

fn around(rng: &mut StdRng, value: f64, spread: f64) -> f64 {
    value + rng.random_range(-spread..=spread)
}

fn rounded(value: f64, places: i32) -> String {
    let factor = 10f64.powi(places);
    ((value * factor).round() / factor).to_string()
}

/// Hours after admission of the last midnight (UTC, the days the fever rule
/// counts) after which the patient has a whole afebrile day of rounds: today's
/// when today already holds a round, else yesterday's. The critical course's
/// fever breaks just before it, so the patient is critical whatever the hour.
fn critical_onset(now: DateTime<Utc>, admitted: DateTime<Utc>, interval: i64) -> f64 {
    let today = now.date_naive().and_time(chrono::NaiveTime::MIN).and_utc();
    let midnight = if now - today > Duration::hours(interval + 1) {
        today
    } else {
        today - Duration::days(1)
    };
    (midnight - admitted).num_minutes() as f64 / 60.0
}

/// Rounds from admission to now every `interval` hours, following the course.
fn course_rounds(
    rng: &mut StdRng,
    course: Course,
    admitted: DateTime<Utc>,
    now: DateTime<Utc>,
    interval: i64,
) -> Vec<RoundInput> {
    let stay_hours = (now - admitted).num_hours().max(1) as f64;
    // Hours after admission at which the fever breaks (critical phase starts),
    // and at which the critical phase ends.
    let (defervescence, recovery) = match course {
        Course::Febrile => (stay_hours + 48.0, stay_hours + 96.0),
        Course::Critical => (
            critical_onset(now, admitted, interval) - rng.random_range(1.0..4.0),
            stay_hours + 24.0,
        ),
        Course::Recovering | Course::Discharged => (stay_hours - 96.0, stay_hours - 40.0),
    };
    let fever_day_at_admission = rng.random_range(1..3);
    let weight_kg = around(rng, 58.0, 12.0);
    let hct_baseline = around(rng, 39.0, 2.0);
    let mut result = Vec::new();
    let mut t = admitted + Duration::minutes(30);
    let end = if course == Course::Discharged {
        now - Duration::hours(20)
    } else {
        now
    };
    while t <= end {
        let h = (t - admitted).num_minutes() as f64 / 60.0;
        let phase_critical = h >= defervescence && h < recovery;
        let recovered = h >= recovery;
        let night = matches!(crate::rules::Shift::of(t), crate::rules::Shift::Night);
        let temperature = if h < defervescence {
            around(rng, if night { 39.2 } else { 38.6 }, 0.5)
        } else {
            around(rng, 37.0, 0.35)
        };
        let into_critical = ((h - defervescence) / (recovery - defervescence)).clamp(0.0, 1.0);
        let platelets = if h < defervescence {
            around(rng, 160.0 - h * 0.6, 8.0)
        } else if phase_critical {
            // Lowest halfway through the critical phase, then recovering.
            let course = if into_critical < 0.5 {
                95.0 - 80.0 * into_critical
            } else {
                55.0 + 60.0 * (into_critical - 0.5)
            };
            around(rng, course, 6.0).max(15.0)
        } else {
            around(rng, 70.0 + (h - recovery) * 1.5, 8.0).min(220.0)
        };
        let hematocrit = if phase_critical {
            // Highest halfway through, back under +20 % soon after.
            let leak = if into_critical < 0.5 {
                into_critical * 2.0
            } else {
                1.0 - 1.5 * (into_critical - 0.5)
            };
            hct_baseline * (1.0 + 0.24 * leak)
        } else if recovered {
            hct_baseline * 1.05
        } else {
            hct_baseline
        };
        let pulse = if phase_critical {
            around(rng, 112.0, 8.0)
        } else {
            around(rng, 92.0 + (temperature - 37.0) * 8.0, 6.0)
        };
        let systolic = if phase_critical {
            around(rng, 96.0, 6.0)
        } else {
            around(rng, 116.0, 8.0)
        };
        let warning_signs = if phase_critical && course == Course::Critical && rng.random_bool(0.4)
        {
            vec!["abdominal_pain".to_owned(), "lethargy".to_owned()]
        } else {
            Vec::new()
        };
        let labs_today = phase_critical || (t - admitted).num_hours() % 24 < interval;
        result.push(RoundInput {
            measured_at: Some(t.to_rfc3339()),
            temperature_c: Some(rounded(temperature, 1)),
            pulse_per_min: Some(rounded(pulse, 0)),
            respiration_per_min: Some(rounded(
                around(rng, if phase_critical { 22.0 } else { 18.0 }, 2.0),
                0,
            )),
            systolic_mmhg: Some(rounded(systolic, 0)),
            diastolic_mmhg: Some(rounded(systolic * 0.66, 0)),
            spo2_percent: Some(rounded(
                around(rng, if phase_critical { 95.0 } else { 97.5 }, 1.4).min(100.0),
                0,
            )),
            on_oxygen: Some("false".into()),
            consciousness: Some("A".into()),
            intake_oral_ml: Some(rounded(around(rng, 350.0, 120.0), -1)),
            intake_iv_ml: phase_critical.then(|| rounded(around(rng, 450.0, 100.0), -1)),
            output_urine_ml: Some(rounded(
                around(rng, if phase_critical { 180.0 } else { 320.0 }, 80.0),
                -1,
            )),
            hematocrit_percent: labs_today.then(|| rounded(hematocrit, 1)),
            platelets_k_per_ul: labs_today.then(|| rounded(platelets, 0)),
            wbc_k_per_ul: labs_today.then(|| rounded(around(rng, 3.8, 0.8), 1)),
            day_of_fever: Some((fever_day_at_admission + (h / 24.0) as i64).to_string()),
            // Weighed on admission and each morning.
            weight_kg: (result.is_empty() || labs_today).then(|| rounded(weight_kg, 1)),
            warning_signs,
            ..Default::default()
        });
        t += Duration::hours(interval) + Duration::minutes(rng.random_range(-15..=15));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zones::Zone;

    #[test]
    fn courses_are_deterministic_and_valid() {
        let now = DateTime::parse_from_rfc3339("2026-11-30T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let admitted = now - Duration::days(5);
        let a = course_rounds(
            &mut StdRng::seed_from_u64(7),
            Course::Critical,
            admitted,
            now,
            4,
        );
        let b = course_rounds(
            &mut StdRng::seed_from_u64(7),
            Course::Critical,
            admitted,
            now,
            4,
        );
        assert_eq!(a, b);
        assert!(a.len() >= 25, "a round every 4 hours for 5 days");
        for round in &a {
            round
                .parse(now, &Zone::default())
                .expect("every generated round is valid");
        }
        let last = a.last().unwrap().parse(now, &Zone::default()).unwrap();
        assert!(last.temperature_c.unwrap() <= 37.5, "the fever has broken");
        let lowest_platelets = a
            .iter()
            .filter_map(|r| {
                r.platelets_k_per_ul
                    .as_deref()
                    .map(|p| p.parse::<f64>().unwrap())
            })
            .fold(f64::MAX, f64::min);
        assert!(
            lowest_platelets < 100.0,
            "platelets fall in the critical phase"
        );
    }

    #[test]
    fn each_course_reads_its_phase_at_every_hour_of_the_day() {
        use crate::rules::phase::Phase;
        let midnight = DateTime::parse_from_rfc3339("2026-11-30T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let courses = [
            (Course::Febrile, 1, Phase::Febrile),
            (Course::Febrile, 3, Phase::Febrile),
            (Course::Critical, 4, Phase::Critical),
            (Course::Critical, 6, Phase::Critical),
            (Course::Recovering, 5, Phase::Recovery),
            (Course::Recovering, 8, Phase::Recovery),
        ];
        for (course, days, expected) in courses {
            for hour in 0..24 {
                let now = midnight + Duration::hours(hour) + Duration::minutes(20);
                let admitted = now - Duration::days(days);
                let rounds: Vec<_> = course_rounds(
                    &mut StdRng::seed_from_u64(hour as u64),
                    course,
                    admitted,
                    now,
                    6,
                )
                .iter()
                .map(|r| r.parse(now, &Zone::default()).unwrap())
                .collect();
                let assessment = crate::rules::course::Course::of(&rounds, &Zone::default(), None)
                    .phase(now, None);
                assert_eq!(
                    assessment.phase, expected,
                    "{course:?} at {now}: {}",
                    assessment.reason
                );
            }
        }
    }
}
