//! Everything an accept or reject knows so far: each image's phase and outcome, and each job
//! submitted. Shared with the Ctrl-C handler, which reports from it what the run had done.

use super::select::Candidate;
use crate::commands::Report;
use crate::commands::{Ledger, resume_line};
use crate::domain::{ImageId, JobId, Outcome};
use crate::error::Exit;
use crate::poll::{Jobs, Tracked};
use crate::report::{ChangeDoc, ChangeRow, Document, ErrorInfo, JobRefRow, code};
use crate::sync::lock;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    /// Not sent (yet).
    Waiting,
    /// A request carrying it is in flight.
    Sending,
    /// In this job, not finished.
    Sent(JobId),
    Finished,
}

#[derive(Debug, Clone)]
struct Entry {
    row: ChangeRow,
    phase: Phase,
}

pub(crate) struct ChangeLedger {
    entries: Mutex<Vec<Entry>>,
    index: Mutex<HashMap<ImageId, usize>>,
    pub(crate) jobs: Jobs,
    batch_puts_in_flight: AtomicUsize,
    /// A batch PUT was cut short by Ctrl-C: it may have reached the service.
    batch_put_cut_short: AtomicBool,
    per_image: AtomicBool,
    no_wait: AtomicBool,
    /// The flags of the resume lines.
    resume: Mutex<String>,
    /// Told of each job the moment it is submitted (the journal).
    on_submit: Mutex<Option<OnSubmit>>,
}

/// What hears of a submitted job: its id and images.
pub(crate) type OnSubmit = Arc<dyn Fn(&JobId, &[ImageId]) + Send + Sync>;

impl Default for ChangeLedger {
    fn default() -> Self {
        ChangeLedger {
            entries: Mutex::new(Vec::new()),
            index: Mutex::new(HashMap::new()),
            jobs: Arc::new(Mutex::new(Vec::new())),
            batch_puts_in_flight: AtomicUsize::new(0),
            batch_put_cut_short: AtomicBool::new(false),
            per_image: AtomicBool::new(false),
            no_wait: AtomicBool::new(false),
            resume: Mutex::default(),
            on_submit: Mutex::new(None),
        }
    }
}

impl ChangeLedger {
    /// `hook` hears of every job submitted from now on.
    pub(crate) fn on_submit(&self, hook: OnSubmit) {
        *lock(&self.on_submit) = Some(hook);
    }

    pub(super) fn set_mode(&self, per_image: bool, no_wait: bool, resume: &str) {
        self.per_image.store(per_image, Ordering::SeqCst);
        self.no_wait.store(no_wait, Ordering::SeqCst);
        *lock(&self.resume) = resume.to_string();
    }

    /// The command that resumes waiting for `jobs`.
    pub(super) fn resume_line(&self, jobs: &[JobId]) -> String {
        resume_line(&lock(&self.resume), jobs)
    }

    /// The images of the run (replacing any set before), none sent yet.
    pub(super) fn set_candidates(&self, candidates: &[Candidate]) {
        let mut entries = lock(&self.entries);
        let mut index = lock(&self.index);
        entries.clear();
        index.clear();
        for (i, c) in candidates.iter().enumerate() {
            index.insert(c.id.clone(), i);
            entries.push(Entry {
                row: ChangeRow {
                    image_id: c.id.to_string(),
                    status: Outcome::Failed,
                    job_id: None,
                    error: None,
                    name: c.name.clone(),
                    member_id: None,
                    created_at: None,
                    updated_at: None,
                },
                phase: Phase::Waiting,
            });
        }
    }

    fn update(&self, ids: &[ImageId], f: impl Fn(&mut Entry)) {
        let index = lock(&self.index);
        let mut entries = lock(&self.entries);
        for id in ids {
            if let Some(&i) = index.get(id) {
                f(&mut entries[i]);
            }
        }
    }

    /// A request carrying these images is about to go out.
    pub(super) fn sending(&self, ids: &[ImageId]) {
        self.update(ids, |e| e.phase = Phase::Sending);
    }

    /// These images were not sent after all (or will be sent again).
    pub(super) fn unsent(&self, ids: &[ImageId]) {
        self.update(ids, |e| e.phase = Phase::Waiting);
    }

    /// Per-image mode: the member object the service returned.
    pub(super) fn set_member(
        &self,
        id: &ImageId,
        member_id: Option<String>,
        created_at: Option<String>,
        updated_at: Option<String>,
    ) {
        self.update(std::slice::from_ref(id), |e| {
            e.row.member_id = member_id.clone();
            e.row.created_at = created_at.clone();
            e.row.updated_at = updated_at.clone();
        });
    }

    /// A batch PUT is in flight: if Ctrl-C lands now, a job may exist that we never heard of.
    pub(super) fn batch_put_started(&self) {
        self.batch_puts_in_flight.fetch_add(1, Ordering::SeqCst);
    }

    /// The batch PUT is over; `cut_short` when Ctrl-C ended it before its answer (it may
    /// still have created a job).
    pub(super) fn batch_put_ended(&self, cut_short: bool) {
        if cut_short {
            self.batch_put_cut_short.store(true, Ordering::SeqCst);
        }
        self.batch_puts_in_flight.fetch_sub(1, Ordering::SeqCst);
    }

    /// Records a job the moment its id exists, with the images it carries.
    pub(super) fn submitted(&self, job: &JobId, images: &[ImageId], interval: Duration) {
        let now = Instant::now();
        lock(&self.jobs).push(Tracked::new(
            job.clone(),
            now,
            now + crate::poll::next_gap(Duration::ZERO, interval),
        ));
        self.update(images, |e| {
            e.row.job_id = Some(job.clone());
            e.phase = Phase::Sent(job.clone());
        });
        let hook = lock(&self.on_submit).clone();
        if let Some(hook) = hook {
            hook(job, images);
        }
    }

    pub(super) fn finish(&self, id: &ImageId, status: Outcome, error: Option<ErrorInfo>) {
        self.update(std::slice::from_ref(id), |e| {
            e.row.status = status;
            e.row.error = error.clone();
            e.phase = Phase::Finished;
        });
    }

    fn tracked<T>(&self, f: impl FnMut(&Tracked) -> Option<T>) -> Vec<T> {
        lock(&self.jobs).iter().filter_map(f).collect()
    }

    pub(super) fn tracked_jobs(&self) -> Vec<Tracked> {
        lock(&self.jobs).clone()
    }

    fn job_refs(&self) -> Vec<JobRefRow> {
        self.tracked(|t| Some(t.job_ref()))
    }

    pub(super) fn submitted_jobs(&self) -> Vec<JobId> {
        self.tracked(|t| Some(t.job.clone()))
    }

    pub(super) fn unfinished_jobs(&self) -> Vec<JobId> {
        self.tracked(|t| (!t.done()).then(|| t.job.clone()))
    }

    /// The document as it stands: images not finished are `submitted` if a request carrying
    /// them went out, and `failed` (`not_sent`) otherwise.
    pub(super) fn doc(&self, why_not_sent: &str) -> ChangeDoc {
        let entries = lock(&self.entries);
        let images = entries
            .iter()
            .map(|e| {
                let mut row = e.row.clone();
                match &e.phase {
                    Phase::Waiting => {
                        row.status = Outcome::Failed;
                        row.error = Some(ErrorInfo::new(code::NOT_SENT, why_not_sent));
                    }
                    Phase::Sending => row.status = Outcome::Submitted,
                    Phase::Sent(job) => {
                        row.status = Outcome::Submitted;
                        row.job_id = Some(job.clone());
                    }
                    Phase::Finished => {}
                }
                row
            })
            .collect();
        ChangeDoc {
            images,
            jobs: self.job_refs(),
            per_image: self.per_image.load(Ordering::SeqCst),
            no_wait: self.no_wait.load(Ordering::SeqCst),
        }
    }

    fn in_flight_note(&self) -> Option<String> {
        (self.batch_puts_in_flight.load(Ordering::SeqCst) > 0
            || self.batch_put_cut_short.load(Ordering::SeqCst))
        .then(|| {
            "a batch request was in flight: a job may have been created for its images; `ims-share status` shows their state".to_string()
        })
    }
}

impl Ledger for ChangeLedger {
    fn so_far(&self) -> Report {
        let mut notes = vec!["interrupted".to_string()];
        notes.extend(self.in_flight_note());
        let jobs = self.unfinished_jobs();
        if !jobs.is_empty() {
            notes.push(format!(
                "jobs still running: resume with: {}",
                self.resume_line(&jobs)
            ));
        }
        Report {
            doc: Some(Document::Change(
                self.doc("not sent: interrupted before its request"),
            )),
            exit: Exit::Interrupted,
            error: None,
            summary: None,
            notes,
        }
    }
}
