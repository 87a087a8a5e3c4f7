//! `wait JOB...` and `status --job JOB...`: the polling loop of [`crate::poll`] over jobs given
//! by id, and the job rows it ends with.

use crate::api::session::Session;
use crate::commands::Report;
use crate::commands::{Ledger, resume_line};
use crate::domain::{JobId, JobStatus};
use crate::error::Exit;
use crate::output::Output;
use crate::poll::{Jobs, Tracked, WaitEnd, wait_jobs};
use crate::report::{Document, JobsDoc};
use crate::settings::WaitTask;
use crate::sync::lock;
use crate::text::s;
use std::time::Instant;

#[derive(Default)]
pub(crate) struct WaitLedger {
    jobs: Jobs,
}

impl WaitLedger {
    fn doc(&self) -> JobsDoc {
        JobsDoc {
            jobs: lock(&self.jobs).iter().map(Tracked::row).collect(),
        }
    }

    fn unfinished(&self) -> Vec<JobId> {
        lock(&self.jobs)
            .iter()
            .filter(|t| !t.done())
            .map(|t| t.job.clone())
            .collect()
    }
}

impl Ledger for WaitLedger {
    fn so_far(&self) -> Report {
        let running = self.unfinished();
        let mut notes = vec!["interrupted".to_string()];
        if !running.is_empty() {
            notes.push(format!("resume with: {}", resume_line(&running)));
        }
        Report {
            doc: Some(Document::Jobs(self.doc())),
            exit: Exit::Interrupted,
            error: None,
            summary: None,
            notes,
        }
    }
}

/// `wait JOB...` and `status --job JOB...`.
pub(crate) fn run(session: &Session, out: &Output, task: &WaitTask, ledger: &WaitLedger) -> Report {
    let start = Instant::now();
    {
        let mut list = lock(&ledger.jobs);
        *list = task
            .jobs
            .iter()
            .map(|j| Tracked::new(j.clone(), start, start))
            .collect();
    }
    let deadline = (!task.once).then(|| start + task.timeout);
    let end = wait_jobs(
        session,
        out,
        &ledger.jobs,
        deadline,
        task.interval,
        task.once,
    );
    out.clear_spinner();
    let doc = ledger.doc();
    let failed = doc.jobs.iter().any(|j| j.status == JobStatus::Failed);
    let running = ledger.unfinished();
    match end {
        WaitEnd::Interrupted => ledger.so_far(),
        WaitEnd::Fatal(e) => Report {
            doc: Some(Document::Jobs(doc)),
            exit: e.exit(),
            notes: if running.is_empty() {
                Vec::new()
            } else {
                vec![format!(
                    "jobs not finished: resume with: {}",
                    resume_line(&running)
                )]
            },
            error: Some(e),
            summary: None,
        },
        WaitEnd::TimedOut => Report {
            doc: Some(Document::Jobs(doc)),
            exit: Exit::TimedOut,
            error: None,
            summary: None,
            notes: vec![
                format!(
                    "timed out after {}: {} job{} still running: {}",
                    humantime::format_duration(task.timeout),
                    running.len(),
                    s(running.len()),
                    running
                        .iter()
                        .map(JobId::as_str)
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                format!("resume with: {}", resume_line(&running)),
            ],
        },
        WaitEnd::AllDone => Report::ok(
            Document::Jobs(doc),
            if failed { Exit::Failed } else { Exit::Ok },
        ),
    }
}
