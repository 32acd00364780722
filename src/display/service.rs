//! Reading and saving each user's display preferences.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{DatabaseConnection, EntityTrait, Set};

use super::entity::preference;
use super::{Clock, Display, DisplayInput, TemperatureUnit};
use crate::accounts::Caller;
use crate::error::AppError;
use crate::vocabulary::Vocabulary;
use crate::zones;

/// What users who chose nothing see: °C and a 24-hour clock.
pub fn hospital() -> Display {
    Display {
        zone: zones::hospital().clone(),
        ..Display::default()
    }
}

/// The caller's display preferences; the hospital's for a caller without
/// an account of its own (an API token) or without a choice saved.
pub async fn of(db: &DatabaseConnection, caller: Option<&Caller>) -> Result<Display, AppError> {
    let Some(user) = caller.and_then(Caller::user_id) else {
        return Ok(hospital());
    };
    let Some(saved) = preference::Entity::find_by_id(user).one(db).await? else {
        return Ok(hospital());
    };
    Ok(Display {
        temperature: TemperatureUnit::parse(&saved.temperature_unit).unwrap_or_default(),
        clock: Clock::parse(&saved.clock).unwrap_or_default(),
        ..hospital()
    })
}

/// Saves the caller's display preferences after checking every field.
pub async fn save(
    db: &DatabaseConnection,
    caller: &Caller,
    input: DisplayInput,
) -> Result<Display, AppError> {
    let user = caller.user_id().ok_or_else(|| {
        AppError::Forbidden("Display preferences belong to user accounts, not API tokens.".into())
    })?;
    let choice = input.parse()?;
    let row = preference::ActiveModel {
        user_id: Set(user),
        temperature_unit: Set(choice.temperature.code().to_owned()),
        clock: Set(choice.clock.code().to_owned()),
        updated_at: Set(Utc::now()),
    };
    preference::Entity::insert(row)
        .on_conflict(
            OnConflict::column(preference::Column::UserId)
                .update_columns([
                    preference::Column::TemperatureUnit,
                    preference::Column::Clock,
                    preference::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    of(db, Some(caller)).await
}
