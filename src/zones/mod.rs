//! Time zones as the screens and rules need them: offset tables, so the
//! browser converts times exactly as the server does, and (on the server)
//! the hospital's zone that every time is read and shown in.

#[cfg(feature = "ssr")]
mod tables;

use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[cfg(feature = "ssr")]
pub use tables::{exists, hospital, set_hospital};

/// The offset from UTC in force from an instant on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ZoneSpan {
    /// Unix seconds from which this offset applies.
    pub from: i64,
    pub offset_seconds: i32,
    /// What the time is called then, e.g. `CET`, `+07`.
    pub abbreviation: String,
}

/// A time zone as the screens need it: its name and the offsets in force
/// over the years a hospital's records span, so the browser converts times
/// exactly as the server does without a time zone database of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Zone {
    pub name: String,
    /// Oldest first; the first also applies before it starts.
    pub spans: Vec<ZoneSpan>,
}

impl Default for Zone {
    fn default() -> Self {
        Zone::fixed("UTC", 0)
    }
}

impl Zone {
    /// A zone whose offset never changes, e.g. `Zone::fixed("+07", 7 * 3600)`.
    pub fn fixed(name: &str, offset_seconds: i32) -> Self {
        Zone {
            name: name.to_owned(),
            spans: vec![ZoneSpan {
                from: i64::MIN,
                offset_seconds,
                abbreviation: name.to_owned(),
            }],
        }
    }

    fn span(&self, t: DateTime<Utc>) -> Option<&ZoneSpan> {
        let next = self.spans.partition_point(|s| s.from <= t.timestamp());
        self.spans.get(next.saturating_sub(1))
    }

    /// The offset from UTC at `t`.
    pub fn offset(&self, t: DateTime<Utc>) -> FixedOffset {
        let seconds = self.span(t).map_or(0, |s| s.offset_seconds);
        FixedOffset::east_opt(seconds).unwrap_or(FixedOffset::east_opt(0).expect("zero offset"))
    }

    /// The wall-clock time of this zone at `t`.
    pub fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&self.offset(t)).naive_local()
    }

    /// What the time is called at `t`.
    pub fn abbreviation(&self, t: DateTime<Utc>) -> &str {
        self.span(t).map_or("UTC", |s| s.abbreviation.as_str())
    }

    /// The zone's name, with what its time is called at `t` when that
    /// differs, e.g. `Europe/Berlin (CET)`.
    pub fn label(&self, t: DateTime<Utc>) -> String {
        match self.abbreviation(t) {
            same if same == self.name => same.to_owned(),
            other => format!("{} ({other})", self.name),
        }
    }

    /// The instant a wall-clock time of this zone names. When clocks go
    /// back and the time happens twice, the later one; a time skipped when
    /// clocks go forward is read with the offset before the change.
    pub fn instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let as_utc = local.and_utc();
        let first = as_utc - Duration::seconds(self.offset(as_utc).local_minus_utc().into());
        as_utc - Duration::seconds(self.offset(first).local_minus_utc().into())
    }
}
