use sea_orm::entity::prelude::*;

/// A round as stored; units are in the column names.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "rounds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub patient_id: i32,
    pub measured_at: DateTimeUtc,
    pub shift: String,
    pub day_of_fever: Option<i32>,
    pub recorded_by: Option<i32>,
    pub recorded_by_name: String,
    pub temperature_c: Option<f64>,
    pub pulse_per_min: Option<i32>,
    pub respiration_per_min: Option<i32>,
    pub systolic_mmhg: Option<i32>,
    pub diastolic_mmhg: Option<i32>,
    pub spo2_percent: Option<i32>,
    pub on_oxygen: Option<bool>,
    pub consciousness: Option<String>,
    pub intake_oral_ml: Option<i32>,
    pub intake_iv_ml: Option<i32>,
    pub intake_other_ml: Option<i32>,
    pub output_urine_ml: Option<i32>,
    pub output_emesis_ml: Option<i32>,
    pub output_drainage_ml: Option<i32>,
    pub output_other_ml: Option<i32>,
    pub hematocrit_percent: Option<f64>,
    pub platelets_k_per_ul: Option<f64>,
    pub wbc_k_per_ul: Option<f64>,
    pub pain_score: Option<i32>,
    pub abdominal_circumference_cm: Option<f64>,
    pub weight_kg: Option<f64>,
    pub warning_signs: String,
    pub clinical_notes: Option<String>,
    pub medical_advice: Option<String>,
    /// NEWS2 after this round, from the newest value of each parameter up
    /// to it, on SpO2 scale 1 and on scale 2; none when the round measured
    /// no NEWS2 parameter.
    pub news2: Option<i16>,
    pub news2_scale2: Option<i16>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
