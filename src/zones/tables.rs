//! Time zones from the IANA database, turned into the offset tables the
//! screens use, and the hospital's zone that every time is read and shown in.

use std::str::FromStr;
use std::sync::OnceLock;

use chrono::{DateTime, Duration, Offset, TimeZone, Utc};
use chrono_tz::{OffsetName, Tz};

use super::{Zone, ZoneSpan};

/// Years covered by a zone's table; times outside keep the nearest offset.
const FIRST_YEAR: i32 = 2000;
const LAST_YEAR: i32 = 2045;

/// Whether `name` is a time zone of the IANA database.
pub fn exists(name: &str) -> bool {
    Tz::from_str(name).is_ok()
}

static HOSPITAL: OnceLock<Zone> = OnceLock::new();

/// Makes `name` the hospital's zone for the rest of the process; the first
/// setting stays (the configuration is read once, at start-up). A name
/// that is no zone is refused.
pub fn set_hospital(name: &str) -> Result<(), String> {
    let tz = Tz::from_str(name).map_err(|_| format!("'{name}' is not a time zone name"))?;
    let _ = HOSPITAL.set(table(tz));
    Ok(())
}

/// The hospital's zone: UTC until set.
pub fn hospital() -> &'static Zone {
    HOSPITAL.get_or_init(Zone::default)
}

fn span_at(tz: Tz, at: DateTime<Utc>) -> (i32, String) {
    let offset = tz.offset_from_utc_datetime(&at.naive_utc());
    let seconds = offset.fix().local_minus_utc();
    let name = offset
        .abbreviation()
        .map(str::to_owned)
        .unwrap_or_else(|| offset.fix().to_string());
    (seconds, name)
}

/// Walks the years a day at a time and pins each change of offset or
/// name to the second.
fn table(tz: Tz) -> Zone {
    let start = Utc
        .with_ymd_and_hms(FIRST_YEAR, 1, 1, 0, 0, 0)
        .single()
        .expect("valid start");
    let end = Utc
        .with_ymd_and_hms(LAST_YEAR, 12, 31, 0, 0, 0)
        .single()
        .expect("valid end");
    let (offset_seconds, abbreviation) = span_at(tz, start);
    let mut spans = vec![ZoneSpan {
        from: i64::MIN,
        offset_seconds,
        abbreviation,
    }];
    let mut before = start;
    while before < end {
        let after = before + Duration::days(1);
        let current = span_at(tz, after);
        let last = spans.last().expect("one span at least");
        if (last.offset_seconds, &last.abbreviation) != (current.0, &current.1) {
            // The change lies in (before, after]: halve until exact.
            let (mut lo, mut hi) = (before.timestamp(), after.timestamp());
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                let at = DateTime::from_timestamp(mid, 0).expect("in range");
                if span_at(tz, at) == current {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            spans.push(ZoneSpan {
                from: hi,
                offset_seconds: current.0,
                abbreviation: current.1,
            });
        }
        before = after;
    }
    Zone {
        name: tz.name().to_owned(),
        spans,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Zone {
        table(Tz::from_str(name).unwrap())
    }

    #[test]
    fn a_zone_without_summer_time_is_one_span() {
        let saigon = zone("Asia/Ho_Chi_Minh");
        assert_eq!(saigon.spans.len(), 1);
        assert_eq!(saigon.spans[0].offset_seconds, 7 * 3600);
        let t = Utc.with_ymd_and_hms(2026, 11, 30, 14, 5, 0).unwrap();
        assert_eq!(saigon.local(t).format("%H:%M").to_string(), "21:05");
        assert!(set_hospital("Mars/Olympus").is_err());
        assert!(exists("Europe/Berlin") && !exists("Berlin"));
    }

    #[test]
    fn summer_time_changes_at_the_exact_second() {
        let berlin = zone("Europe/Berlin");
        let change = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        let second = Duration::seconds(1);
        assert_eq!(berlin.abbreviation(change - second), "CET");
        assert_eq!(berlin.abbreviation(change), "CEST");
        assert_eq!(berlin.offset(change).local_minus_utc(), 7200);
        let autumn = Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap();
        assert_eq!(berlin.offset(autumn - second).local_minus_utc(), 7200);
        assert_eq!(berlin.offset(autumn).local_minus_utc(), 3600);
        assert!(
            (90..=100).contains(&berlin.spans.len()),
            "two changes a year: {}",
            berlin.spans.len()
        );
    }
}
