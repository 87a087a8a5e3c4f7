//! `ims-share jobs`: the journal's jobs, newest last, optionally only the recent or unfinished.

use crate::commands::Report;
use crate::error::{Error, Exit};
use crate::output::Output;
use crate::report::{Document, JournalDoc};
use crate::settings::JobsTask;
use std::time::{Duration, SystemTime};

pub(crate) fn list(task: &JobsTask, out: &Output) -> Report {
    let Some(path) = &task.journal else {
        return Report::failed(Error::usage_hint(
            "there is no journal to list: no state directory, or it is turned off",
            "the journal is off with --no-journal or journal = false in the config file",
        ));
    };
    let entries = match crate::journal::read(path) {
        Ok(read) => {
            if let Some(w) = read.damage(path) {
                out.warning(&w);
            }
            read.entries
        }
        Err(why) => return Report::failed(Error::usage(format!("journal: {why}"))),
    };
    let cutoff = task
        .since
        .and_then(|d| SystemTime::now().checked_sub(d))
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let jobs: Vec<_> = entries
        .into_iter()
        .filter(|e| !task.unfinished || !e.finished())
        .filter(|e| task.filter.matches(&e.target))
        .filter(|e| {
            task.since.is_none()
                || humantime::parse_rfc3339_weak(&e.submitted_at).is_ok_and(|at| at >= cutoff)
        })
        .collect();
    if jobs.is_empty() {
        let which = if task.unfinished {
            "unfinished jobs"
        } else {
            "jobs"
        };
        let when = task
            .since
            .map(|d| format!(" submitted in the last {}", span(d)))
            .unwrap_or_default();
        out.note(&format!(
            "no {which}{when}{} in the journal ({})",
            task.filter.described(),
            path.display()
        ));
    }
    Report::ok(Document::Journal(JournalDoc { jobs }), Exit::Ok)
}

/// `1d`, `2h`, `90m`, `45s`: a span as it would be typed.
fn span(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        _ if s >= 86_400 && s.is_multiple_of(86_400) => format!("{}d", s / 86_400),
        _ if s >= 3_600 && s.is_multiple_of(3_600) => format!("{}h", s / 3_600),
        _ if s >= 60 && s.is_multiple_of(60) => format!("{}m", s / 60),
        _ => format!("{s}s"),
    }
}
