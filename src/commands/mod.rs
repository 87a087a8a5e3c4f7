//! The commands. Each takes a connected session and its task, reports progress through the
//! [`Output`](crate::output::Output) and returns a [`Report`]; none prints a result.

pub(crate) mod change;
#[cfg(feature = "sandbox")]
pub(crate) mod serve;
pub(crate) mod status;
pub(crate) mod wait;

use crate::domain::JobId;
use crate::report::Report;

/// What a command has recorded so far, so that Ctrl-C (or a bug in a worker) can still report
/// every job id it submitted.
pub(crate) trait Ledger: Send + Sync {
    fn so_far(&self) -> Report;
}

/// `ims-share wait A B` for a list of job ids.
pub(crate) fn resume_line(jobs: &[JobId]) -> String {
    let ids: Vec<&str> = jobs.iter().map(|j| j.as_str()).collect();
    format!("ims-share wait {}", ids.join(" "))
}
