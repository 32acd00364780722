//! Database schema of vitalboard. The server applies pending migrations at
//! start-up; the same migrations run on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261130_000001_schema_info;
mod m20261130_000002_accounts;
mod m20261130_000003_clinical_records;
mod m20261130_000004_live_events;
mod m20261130_000005_clinical_alerts;
mod m20261130_000006_display_preferences;
mod m20261201_000007_trust;
mod m20261201_000008_course;
mod m20261201_000009_alerts;
mod m20261201_000010_source_identifiers;
mod m20261202_000011_notification_priority;
mod m20261204_000012_round_summaries;

/// Every migration of the schema, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261130_000001_schema_info::Migration),
            Box::new(m20261130_000002_accounts::Migration),
            Box::new(m20261130_000003_clinical_records::Migration),
            Box::new(m20261130_000004_live_events::Migration),
            Box::new(m20261130_000005_clinical_alerts::Migration),
            Box::new(m20261130_000006_display_preferences::Migration),
            Box::new(m20261201_000007_trust::Migration),
            Box::new(m20261201_000008_course::Migration),
            Box::new(m20261201_000009_alerts::Migration),
            Box::new(m20261201_000010_source_identifiers::Migration),
            Box::new(m20261202_000011_notification_priority::Migration),
            Box::new(m20261204_000012_round_summaries::Migration),
        ]
    }
}
