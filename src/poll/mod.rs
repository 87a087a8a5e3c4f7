//! Waiting for IMS jobs: one loop polls every job on its own schedule, several at once, until
//! each has succeeded or failed, the deadline passes, Ctrl-C comes, or an error makes waiting
//! pointless. `wait`, `status --job` and the waiting half of a batch accept all use it.

mod schedule;
mod tracked;

pub(crate) use schedule::next_gap;
pub(crate) use tracked::Tracked;

use crate::api::ims;
use crate::api::session::Session;
use crate::domain::{JobId, JobStatus};
use crate::error::Error;
use crate::output::Output;
use crate::sync::lock;
use crate::text::s;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Jobs polled at once.
const POLL_CONCURRENCY: usize = 8;

pub(crate) type Jobs = Arc<Mutex<Vec<Tracked>>>;

#[derive(Debug)]
pub(crate) enum WaitEnd {
    AllDone,
    TimedOut,
    Interrupted,
    Fatal(Error),
}

fn short(id: &JobId) -> &str {
    let s = id.as_str();
    &s[..s.len().min(8)]
}

fn spinner_message(jobs: &[Tracked], started: Instant) -> String {
    let running: Vec<&Tracked> = jobs.iter().filter(|t| !t.done()).collect();
    let ids: Vec<&str> = running.iter().take(3).map(|t| short(&t.job)).collect();
    let more = running.len().saturating_sub(3);
    let percent = running
        .iter()
        .filter_map(|t| t.last.as_ref().and_then(|j| j.process_percent))
        .fold(None, |acc: Option<f64>, p| {
            Some(acc.map_or(p, |a| a.min(p)))
        });
    format!(
        "waiting for {} job{} ({}{}) · {}s{}",
        running.len(),
        s(running.len()),
        ids.join(", "),
        if more > 0 {
            format!(" +{more}")
        } else {
            String::new()
        },
        started.elapsed().as_secs(),
        percent
            .map(|p| format!(" · {:.0}%", (p * 100.0).clamp(0.0, 100.0)))
            .unwrap_or_default()
    )
}

/// What to say of a job that does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missing {
    /// Check the id, or the account.
    Hint,
    /// Nothing: other targets of the run look for it too.
    Quiet,
    /// The account the journal recorded no longer has it.
    Gone,
}

/// Polls until every job is finished, the deadline passes, or something stops the wait. A job
/// that fails is said at once on stderr; one that does not exist too, as `missing` says.
pub(crate) fn wait_jobs(
    session: &Session,
    out: &Output,
    jobs: &Jobs,
    deadline: Option<Instant>,
    interval: Duration,
    once: bool,
    missing: Missing,
) -> WaitEnd {
    let started = Instant::now();
    loop {
        let now = Instant::now();
        let due: Vec<usize> = lock(jobs)
            .iter()
            .enumerate()
            .filter(|(_, t)| {
                !t.done() && (once || t.next_at <= now || deadline.is_some_and(|d| d <= now))
            })
            .map(|(i, _)| i)
            .collect();
        if !due.is_empty() {
            let ids: Vec<JobId> = {
                let list = lock(jobs);
                due.iter().map(|&i| list[i].job.clone()).collect()
            };
            let answers = crate::pool::run(
                &ids,
                POLL_CONCURRENCY,
                !session.proven(),
                &|| session.stopped() || crate::interrupt::is_set(),
                &|id| ims::job(session, id, deadline),
            );
            let mut fatal = None;
            let polled_at = Instant::now();
            let mut list = lock(jobs);
            for (&i, answer) in due.iter().zip(answers) {
                let t = &mut list[i];
                match answer {
                    // Not asked, or the wait's deadline came first: the loop ends below.
                    None | Some(Err(Error::TimedOut(_))) => {}
                    Some(Ok(job)) => t.last = Some(job),
                    Some(Err(Error::Service(e))) => t.refused = Some(*e),
                    Some(Err(e)) if fatal.is_none() || matches!(e, Error::Auth(_)) => {
                        fatal = Some(e)
                    }
                    Some(Err(_)) => {}
                }
                t.next_at = polled_at + schedule::next_gap(polled_at - t.since, interval);
                match t.status() {
                    JobStatus::Failed => {
                        let row = t.row();
                        out.note(&format!(
                            "job {} failed: {}{}",
                            t.job,
                            row.error_code.map(|c| format!("{c}: ")).unwrap_or_default(),
                            row.fail_reason.unwrap_or_else(|| "no reason given".into())
                        ));
                    }
                    JobStatus::NotFound if missing != Missing::Quiet => {
                        let row = t.row();
                        out.note(&format!(
                            "job {} not found ({}: {}): {}",
                            t.job,
                            row.error_code.unwrap_or_default(),
                            row.fail_reason.unwrap_or_default(),
                            match missing {
                                Missing::Gone => "the account that submitted it (as the journal recorded it) no longer has it: expired, or the sandbox was reset; the journal now says not_found",
                                _ => "check the id, or choose the project and region that submitted it (--profile, --region, --project-id)",
                            }
                        ));
                    }
                    _ => {}
                }
            }
            drop(list);
            match fatal {
                Some(Error::Interrupted) => return WaitEnd::Interrupted,
                Some(e) => return WaitEnd::Fatal(e),
                None => {}
            }
        }
        let list = lock(jobs);
        if list.iter().all(Tracked::done) {
            return WaitEnd::AllDone;
        }
        if once {
            return WaitEnd::AllDone;
        }
        let now = Instant::now();
        if deadline.is_some_and(|d| now >= d) {
            return WaitEnd::TimedOut;
        }
        out.spin(&spinner_message(&list, started));
        let next = list
            .iter()
            .filter(|t| !t.done())
            .map(|t| t.next_at)
            .min()
            .unwrap_or(now);
        drop(list);
        let wake = deadline.map_or(next, |d| next.min(d));
        // Wake up once a second to keep the spinner's clock moving.
        let pause = wake
            .saturating_duration_since(now)
            .min(Duration::from_secs(1));
        if !crate::interrupt::sleep(pause) {
            return WaitEnd::Interrupted;
        }
    }
}
