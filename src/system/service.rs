use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

use super::{DatabaseStatus, StatusReport};
use crate::error::AppError;
use crate::platform::db::backend_name;

/// Asks the database whether it answers and how far its schema is migrated.
pub async fn status(db: &DatabaseConnection) -> Result<StatusReport, AppError> {
    db.ping().await?;
    let migrations = Migrator::get_applied_migrations(db).await?.len();
    Ok(StatusReport {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database: DatabaseStatus {
            state: "up".to_owned(),
            backend: backend_name(db).to_owned(),
            migrations,
        },
        server_time: chrono::Utc::now(),
    })
}
