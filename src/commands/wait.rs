//! `wait JOB...` and `status --job JOB...`: the polling loop of [`crate::poll`] over jobs given
//! by id, and the job rows it ends with.

use crate::api::glance;
use crate::api::session::Session;
use crate::commands::Report;
use crate::commands::{Ledger, resume_line};
use crate::domain::{ImageId, JobId, JobStatus, MemberStatus, Outcome};
use std::sync::atomic::{AtomicBool, Ordering};

const MEMBER_CONCURRENCY: usize = 8;
use crate::error::Exit;
use crate::output::Output;
use crate::poll::{Jobs, Missing, Tracked, WaitEnd, wait_jobs};
use crate::report::{Document, ErrorInfo, JobImageRow, JobsDoc, code};
use crate::settings::WaitTask;
use crate::sync::lock;
use crate::text::s;
use std::time::Instant;

#[derive(Default)]
pub(crate) struct WaitLedger {
    jobs: Jobs,
    /// The flags of the resume lines.
    resume: std::sync::Mutex<String>,
    /// `wait` (the images of the jobs) or `status --job` (the jobs).
    per_image: AtomicBool,
}

impl WaitLedger {
    fn resume(&self) -> String {
        lock(&self.resume).clone()
    }

    fn doc(&self) -> JobsDoc {
        JobsDoc {
            jobs: lock(&self.jobs).iter().map(Tracked::row).collect(),
            per_image: self.per_image.load(Ordering::SeqCst),
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
            notes.push(format!(
                "resume with: {}",
                resume_line(&self.resume(), &running)
            ));
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

/// A job says `success` for an image, not whether it was accepted or rejected: the member
/// says (one GET each, a few at a time). An image whose member cannot be read stays
/// `submitted`: done, but not known as what.
fn settle_outcomes(session: &Session, doc: &mut JobsDoc) {
    let member = session.project_id().to_string();
    let done: Vec<(usize, usize, ImageId)> = doc
        .jobs
        .iter()
        .enumerate()
        .flat_map(|(j, job)| {
            job.images.iter().enumerate().filter_map(move |(i, img)| {
                (img.error.is_none())
                    .then(|| ImageId::parse(&img.image_id).map(|id| (j, i, id)))
                    .flatten()
            })
        })
        .collect();
    let answers = crate::pool::run(
        &done,
        MEMBER_CONCURRENCY,
        false,
        &|| session.stopped() || crate::interrupt::is_set(),
        &|(_, _, id)| glance::member(session, id, &member),
    );
    for ((j, i, _), answer) in done.iter().zip(answers) {
        let status = answer
            .and_then(Result::ok)
            .and_then(|m| m.status.as_deref().and_then(MemberStatus::parse));
        doc.jobs[*j].images[*i].outcome = match status {
            Some(MemberStatus::Accepted) => Outcome::Accepted,
            Some(MemberStatus::Rejected) => Outcome::Rejected,
            _ => Outcome::Submitted,
        };
    }
}

/// A job whose answer names no image (still starting, or a service that leaves
/// `entities.results` out) is reported with the images the journal recorded for it: under way
/// while it runs, failed with it, and otherwise settled by their member (one GET each).
fn with_recorded_images(doc: &mut JobsDoc, recorded: &[(JobId, Vec<String>)]) {
    for job in doc.jobs.iter_mut().filter(|j| j.images.is_empty()) {
        let Some((_, images)) = recorded.iter().find(|(id, _)| *id == job.job_id) else {
            continue;
        };
        if job.status == JobStatus::NotFound {
            continue;
        }
        let failed = job.status.is_failure();
        job.images = images
            .iter()
            .filter(|id| ImageId::parse(id).is_some())
            .map(|id| JobImageRow {
                image_id: id.clone(),
                status: job.status.as_str().to_string(),
                error: failed.then(|| {
                    ErrorInfo::new(
                        job.error_code
                            .clone()
                            .unwrap_or_else(|| code::JOB_FAILED.into()),
                        job.fail_reason
                            .clone()
                            .unwrap_or_else(|| "the job failed".into()),
                    )
                }),
                outcome: if failed {
                    Outcome::Failed
                } else {
                    Outcome::Submitted
                },
            })
            .collect();
    }
}

/// `wait JOB...` and `status --job JOB...`.
pub(crate) fn run(session: &Session, out: &Output, task: &WaitTask, ledger: &WaitLedger) -> Report {
    let start = Instant::now();
    *lock(&ledger.resume) = task.resume.clone();
    ledger.per_image.store(!task.once, Ordering::SeqCst);
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
        match (task.elsewhere, task.recorded) {
            (true, _) => Missing::Quiet,
            (false, true) => Missing::Gone,
            (false, false) => Missing::Hint,
        },
    );
    out.clear_spinner();
    let mut doc = ledger.doc();
    with_recorded_images(&mut doc, &task.images);
    if doc.per_image && !matches!(end, WaitEnd::Interrupted) {
        settle_outcomes(session, &mut doc);
    }
    let failed = doc.jobs.iter().any(|j| j.status.is_failure());
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
                    resume_line(&task.resume, &running)
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
                format!("resume with: {}", resume_line(&task.resume, &running)),
            ],
        },
        WaitEnd::AllDone => Report::ok(
            Document::Jobs(doc),
            if failed { Exit::Failed } else { Exit::Ok },
        ),
    }
}
