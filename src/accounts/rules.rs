//! Input rules for accounts and the sign-in throttle, as pure functions.

use chrono::{DateTime, Duration, Utc};

use crate::error::{AppError, FieldError};

pub const USERNAME_MAX: usize = 64;
pub const DISPLAY_NAME_MAX: usize = 120;
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 256;
pub const WARD_NAME_MAX: usize = 80;
pub const TOKEN_NAME_MAX: usize = 120;

/// Failed sign-ins of one username from one client address that lock
/// that username on that address (other addresses can still sign in).
pub const LOCKOUT_FAILURES: usize = 5;
/// Failed sign-ins from one client address, for any usernames, that lock
/// the address (a burst of guesses over many usernames).
pub const ADDRESS_FAILURES: usize = 50;
/// The window those failures must fall in, and how long the lock lasts.
pub const LOCKOUT_WINDOW_MINUTES: i64 = 15;

/// Collects field errors; `finish` turns them into one `AppError`.
#[derive(Default)]
pub struct Checks(Vec<FieldError>);

impl Checks {
    pub fn add(&mut self, result: Result<(), FieldError>) -> &mut Self {
        if let Err(e) = result {
            self.0.push(e);
        }
        self
    }

    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.0))
        }
    }
}

/// Usernames: 1–64 characters of a–z, A–Z, 0–9, `.`, `_` or `-`.
pub fn check_username(username: &str) -> Result<(), FieldError> {
    let error = |m: &str| Err(FieldError::new("username", m));
    if username.is_empty() {
        return error("is required");
    }
    if username.chars().count() > USERNAME_MAX {
        return error(&format!("must be at most {USERNAME_MAX} characters"));
    }
    if !username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return error("may contain only letters a–z, digits and . _ -");
    }
    Ok(())
}

/// A free-text name (display name, ward, token): required, bounded, no
/// control characters.
pub fn check_name(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    let error = |m: String| Err(FieldError::new(field, m));
    if value.trim().is_empty() {
        return error("is required".into());
    }
    if value.chars().count() > max {
        return error(format!("must be at most {max} characters"));
    }
    if value.chars().any(char::is_control) {
        return error("must not contain control characters".into());
    }
    Ok(())
}

/// Passwords: 10–256 characters.
pub fn check_password(field: &str, password: &str) -> Result<(), FieldError> {
    let length = password.chars().count();
    if length < PASSWORD_MIN {
        return Err(FieldError::new(
            field,
            format!("must be at least {PASSWORD_MIN} characters"),
        ));
    }
    if length > PASSWORD_MAX {
        return Err(FieldError::new(
            field,
            format!("must be at most {PASSWORD_MAX} characters"),
        ));
    }
    Ok(())
}

/// The case-insensitive key a username is unique by.
pub fn username_key(username: &str) -> String {
    username.trim().to_lowercase()
}

/// When a username locked by failed sign-ins may try again, given its
/// recent failure times (any order); `None` when it is not locked.
pub fn locked_until(failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let window = Duration::minutes(LOCKOUT_WINDOW_MINUTES);
    let mut times = failures.to_vec();
    times.sort();
    times
        .windows(LOCKOUT_FAILURES)
        .filter(|run| run[LOCKOUT_FAILURES - 1] - run[0] <= window)
        .map(|run| run[LOCKOUT_FAILURES - 1] + window)
        .filter(|until| *until > now)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(check_username("nurse.ana-2_b").is_ok());
        assert!(check_username("").is_err());
        assert!(check_username(&"a".repeat(65)).is_err());
        assert!(check_username("ana maria").is_err());
        assert!(check_username("José").is_err());
        assert!(check_username("x'; DROP TABLE users;--").is_err());
        assert_eq!(
            check_username(&"a".repeat(10_000)).unwrap_err().message,
            "must be at most 64 characters"
        );
    }

    #[test]
    fn names_allow_unicode_but_not_control_characters() {
        assert!(check_name("display_name", "Nguyễn Thị Ánh <b>", 120).is_ok());
        assert!(check_name("display_name", "   ", 120).is_err());
        assert!(check_name("display_name", "a\u{0}b", 120).is_err());
        assert!(check_name("display_name", &"é".repeat(121), 120).is_err());
    }

    #[test]
    fn passwords() {
        assert!(check_password("password", "123456789").is_err());
        assert!(check_password("password", "1234567890").is_ok());
        assert!(check_password("password", &"x".repeat(257)).is_err());
    }

    #[test]
    fn username_keys_ignore_case() {
        assert_eq!(username_key(" Nurse "), "nurse");
    }

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minute)
    }

    #[test]
    fn four_failures_do_not_lock() {
        let failures = [at(0), at(1), at(2), at(3)];
        assert_eq!(locked_until(&failures, at(4)), None);
    }

    #[test]
    fn five_failures_within_fifteen_minutes_lock_for_fifteen_minutes() {
        let failures = [at(0), at(3), at(6), at(9), at(12)];
        assert_eq!(locked_until(&failures, at(12)), Some(at(27)));
        assert_eq!(locked_until(&failures, at(26)), Some(at(27)));
        assert_eq!(locked_until(&failures, at(27)), None);
    }

    #[test]
    fn five_failures_spread_wider_than_the_window_do_not_lock() {
        let failures = [at(0), at(4), at(8), at(12), at(16)];
        assert_eq!(locked_until(&failures, at(16)), None);
    }
}
