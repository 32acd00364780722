//! Demo mode: wards and one account per role, so a newcomer can sign in
//! at once. The README lists these names and passwords.

use sea_orm::DatabaseConnection;

use crate::accounts::Role;
use crate::accounts::service::{DemoAccount, ensure_demo_accounts};
use crate::error::AppError;

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

/// Creates whatever of the demo data is missing.
pub async fn ensure(db: &DatabaseConnection) -> Result<(), AppError> {
    ensure_demo_accounts(db, &WARDS, &ACCOUNTS).await
}
