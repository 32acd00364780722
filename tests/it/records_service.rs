//! The patient and round services, called directly, on SQLite and on
//! PostgreSQL with the same code.

use sea_orm::DatabaseConnection;
use vitalboard::error::AppError;
use vitalboard::patients::service::{self as patients, ListQuery};
use vitalboard::patients::{PatientInput, Status};
use vitalboard::rounds::service::{self as rounds, RangeQuery};
use vitalboard::rules::RoundInput;

use crate::support::{TestServer, caller, every_database};

async fn ward(db: &DatabaseConnection, name: &str) -> i32 {
    let admin = caller(db, "admin").await;
    vitalboard::accounts::wards::list_wards(db, &admin)
        .await
        .unwrap()
        .into_iter()
        .find(|w| w.name == name)
        .unwrap()
        .id
}

fn patient(first: &str, last: &str, number: &str, ward: i32) -> PatientInput {
    PatientInput {
        first_name: first.into(),
        last_name: last.into(),
        hospital_number: number.into(),
        ward_id: Some(ward.to_string()),
        admitted_at: Some("2026-01-10T08:00".into()),
        ..Default::default()
    }
}

fn round(at: &str, temperature: &str) -> RoundInput {
    RoundInput {
        measured_at: Some(at.into()),
        temperature_c: Some(temperature.into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn patients_list_search_page_and_change_with_history() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let conn = &server.state.db;
        let nurse = caller(conn, "nurse").await;
        let ward_a = ward(conn, "Dengue ward A").await;
        for (i, (first, last)) in [
            ("Ana", "Lopez"),
            ("Bao", "Tran"),
            ("Cai", "Tran"),
            ("Dung", "Le"),
            ("Eva", "Tranh"),
        ]
        .iter()
        .enumerate()
        {
            patients::create(
                conn,
                &nurse,
                patient(first, last, &format!("H-{i}"), ward_a),
            )
            .await
            .unwrap();
        }
        let page = |search: Option<&str>, page: u64| ListQuery {
            search: search.map(str::to_owned),
            status: Status::Admitted,
            page: Some(page),
            per_page: Some(2),
            ..Default::default()
        };
        let first = patients::list(conn, &nurse, page(None, 1)).await.unwrap();
        let second = patients::list(conn, &nurse, page(None, 2)).await.unwrap();
        assert_eq!(first.total, 5);
        let names: Vec<String> = first
            .items
            .iter()
            .chain(&second.items)
            .map(|p| p.full_name())
            .collect();
        assert_eq!(
            names,
            ["Le, Dung", "Lopez, Ana", "Tran, Bao", "Tran, Cai"],
            "stable order by name"
        );
        let found = patients::list(conn, &nurse, page(Some("TRAN"), 1))
            .await
            .unwrap();
        assert_eq!(found.total, 3, "case-insensitive search");
        let by_number = patients::list(conn, &nurse, page(Some("h-4"), 1))
            .await
            .unwrap();
        assert_eq!(by_number.items[0].values.first_name, "Eva");
        let wildcard = patients::list(conn, &nurse, page(Some("%"), 1))
            .await
            .unwrap();
        assert_eq!(wildcard.total, 0, "wildcards are matched literally");

        let eva = by_number.items[0].id;
        let mut changed = patient("Eva", "Tranh", "H-4", ward_a);
        changed.bed = Some("7".into());
        changed.monitoring_interval_hours = Some("2".into());
        let updated = patients::update(conn, &nurse, eva, changed).await.unwrap();
        assert_eq!(updated.values.monitoring_interval_hours, 2);
        let history = patients::history_of(conn, &nurse, eva, None, None)
            .await
            .unwrap()
            .items;
        assert_eq!(history[0].action, "update");
        assert_eq!(history[0].actor, "Nurse Linh Pham");
        let changes = history[0].changes();
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["bed", "monitoring_interval_hours"]);
        let older = patients::history_of(conn, &nurse, eva, Some(2), Some(1))
            .await
            .unwrap();
        assert_eq!((older.total, older.pages()), (2, 2));
        assert_eq!(older.items.len(), 1);
        assert_eq!(
            older.items[0].action, "create",
            "the admission is on page 2"
        );
        assert!(matches!(
            patients::history_of(conn, &nurse, eva, Some(0), Some(501)).await,
            Err(AppError::Invalid(errors)) if errors.len() == 2
        ));

        let duplicate = patients::create(conn, &nurse, patient("Fay", "Ng", "H-4", ward_a)).await;
        assert!(
            matches!(duplicate, Err(AppError::Conflict(_))),
            "{duplicate:?}"
        );

        let consultant = caller(conn, "consultant").await;
        let refused =
            patients::create(conn, &consultant, patient("Gia", "Vo", "H-9", ward_a)).await;
        assert!(matches!(refused, Err(AppError::Forbidden(_))));
        assert!(matches!(
            patients::delete(conn, &nurse, eva, "wrong patient").await,
            Err(AppError::Forbidden(_))
        ));
        let admin = caller(conn, "admin").await;
        patients::delete(conn, &admin, eva, "admitted twice")
            .await
            .unwrap();
        assert!(matches!(
            patients::get(conn, &admin, eva).await,
            Err(AppError::NotFound(_))
        ));
        let kept = vitalboard::history::service::of_patient(conn, eva, 1, 50)
            .await
            .unwrap()
            .items;
        assert_eq!(kept[0].action, "delete");
        assert_eq!(kept[0].reason.as_deref(), Some("admitted twice"));
        assert_eq!(kept.len(), 3, "create, update and delete are all kept");
        db.remove().await;
    }
}

#[tokio::test]
async fn rounds_record_range_correct_delete_and_batches_are_all_or_none() {
    for db in every_database().await {
        let server = TestServer::start(&db.url()).await;
        let conn = &server.state.db;
        let nurse = caller(conn, "nurse").await;
        let ward_a = ward(conn, "Dengue ward A").await;
        let p = patients::create(conn, &nurse, patient("Ana", "Lopez", "H-1", ward_a))
            .await
            .unwrap()
            .id;

        let batch = [
            round("2026-01-10T10:00", "38.9"),
            round("2026-01-10T14:00", "39.4"),
            round("2026-01-10T18:00", "38.1"),
        ];
        let recorded = rounds::record_many(conn, &nurse, p, &batch, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!(recorded.len(), 3);
        let bad_batch = [
            round("2026-01-11T10:00", "37.0"),
            round("2026-01-11T14:00", "51"),
        ];
        match rounds::record_many(conn, &nurse, p, &bad_batch, chrono::Utc::now()).await {
            Err(AppError::Invalid(errors)) => {
                assert_eq!(errors[0].field, "rounds[1].temperature_c")
            }
            other => panic!("expected invalid, got {other:?}"),
        }
        let query = |from: Option<&str>, to: Option<&str>| RangeQuery {
            from: from.map(|t| vitalboard::rules::parse_time(t, &Default::default()).unwrap()),
            to: to.map(|t| vitalboard::rules::parse_time(t, &Default::default()).unwrap()),
            ..Default::default()
        };
        let all = rounds::list(conn, &nurse, p, query(None, None))
            .await
            .unwrap();
        assert_eq!(all.total, 3, "the bad batch stored nothing");
        let afternoon = rounds::list(
            conn,
            &nurse,
            p,
            query(Some("2026-01-10T12:00"), Some("2026-01-10T23:00")),
        )
        .await
        .unwrap();
        let temps: Vec<f64> = afternoon
            .items
            .iter()
            .map(|r| r.values.temperature_c.unwrap())
            .collect();
        assert_eq!(temps, [38.1, 39.4]);

        let first = recorded[0].id;
        let no_reason = rounds::correct(
            conn,
            &nurse,
            first,
            " ",
            &round("2026-01-10T10:00", "37.9"),
            chrono::Utc::now(),
        )
        .await;
        assert!(matches!(no_reason, Err(AppError::Invalid(_))));
        let fixed = rounds::correct(
            conn,
            &nurse,
            first,
            "thermometer misread",
            &round("2026-01-10T10:00", "37.9"),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
        assert_eq!(fixed.values.temperature_c, Some(37.9));
        assert_eq!(
            rounds::get(conn, &nurse, first)
                .await
                .unwrap()
                .values
                .temperature_c,
            Some(37.9)
        );

        let admin = caller(conn, "admin").await;
        assert!(matches!(
            rounds::delete(conn, &nurse, first, "duplicate", chrono::Utc::now()).await,
            Err(AppError::Forbidden(_))
        ));
        rounds::delete(conn, &admin, first, "duplicate", chrono::Utc::now())
            .await
            .unwrap();
        assert!(matches!(
            rounds::get(conn, &nurse, first).await,
            Err(AppError::NotFound(_))
        ));

        let history = patients::history_of(conn, &nurse, p, None, None)
            .await
            .unwrap()
            .items;
        let actions: Vec<(&str, &str)> = history
            .iter()
            .map(|h| (h.entity.as_str(), h.action.as_str()))
            .collect();
        assert_eq!(
            actions,
            [
                ("round", "delete"),
                ("round", "update"),
                ("round", "create"),
                ("round", "create"),
                ("round", "create"),
                ("patient", "create")
            ]
        );
        assert_eq!(history[1].before.as_ref().unwrap()["temperature_c"], 38.9);
        assert_eq!(history[1].after.as_ref().unwrap()["temperature_c"], 37.9);
        assert_eq!(history[0].actor, "Administrator");
        db.remove().await;
    }
}

#[tokio::test]
async fn demo_data_is_deterministic_and_recorded_by_the_demo_users() {
    let db = crate::support::TestDb::sqlite();
    let server = TestServer::start(&db.url()).await;
    let conn = &server.state.db;
    assert_eq!(
        vitalboard::demo::ensure_patients(conn, 7).await.unwrap(),
        12
    );
    assert_eq!(
        vitalboard::demo::ensure_patients(conn, 7).await.unwrap(),
        0,
        "added once"
    );
    let admin = caller(conn, "admin").await;
    let all = patients::list(
        conn,
        &admin,
        ListQuery {
            status: Status::All,
            per_page: Some(50),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(all.total, 12);
    assert_eq!(
        all.items
            .iter()
            .filter(|p| p.discharged_at.is_some())
            .count(),
        1
    );
    let nurse = caller(conn, "nurse").await;
    let katherine = all
        .items
        .iter()
        .find(|p| p.values.first_name == "Katherine")
        .unwrap();
    let page = rounds::list(conn, &nurse, katherine.id, RangeQuery::default())
        .await
        .unwrap();
    assert!(page.total >= 20, "days of rounds");
    assert!(
        page.items
            .iter()
            .all(|r| r.recorded_by == "Nurse Linh Pham")
    );
}
