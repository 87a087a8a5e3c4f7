//! Waiting for IMS jobs: `wait`, `status --job`, and the waiting half of a batch accept.
//!
//! One loop polls every job on its own schedule (poll.rs), several at once, until each has
//! succeeded or failed, the deadline passes, Ctrl-C comes, or an error makes waiting pointless.

use crate::api::ims;
use crate::api::model::Job;
use crate::api::session::Session;
use crate::commands::{Finished, Progress, resume_line};
use crate::error::{Error, Exit};
use crate::model::{JobId, JobStatus};
use crate::output::Output;
use crate::render::{Document, JobImage, JobRow, JobsDoc};
use crate::settings::WaitTask;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Jobs polled at once.
const POLL_CONCURRENCY: usize = 8;

#[derive(Debug, Clone)]
pub struct Tracked {
    pub job: JobId,
    /// When the job was submitted (or the wait began): the poll schedule counts from here.
    pub since: Instant,
    pub next_at: Instant,
    pub last: Option<Job>,
    /// A refusal of the job query itself (an unknown job id...): the job counts as failed.
    pub refused: Option<crate::error::ServiceError>,
}

impl Tracked {
    pub fn new(job: JobId, since: Instant, first_poll: Instant) -> Tracked {
        Tracked {
            job,
            since,
            next_at: first_poll,
            last: None,
            refused: None,
        }
    }

    pub fn status(&self) -> JobStatus {
        if self.refused.is_some() {
            return JobStatus::Failed;
        }
        match &self.last {
            Some(job) => JobStatus::from_service(job.status.as_deref()),
            None => JobStatus::Init,
        }
    }

    pub fn done(&self) -> bool {
        self.status().is_terminal()
    }

    pub fn row(&self) -> JobRow {
        let job = self.last.clone().unwrap_or_default();
        let (error_code, fail_reason) = match &self.refused {
            Some(e) => (Some(e.code.clone()), Some(e.message.clone())),
            None => (job.error_code.clone(), job.fail_reason.clone()),
        };
        JobRow {
            job_id: self.job.clone(),
            job_type: job.job_type.clone(),
            status: self.status(),
            begin_time: job.begin_time.clone(),
            end_time: job.end_time.clone(),
            fail_reason,
            error_code,
            images: job
                .results
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| {
                    let ok = r.is_success();
                    Some(JobImage {
                        image_id: r.image_id?,
                        status: if ok {
                            "success".into()
                        } else {
                            "failed".into()
                        },
                    })
                })
                .collect(),
        }
    }
}

pub type Jobs = Arc<Mutex<Vec<Tracked>>>;

#[derive(Debug)]
pub enum WaitEnd {
    AllDone,
    TimedOut,
    Interrupted,
    Fatal(Error),
}

fn lock(jobs: &Jobs) -> std::sync::MutexGuard<'_, Vec<Tracked>> {
    jobs.lock().unwrap_or_else(|e| e.into_inner())
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
        if running.len() == 1 { "" } else { "s" },
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

/// Polls until every job is finished, the deadline passes, or something stops the wait.
pub fn wait_jobs(
    session: &Session,
    out: &Output,
    jobs: &Jobs,
    deadline: Option<Instant>,
    interval: Duration,
    once: bool,
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
                &|id| ims::job(session, id),
            );
            let mut fatal = None;
            let polled_at = Instant::now();
            let mut list = lock(jobs);
            for (&i, answer) in due.iter().zip(answers) {
                let t = &mut list[i];
                match answer {
                    None => {}
                    Some(Ok(job)) => t.last = Some(job),
                    Some(Err(Error::Service(e))) => t.refused = Some(*e),
                    Some(Err(e)) if fatal.is_none() || matches!(e, Error::Auth(_)) => {
                        fatal = Some(e)
                    }
                    Some(Err(_)) => {}
                }
                t.next_at = polled_at + crate::poll::next_gap(polled_at - t.since, interval);
                if t.done() && t.status() == JobStatus::Failed {
                    let row = t.row();
                    out.note(&format!(
                        "job {} failed: {}{}",
                        t.job,
                        row.error_code.map(|c| format!("{c}: ")).unwrap_or_default(),
                        row.fail_reason.unwrap_or_else(|| "no reason given".into())
                    ));
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

pub struct WaitProgress {
    pub jobs: Jobs,
}

impl WaitProgress {
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

impl Progress for WaitProgress {
    fn interrupted(&self) -> Finished {
        let running = self.unfinished();
        let mut notes = vec!["interrupted".to_string()];
        if !running.is_empty() {
            notes.push(format!("resume with: {}", resume_line(&running)));
        }
        Finished {
            doc: Some(Document::Jobs(self.doc())),
            exit: Exit::Interrupted,
            fatal: None,
            summary: None,
            notes,
        }
    }
}

/// `wait JOB...` and `status --job JOB...`.
pub fn run(session: &Session, out: &Output, task: &WaitTask, progress: &WaitProgress) -> Finished {
    let start = Instant::now();
    {
        let mut list = lock(&progress.jobs);
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
        &progress.jobs,
        deadline,
        task.interval,
        task.once,
    );
    out.clear_spinner();
    let doc = progress.doc();
    let failed = doc.jobs.iter().any(|j| j.status == JobStatus::Failed);
    let running = progress.unfinished();
    match end {
        WaitEnd::Interrupted => progress.interrupted(),
        WaitEnd::Fatal(e) => Finished {
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
            fatal: Some(e),
            summary: None,
        },
        WaitEnd::TimedOut => Finished {
            doc: Some(Document::Jobs(doc)),
            exit: Exit::TimedOut,
            fatal: None,
            summary: None,
            notes: vec![
                format!(
                    "timed out after {}: {} job{} still running: {}",
                    humantime::format_duration(task.timeout),
                    running.len(),
                    if running.len() == 1 { "" } else { "s" },
                    running
                        .iter()
                        .map(JobId::as_str)
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                format!("resume with: {}", resume_line(&running)),
            ],
        },
        WaitEnd::AllDone => Finished::ok(
            Document::Jobs(doc),
            if failed { Exit::Failed } else { Exit::Ok },
        ),
    }
}
