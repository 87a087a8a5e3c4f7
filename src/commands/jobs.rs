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
        Ok(e) => e,
        Err(why) => return Report::failed(Error::usage(format!("journal: {why}"))),
    };
    let cutoff = task
        .since
        .and_then(|d| SystemTime::now().checked_sub(d))
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let jobs: Vec<_> = entries
        .into_iter()
        .filter(|e| !task.unfinished || !e.finished())
        .filter(|e| {
            task.since.is_none()
                || humantime::parse_rfc3339_weak(&e.submitted_at).is_ok_and(|at| at >= cutoff)
        })
        .collect();
    if jobs.is_empty() {
        out.note(&format!(
            "no jobs in the journal ({}){}",
            path.display(),
            match (task.since, task.unfinished) {
                (Some(d), _) => format!(
                    " submitted in the last {}",
                    humantime::format_duration(Duration::from_secs(d.as_secs()))
                ),
                (None, true) => " that are unfinished".into(),
                (None, false) => String::new(),
            }
        ));
    }
    Report::ok(Document::Journal(JournalDoc { jobs }), Exit::Ok)
}
