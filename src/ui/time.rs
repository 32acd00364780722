use chrono::{DateTime, Utc};

/// How long ago `t` was, e.g. `2 h 05 min ago`, `just now`.
pub fn ago(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if (now - t).num_minutes() < 1 {
        return "just now".to_owned();
    }
    format!("{} ago", crate::rules::lasting(now - t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ago_reads_at_a_glance() {
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 14, 0, 0).unwrap();
        let before = |minutes| now - chrono::Duration::minutes(minutes);
        assert_eq!(ago(now, now), "just now");
        assert_eq!(ago(now + chrono::Duration::minutes(3), now), "just now");
        assert_eq!(ago(before(59), now), "59 min ago");
        assert_eq!(ago(before(125), now), "2 h 05 min ago");
        assert_eq!(ago(before(3 * 24 * 60), now), "3 days ago");
    }
}
