//! The retry policy: which answers are worth another attempt, how long to wait before it, and
//! the error that says every attempt failed.

use crate::error::Error;
use crate::text::s;
use std::time::{Duration, SystemTime};

/// The longest wait a `Retry-After` header may impose on one retry.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
const BACKOFF_BASE: Duration = Duration::from_millis(250);
const BACKOFF_CAP: Duration = Duration::from_secs(8);

/// What to do after one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Disposition {
    Retry,
    Fail,
}

/// Which answers are worth another attempt. Both of our writes are PUTs of an absolute state
/// (a member status), so sending one twice cannot do anything the first did not: retrying
/// them is as safe as retrying a GET. IMG.0060 is IMS's "too many tasks, retry later" (a 400).
pub(crate) fn disposition(status: u16, code: Option<&str>) -> Disposition {
    match status {
        408 | 429 | 500 | 502 | 503 | 504 => Disposition::Retry,
        400 if code == Some("IMG.0060") => Disposition::Retry,
        _ => Disposition::Fail,
    }
}

/// Exponential backoff with jitter (between half and all of the step), or the server's
/// `Retry-After`, capped, when it sent one.
pub(crate) fn backoff(attempt: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
    if let Some(after) = retry_after {
        return after.min(MAX_RETRY_AFTER);
    }
    let step = BACKOFF_BASE
        .saturating_mul(1u32 << attempt.min(16))
        .min(BACKOFF_CAP);
    step.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

/// `Retry-After` in seconds or as an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

/// The error after the last attempt: every attempt listed, the last one's hint kept.
/// The error after the last attempt: every attempt listed (identical ones counted, not
/// repeated), then what the service said last, with the last one's hint.
pub(crate) fn exhausted(what: &str, tried: &[String], last: Error) -> Error {
    let (hint, said) = match last {
        Error::Unavailable { hint, message } => (hint, message),
        _ => (None, String::new()),
    };
    let attempts = tried.len();
    let mut runs: Vec<(&str, usize)> = Vec::new();
    for t in tried {
        match runs.last_mut() {
            Some((prev, n)) if *prev == t.as_str() => *n += 1,
            _ => runs.push((t, 1)),
        }
    }
    let list = runs
        .iter()
        .map(|(t, n)| {
            if *n == 1 {
                t.to_string()
            } else {
                format!("{t} ({n} times)")
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    let said = if said.is_empty() {
        String::new()
    } else {
        format!("; the last answer: {said}")
    };
    Error::Unavailable {
        message: format!(
            "{what} failed after {attempts} attempt{}: {list}{said}",
            s(attempts)
        ),
        hint: hint.or_else(|| {
            Some("the service is unreachable or failing; try again later, or raise --retries / --request-timeout".into())
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_retried() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert_eq!(disposition(s, None), Disposition::Retry, "{s}");
        }
        assert_eq!(disposition(400, Some("IMG.0060")), Disposition::Retry);
        for s in [400, 401, 403, 404, 409] {
            assert_eq!(disposition(s, Some("IMG.0027")), Disposition::Fail, "{s}");
        }
    }

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        assert_eq!(backoff(0, None, 1.0), Duration::from_millis(250));
        assert_eq!(backoff(0, None, 0.0), Duration::from_millis(125));
        assert_eq!(backoff(2, None, 1.0), Duration::from_secs(1));
        assert_eq!(backoff(30, None, 1.0), BACKOFF_CAP);
        assert_eq!(
            backoff(0, Some(Duration::from_secs(2)), 0.3),
            Duration::from_secs(2)
        );
        assert_eq!(
            backoff(0, Some(Duration::from_secs(3600)), 0.3),
            MAX_RETRY_AFTER
        );
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = httpdate::parse_http_date("Mon, 23 Nov 2026 10:00:00 GMT").unwrap();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Mon, 23 Nov 2026 10:00:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
