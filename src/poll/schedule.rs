//! When to ask about a job again: a pure function of how long it has run.
//!
//! The gap after a poll at time t is 0.3 s + t/4, capped by `--interval`. A job that finishes
//! at time T is therefore seen at most 0.3 s + T/4 later (the gap that straddles T started
//! before T), within the goal of 0.5 s + T/4; the first poll comes after 0.3 s, so a job of a
//! couple of seconds is seen finished within half a second. With the default 10 s interval a
//! 60 s job takes 18 polls.

use std::time::Duration;

const FIRST_GAP: Duration = Duration::from_millis(300);
const MIN_GAP: Duration = Duration::from_millis(50);

/// The pause before the next poll of a job that has been running for `elapsed`.
pub(crate) fn next_gap(elapsed: Duration, interval: Duration) -> Duration {
    (FIRST_GAP + elapsed / 4).min(interval).max(MIN_GAP)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poll_times(job_length: Duration, interval: Duration) -> Vec<Duration> {
        let mut t = Duration::ZERO;
        let mut polls = Vec::new();
        loop {
            t += next_gap(t, interval);
            polls.push(t);
            if t >= job_length {
                return polls;
            }
        }
    }

    #[test]
    fn first_poll_is_quick_and_gaps_grow_to_the_interval() {
        let interval = Duration::from_secs(10);
        assert_eq!(
            next_gap(Duration::ZERO, interval),
            Duration::from_millis(300)
        );
        assert!(
            next_gap(Duration::from_secs(4), interval) > next_gap(Duration::from_secs(1), interval)
        );
        assert_eq!(next_gap(Duration::from_secs(600), interval), interval);
        assert_eq!(
            next_gap(Duration::ZERO, Duration::from_millis(200)),
            Duration::from_millis(200)
        );
    }

    #[test]
    fn overshoot_stays_within_half_a_second_plus_a_quarter() {
        let interval = Duration::from_secs(10);
        for tenths in 1..=1200u64 {
            let length = Duration::from_millis(tenths * 100);
            let seen_at = *poll_times(length, interval).last().unwrap();
            let overshoot = seen_at - length;
            let allowed = Duration::from_millis(300) + length / 4;
            assert!(
                overshoot <= allowed,
                "job of {length:?}: seen {overshoot:?} late"
            );
        }
    }

    #[test]
    fn a_minute_long_job_takes_at_most_twenty_polls() {
        let polls = poll_times(Duration::from_secs(60), Duration::from_secs(10));
        assert!(polls.len() <= 20, "{} polls", polls.len());
        assert_eq!(polls.len(), 18);
    }
}
