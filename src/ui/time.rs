use chrono::{DateTime, Utc};

/// A timestamp as shown in the UI, e.g. `2026-11-30 14:05:09 UTC`.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn shows_date_time_and_zone() {
        let t = Utc.with_ymd_and_hms(2026, 11, 30, 14, 5, 9).unwrap();
        assert_eq!(format_time(t), "2026-11-30 14:05:09 UTC");
    }
}
