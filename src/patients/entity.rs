use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "patients")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub ward_id: i32,
    pub first_name: String,
    pub last_name: String,
    pub hospital_number: String,
    pub admission_number: Option<String>,
    pub birth_date: Option<Date>,
    pub sex: String,
    pub bed: Option<String>,
    pub admitted_at: DateTimeUtc,
    pub discharged_at: Option<DateTimeUtc>,
    pub monitoring_interval_hours: i32,
    pub spo2_scale2: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The dengue phase as last assessed (`febrile`, `critical`, …).
    pub phase: Option<String>,
    pub phase_reason: Option<String>,
    pub phase_since: Option<DateTimeUtc>,
    /// A phase set by hand, as JSON, until cleared.
    pub manual_phase: Option<String>,
    pub news2_total: Option<i32>,
    pub news2_band: Option<String>,
    /// The newest value of each NEWS2 parameter, as JSON.
    pub observations: Option<String>,
    pub last_round_at: Option<DateTimeUtc>,
    /// What the rules keep of the stay's rounds (`rules::course::Course`),
    /// as JSON; none until assessed, or after a change that needs the
    /// rounds read again.
    pub course: Option<String>,
    /// A hematocrit a clinician entered on admission (e.g. from an earlier
    /// visit), %, which the leakage rule compares with.
    #[sea_orm(column_type = "Double", nullable)]
    pub baseline_hematocrit_percent: Option<f64>,
    /// The stale and missing NEWS2 parameters and the fluid targets of the
    /// stored status (`StatusDetails`), as JSON.
    pub status_details: Option<String>,
    /// Whether the NEWS2 after each of its rounds is stored with them;
    /// false for a stay recorded before the rounds carried it, until it is
    /// scored at start.
    pub rounds_summed: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
