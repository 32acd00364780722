//! How times and temperatures are shown. Times are in the hospital's time
//! zone for everyone, so a nurse on the ward and a consultant abroad speak
//! of the same "03:00 round"; each user chooses the temperature unit and a
//! 12- or 24-hour clock. Every screen formats through [`Display`], on the
//! server and in the browser alike, so both render the same text.

pub mod api;
#[cfg(feature = "ssr")]
pub mod entity;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{AppError, FieldError};
use crate::vocabulary::Vocabulary;
use crate::zones::Zone;

/// The unit temperatures are shown in; they are stored in °C.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
pub enum TemperatureUnit {
    #[default]
    #[serde(rename = "C")]
    #[strum(serialize = "C")]
    Celsius,
    #[serde(rename = "F")]
    #[strum(serialize = "F")]
    Fahrenheit,
}

impl TemperatureUnit {
    pub fn symbol(self) -> &'static str {
        match self {
            TemperatureUnit::Celsius => "°C",
            TemperatureUnit::Fahrenheit => "°F",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TemperatureUnit::Celsius => "Celsius (°C)",
            TemperatureUnit::Fahrenheit => "Fahrenheit (°F)",
        }
    }

    /// A temperature in °C expressed in this unit.
    pub fn from_celsius(self, celsius: f64) -> f64 {
        match self {
            TemperatureUnit::Celsius => celsius,
            TemperatureUnit::Fahrenheit => celsius * 9.0 / 5.0 + 32.0,
        }
    }
}

/// How times of day are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[derive(strum::EnumIter, strum::IntoStaticStr, strum::EnumString)]
pub enum Clock {
    #[default]
    #[serde(rename = "24")]
    #[strum(serialize = "24")]
    H24,
    #[serde(rename = "12")]
    #[strum(serialize = "12")]
    H12,
}

impl Clock {
    pub fn label(self) -> &'static str {
        match self {
            Clock::H24 => "24-hour (21:05)",
            Clock::H12 => "12-hour (9:05 pm)",
        }
    }
}

/// A user's display preferences with the hospital's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
pub struct Display {
    pub temperature: TemperatureUnit,
    pub clock: Clock,
    pub zone: Zone,
}

impl Display {
    /// A time of day, e.g. `21:05` or `9:05 pm`.
    pub fn time_of_day(&self, t: DateTime<Utc>) -> String {
        let local = self.zone.local(t);
        match self.clock {
            Clock::H24 => local.format("%H:%M").to_string(),
            Clock::H12 => local.format("%-I:%M %P").to_string(),
        }
    }

    /// A date and time with the zone, e.g. `2026-11-30 21:05 +07`.
    pub fn time(&self, t: DateTime<Utc>) -> String {
        format!(
            "{} {} {}",
            self.zone.local(t).format("%Y-%m-%d"),
            self.time_of_day(t),
            self.zone.abbreviation(t)
        )
    }

    /// A day, e.g. `30 Nov`.
    pub fn day(&self, t: DateTime<Utc>) -> String {
        self.zone.local(t).format("%d %b").to_string()
    }

    /// The value of a `datetime-local` field showing `t`.
    pub fn input(&self, t: DateTime<Utc>) -> String {
        self.zone.local(t).format("%Y-%m-%dT%H:%M:%S").to_string()
    }

    /// A temperature stored in °C, in the chosen unit.
    pub fn temperature(&self, celsius: f64) -> f64 {
        self.temperature.from_celsius(celsius)
    }

    /// A temperature stored in °C as a number in the chosen unit, e.g. `101.1`.
    pub fn temperature_value(&self, celsius: f64) -> String {
        format!("{:.1}", self.temperature(celsius))
    }

    /// A temperature stored in °C with the chosen unit, e.g. `101.1 °F`.
    pub fn temperature_text(&self, celsius: f64) -> String {
        format!(
            "{} {}",
            self.temperature_value(celsius),
            self.temperature.symbol()
        )
    }
}

/// Display preferences as the settings form sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DisplayInput {
    pub temperature_unit: String,
    pub clock: String,
}

/// Checked display preferences, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayChoice {
    pub temperature: TemperatureUnit,
    pub clock: Clock,
}

impl DisplayInput {
    /// Checks every field.
    pub fn parse(&self) -> Result<DisplayChoice, AppError> {
        let mut errors = Vec::new();
        let temperature = TemperatureUnit::parse(self.temperature_unit.trim());
        if temperature.is_none() {
            errors.push(FieldError::new(
                "temperature_unit",
                "must be C (Celsius) or F (Fahrenheit)",
            ));
        }
        let clock = Clock::parse(self.clock.trim());
        if clock.is_none() {
            errors.push(FieldError::new("clock", "must be 24 or 12"));
        }
        match (temperature, clock) {
            (Some(temperature), Some(clock)) => Ok(DisplayChoice { temperature, clock }),
            _ => Err(AppError::Invalid(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zones::ZoneSpan;
    use chrono::TimeZone;

    /// Central European time around the change to summer time on
    /// 2026-03-29 at 01:00 UTC.
    fn berlin() -> Zone {
        let change = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        Zone {
            name: "Europe/Berlin".into(),
            spans: vec![
                ZoneSpan {
                    from: i64::MIN,
                    offset_seconds: 3600,
                    abbreviation: "CET".into(),
                },
                ZoneSpan {
                    from: change.timestamp(),
                    offset_seconds: 7200,
                    abbreviation: "CEST".into(),
                },
            ],
        }
    }

    #[test]
    fn times_are_shown_in_the_zone_with_its_name() {
        let display = Display {
            zone: berlin(),
            ..Display::default()
        };
        let winter = Utc.with_ymd_and_hms(2026, 3, 28, 23, 30, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap();
        assert_eq!(display.time(winter), "2026-03-29 00:30 CET");
        assert_eq!(display.time(summer), "2026-03-29 03:30 CEST");
        assert_eq!(display.day(winter), "29 Mar");
        assert_eq!(display.zone.label(summer), "Europe/Berlin (CEST)");
        assert_eq!(Zone::default().label(summer), "UTC");
        assert_eq!(display.input(summer), "2026-03-29T03:30:00");
        let utc = Display::default();
        assert_eq!(utc.time(summer), "2026-03-29 01:30 UTC");
    }

    #[test]
    fn the_twelve_hour_clock_marks_morning_and_afternoon() {
        let display = Display {
            clock: Clock::H12,
            ..Display::default()
        };
        let at = |h, m| Utc.with_ymd_and_hms(2026, 11, 30, h, m, 0).unwrap();
        assert_eq!(display.time_of_day(at(0, 5)), "12:05 am");
        assert_eq!(display.time_of_day(at(9, 5)), "9:05 am");
        assert_eq!(display.time_of_day(at(12, 0)), "12:00 pm");
        assert_eq!(display.time_of_day(at(21, 5)), "9:05 pm");
        assert_eq!(display.time(at(21, 5)), "2026-11-30 9:05 pm UTC");
    }

    #[test]
    fn wall_clock_times_name_one_instant() {
        let zone = berlin();
        let local = |d, h, m| {
            chrono::NaiveDate::from_ymd_opt(2026, 3, d)
                .unwrap()
                .and_hms_opt(h, m, 0)
                .unwrap()
        };
        assert_eq!(
            zone.instant(local(28, 12, 0)),
            Utc.with_ymd_and_hms(2026, 3, 28, 11, 0, 0).unwrap()
        );
        assert_eq!(
            zone.instant(local(29, 12, 0)),
            Utc.with_ymd_and_hms(2026, 3, 29, 10, 0, 0).unwrap()
        );
        for t in [local(28, 23, 59), local(29, 4, 0)] {
            assert_eq!(zone.local(zone.instant(t)), t, "round trip of {t}");
        }
    }

    #[test]
    fn temperatures_are_written_in_the_chosen_unit() {
        let celsius = Display::default();
        let fahrenheit = Display {
            temperature: TemperatureUnit::Fahrenheit,
            ..Display::default()
        };
        assert_eq!(celsius.temperature_text(38.4), "38.4 °C");
        assert_eq!(celsius.temperature_text(39.0), "39.0 °C");
        assert_eq!(fahrenheit.temperature_text(38.4), "101.1 °F");
    }

    #[test]
    fn temperatures_convert_to_fahrenheit() {
        assert_eq!(TemperatureUnit::Celsius.from_celsius(38.0), 38.0);
        assert!((TemperatureUnit::Fahrenheit.from_celsius(38.0) - 100.4).abs() < 1e-9);
        assert!((TemperatureUnit::Fahrenheit.from_celsius(36.0) - 96.8).abs() < 1e-9);
    }

    #[test]
    fn bad_preferences_name_every_field() {
        let input = DisplayInput {
            temperature_unit: "K".into(),
            clock: "13".into(),
        };
        let Err(AppError::Invalid(errors)) = input.parse() else {
            panic!("accepted");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["temperature_unit", "clock"]);
        let good = DisplayInput {
            temperature_unit: " F".into(),
            clock: "12".into(),
        };
        assert_eq!(
            good.parse().unwrap(),
            DisplayChoice {
                temperature: TemperatureUnit::Fahrenheit,
                clock: Clock::H12,
            }
        );
    }
}
