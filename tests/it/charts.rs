//! The charts' series as the database sums them, on SQLite and on
//! PostgreSQL: per bucket the range, mean and count of each measurement,
//! the NEWS2 after each round kept true when a round arrives late, and
//! the stays recorded before the rounds carried their NEWS2.

use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use vitalboard::accounts::Caller;
use vitalboard::patients::PatientInput;
use vitalboard::patients::service as patients;
use vitalboard::rounds::clinical::{charts, summarise_stays};
use vitalboard::rounds::series::{Charts, Span};
use vitalboard::rounds::service as rounds;
use vitalboard::rules::RoundInput;

use crate::support::{TestServer, caller, every_database};

const ROUNDS: usize = 300;
const BUCKETS: usize = 10;

fn admitted() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 10, 8, 0, 0).unwrap()
}

/// Round `i`, two minutes after the one before: a temperature that steps
/// through 37.0–37.9 °C with one spike of 41.0 °C, a pulse of 135 (3
/// points) every other round, 100 mL to drink each time.
fn round(i: usize) -> RoundInput {
    let at = admitted() + Duration::minutes(2 * i as i64);
    RoundInput {
        measured_at: Some(at.format("%Y-%m-%dT%H:%M").to_string()),
        temperature_c: Some(format!("{:.1}", temperature(i))),
        pulse_per_min: i.is_multiple_of(2).then(|| "135".to_owned()),
        intake_oral_ml: Some("100".into()),
        ..Default::default()
    }
}

fn temperature(i: usize) -> f64 {
    if i == 150 {
        41.0
    } else {
        37.0 + (i % 10) as f64 / 10.0
    }
}

async fn stay(db: &DatabaseConnection, nurse: &Caller, now: DateTime<Utc>) -> i32 {
    let ward = vitalboard::accounts::wards::list_wards(db, nurse)
        .await
        .unwrap()
        .into_iter()
        .find(|w| w.name == "Dengue ward A")
        .unwrap()
        .id;
    let patient = patients::create(
        db,
        nurse,
        PatientInput {
            first_name: "Long".into(),
            last_name: "Stay".into(),
            hospital_number: "CHART-1".into(),
            ward_id: Some(ward.to_string()),
            admitted_at: Some("2026-01-10T08:00".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let inputs: Vec<RoundInput> = (0..ROUNDS).map(round).collect();
    rounds::record_many(db, nurse, patient.id, &inputs, now)
        .await
        .unwrap();
    patient.id
}

/// Ten hours after admission: each of the ten buckets is an hour.
fn now() -> DateTime<Utc> {
    admitted() + Duration::hours(10)
}

async fn course(db: &DatabaseConnection, nurse: &Caller, id: i32) -> Charts {
    in_buckets(db, nurse, id, BUCKETS).await
}

async fn in_buckets(db: &DatabaseConnection, nurse: &Caller, id: i32, buckets: usize) -> Charts {
    charts(db, nurse, id, Span::Course, Some(buckets as u64), now())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_long_stay_is_summed_per_bucket_with_its_range_mean_and_count() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let conn = &server.state.db;
        let nurse = caller(conn, "nurse").await;
        let id = stay(conn, &nurse, now()).await;
        let c = course(conn, &nurse, id).await;
        assert_eq!(c.rounds, ROUNDS, "{}", db.url());

        // Hour-long buckets are summed from the patient's hours, half-hour
        // ones from the rounds: the same figures either way.
        for buckets in [BUCKETS, 2 * BUCKETS] {
            let c = in_buckets(conn, &nurse, id, buckets).await;
            let per = ROUNDS / buckets;
            let temperatures = c.of("temperature_c");
            assert_eq!(temperatures.points.len(), buckets);
            for (k, p) in temperatures.points.iter().enumerate() {
                let values: Vec<f64> = (per * k..per * (k + 1)).map(temperature).collect();
                let mean = values.iter().sum::<f64>() / per as f64;
                assert_eq!(p.count as usize, per, "bucket {k} of {buckets}");
                assert_eq!(p.min, values.iter().copied().fold(f64::MAX, f64::min));
                assert_eq!(p.max, values.iter().copied().fold(f64::MIN, f64::max));
                assert!(
                    (p.mean - mean).abs() < 1e-9,
                    "bucket {k}: {} ≠ {mean}",
                    p.mean
                );
                assert_eq!(
                    p.at,
                    admitted() + Duration::minutes(2 * (per * (k + 1) - 1) as i64),
                    "a bucket stands at its newest value's time"
                );
            }
        }
        let temperatures = c.of("temperature_c");
        assert_eq!(temperatures.points[5].max, 41.0, "the spike survives");
        assert_eq!(
            temperatures.newest.map(|p| (p.at, p.mean)),
            Some((admitted() + Duration::minutes(598), temperature(299))),
            "the newest temperature as measured"
        );
        assert!(c.of("pulse_per_min").points.iter().all(|p| p.count == 15));

        let news2 = c.of("news2");
        let ranges: Vec<(f64, f64)> = news2.points.iter().map(|p| (p.min, p.max)).collect();
        let mut expected = vec![(3.0, 3.0); BUCKETS];
        expected[5] = (3.0, 5.0);
        assert_eq!(
            ranges, expected,
            "the pulse's 3 counts after every round until the next; the spike adds 2"
        );
        assert!((news2.points[5].mean - (29.0 * 3.0 + 5.0) / 30.0).abs() < 1e-9);

        let intake: f64 = c.fluids.iter().map(|p| p.intake_ml).sum();
        assert_eq!(intake, 100.0 * ROUNDS as f64);
        assert_eq!(
            c.fluids.last().map(|p| p.balance_ml),
            Some(100.0 * ROUNDS as f64)
        );
    }
}

#[tokio::test]
async fn a_late_round_scores_the_rounds_after_it_again() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let conn = &server.state.db;
        let nurse = caller(conn, "nurse").await;
        let id = stay(conn, &nurse, now()).await;
        let late = RoundInput {
            measured_at: Some("2026-01-10T08:01".into()),
            pulse_per_min: Some("60".into()),
            ..Default::default()
        };
        let recorded = rounds::record(conn, &nurse, id, &late, now())
            .await
            .unwrap();
        let c = course(conn, &nurse, id).await;
        let first = c.of("news2").points[0];
        assert_eq!(first.count, 31, "{}", db.url());
        assert_eq!(
            (first.min, first.max),
            (0.0, 3.0),
            "the late pulse of 60 scores 0, and so does the round after it, which has no pulse"
        );
        assert!(
            (first.mean - 29.0 * 3.0 / 31.0).abs() < 1e-9,
            "two of the 31 rounds score 0: {}",
            first.mean
        );
        let admin = caller(conn, "admin").await;
        rounds::delete(
            conn,
            &admin,
            recorded.id,
            "Recorded for the wrong patient",
            now(),
        )
        .await
        .unwrap();
        let first = course(conn, &nurse, id).await.of("news2").points[0];
        assert_eq!(
            (first.count, first.min, first.max),
            (30, 3.0, 3.0),
            "deleted, the late round no longer counts, nor lowers the one after it"
        );
    }
}

#[tokio::test]
async fn stays_recorded_before_rounds_were_summed_are_summed_once_at_start() {
    use vitalboard::patients::entity as patient;
    use vitalboard::rounds::entity as round;
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let conn = &server.state.db;
        let nurse = caller(conn, "nurse").await;
        let id = stay(conn, &nurse, now()).await;
        let scored = course(conn, &nurse, id).await;
        round::Entity::update_many()
            .col_expr(round::Column::News2, Expr::value(Option::<i16>::None))
            .col_expr(round::Column::News2Scale2, Expr::value(Option::<i16>::None))
            .filter(round::Column::PatientId.eq(id))
            .exec(conn)
            .await
            .unwrap();
        conn.execute_unprepared(&format!("DELETE FROM round_hours WHERE patient_id = {id}"))
            .await
            .unwrap();
        patient::Entity::update_many()
            .col_expr(patient::Column::RoundsSummed, Expr::value(false))
            .filter(patient::Column::Id.eq(id))
            .exec(conn)
            .await
            .unwrap();
        assert!(
            course(conn, &nurse, id).await.of("news2").points.is_empty(),
            "{}: without its hours and scores there is no NEWS2 to draw",
            db.url()
        );
        assert_eq!(summarise_stays(conn).await.unwrap(), 1);
        assert_eq!(course(conn, &nurse, id).await, scored);
        assert_eq!(summarise_stays(conn).await.unwrap(), 0, "scored once");
    }
}
