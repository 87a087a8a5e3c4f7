//! accept and reject: choose the images, send the batch jobs or the per-image updates, wait,
//! and report each image's outcome (PRODUCT.md "accept / reject").

use crate::api::glance;
use crate::api::ims;
use crate::api::model::{Job, Member};
use crate::api::session::Session;
use crate::commands::wait::{Jobs, Tracked, WaitEnd, wait_jobs};
use crate::commands::{Finished, Progress, resume_line};
use crate::error::{Error, Exit};
use crate::model::{Action, ErrorInfo, ImageId, JobId, JobStatus, MemberStatus, Outcome};
use crate::output::Output;
use crate::render::{
    ChangeDoc, Document, DryRunDoc, ImageRow, JobRef, PlannedImage, PlannedRequest,
};
use crate::settings::{ChangeTask, Mode, Selection};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// IMS codes that refuse a batch for reasons no image is to blame for: splitting the batch
/// would only repeat the refusal (IMS-API.md §8c).
const REQUEST_LEVEL_CODES: &[&str] = &[
    "IMG.0007", "IMG.0017", "IMG.0030", "IMG.0067", "IMG.0087", "IMG.0104", "IMG.0145",
];

/// An image to change, with what the listing told about it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: ImageId,
    pub name: Option<String>,
    pub whole_image: bool,
}

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
    row: ImageRow,
    phase: Phase,
}

/// Everything an accept or reject knows so far, shared with the Ctrl-C handler.
pub struct ChangeProgress {
    entries: Mutex<Vec<Entry>>,
    index: Mutex<HashMap<ImageId, usize>>,
    pub jobs: Jobs,
    batch_puts_in_flight: AtomicUsize,
    per_image: AtomicBool,
    no_wait: AtomicBool,
}

impl Default for ChangeProgress {
    fn default() -> Self {
        ChangeProgress {
            entries: Mutex::new(Vec::new()),
            index: Mutex::new(HashMap::new()),
            jobs: Arc::new(Mutex::new(Vec::new())),
            batch_puts_in_flight: AtomicUsize::new(0),
            per_image: AtomicBool::new(false),
            no_wait: AtomicBool::new(false),
        }
    }
}

fn not_sent(why: &str) -> ErrorInfo {
    ErrorInfo::new("not_sent", why)
}

impl ChangeProgress {
    fn set_candidates(&self, candidates: &[Candidate]) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        for (i, c) in candidates.iter().enumerate() {
            index.insert(c.id.clone(), i);
            entries.push(Entry {
                row: ImageRow {
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
        let index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        for id in ids {
            if let Some(&i) = index.get(id) {
                f(&mut entries[i]);
            }
        }
    }

    fn finish(&self, id: &ImageId, status: Outcome, error: Option<ErrorInfo>) {
        self.update(std::slice::from_ref(id), |e| {
            e.row.status = status;
            e.row.error = error.clone();
            e.phase = Phase::Finished;
        });
    }

    fn tracked<T>(&self, f: impl FnMut(&Tracked) -> Option<T>) -> Vec<T> {
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter_map(f)
            .collect()
    }

    fn job_refs(&self) -> Vec<JobRef> {
        self.tracked(|t| {
            Some(JobRef {
                job_id: t.job.clone(),
                status: t.status(),
            })
        })
    }

    fn submitted_jobs(&self) -> Vec<JobId> {
        self.tracked(|t| Some(t.job.clone()))
    }

    fn unfinished_jobs(&self) -> Vec<JobId> {
        self.tracked(|t| (!t.done()).then(|| t.job.clone()))
    }

    /// The document as it stands: images not finished are `submitted` if a request carrying
    /// them went out, and `failed` (`not_sent`) otherwise.
    fn doc(&self, why_not_sent: &str) -> ChangeDoc {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let images = entries
            .iter()
            .map(|e| {
                let mut row = e.row.clone();
                match &e.phase {
                    Phase::Waiting => {
                        row.status = Outcome::Failed;
                        row.error = Some(not_sent(why_not_sent));
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
        (self.batch_puts_in_flight.load(Ordering::SeqCst) > 0).then(|| {
            "a batch request was in flight: a job may have been created for its images; `ims-share status` shows their state".to_string()
        })
    }
}

impl Progress for ChangeProgress {
    fn interrupted(&self) -> Finished {
        let mut notes = vec!["interrupted".to_string()];
        notes.extend(self.in_flight_note());
        let jobs = self.unfinished_jobs();
        if !jobs.is_empty() {
            notes.push(format!(
                "jobs still running: resume with: {}",
                resume_line(&jobs)
            ));
        }
        Finished {
            doc: Some(Document::Change(
                self.doc("not sent: interrupted before its request"),
            )),
            exit: Exit::Interrupted,
            fatal: None,
            summary: None,
            notes,
        }
    }
}

/// What the job says about one image (IMS-API.md §3a, §14a).
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Done,
    Failed(ErrorInfo),
    /// The job finished without naming this image: look at the member itself.
    Unknown,
    /// The job has not finished.
    Pending,
}

pub fn verdict(job: &Job, image: &ImageId) -> Verdict {
    let status = JobStatus::from_service(job.status.as_deref());
    if !status.is_terminal() {
        return Verdict::Pending;
    }
    let result = job.results.as_ref().and_then(|results| {
        results.iter().find(|r| {
            r.image_id
                .as_deref()
                .is_some_and(|id| id.eq_ignore_ascii_case(image.as_str()))
        })
    });
    match result {
        Some(r) if r.is_success() => Verdict::Done,
        Some(r) => Verdict::Failed(ErrorInfo::new(
            r.error_code
                .clone()
                .or_else(|| job.error_code.clone())
                .unwrap_or_else(|| "job_failed".into()),
            r.error_msg
                .clone()
                .or_else(|| job.fail_reason.clone())
                .unwrap_or_else(|| {
                    format!(
                        "the job reported '{}' for this image",
                        r.status.as_deref().unwrap_or("no status")
                    )
                }),
        )),
        None => Verdict::Unknown,
    }
}

/// Settles an image the job did not name, from its member status.
pub fn verdict_from_member(
    job: &Job,
    member: &Result<Member, Error>,
    target: MemberStatus,
) -> Verdict {
    match member {
        Ok(m) if m.status.as_deref().and_then(MemberStatus::parse) == Some(target) => Verdict::Done,
        Ok(m) => Verdict::Failed(match (&job.error_code, &job.fail_reason) {
            (None, None) => ErrorInfo::new(
                "not_in_results",
                format!(
                    "the job did not report this image and its member status is {}",
                    m.status.as_deref().unwrap_or("unknown")
                ),
            ),
            (code, reason) => ErrorInfo::new(
                code.clone().unwrap_or_else(|| "job_failed".into()),
                reason.clone().unwrap_or_else(|| "the job failed".into()),
            ),
        }),
        Err(e) => Verdict::Failed(e.info()),
    }
}

fn vault_required() -> ErrorInfo {
    ErrorInfo::new(
        "vault_required",
        "full-ECS image: accepting it needs --vault-id",
    )
}

/// The pending images shared with you, with their owners (images you own are left out).
fn pending_images(
    session: &Session,
    out: &Output,
) -> Result<Vec<(Candidate, Option<String>)>, Error> {
    out.spin("listing the images pending for you…");
    let mut found = Vec::new();
    let mut seen = std::collections::HashSet::new();
    glance::list_all(session, MemberStatus::Pending, |page| {
        for img in page.images {
            let Some(id) = img.id.as_deref().and_then(ImageId::parse) else {
                continue;
            };
            if img.owner.as_deref() == Some(session.project_id()) || !seen.insert(id.clone()) {
                continue;
            }
            let candidate = Candidate {
                id,
                name: img.name.clone(),
                whole_image: img.whole_image,
            };
            found.push((candidate, img.owner));
        }
    })?;
    Ok(found)
}

fn select(session: &Session, out: &Output, task: &ChangeTask) -> Result<Vec<Candidate>, Error> {
    match &task.selection {
        Selection::Ids(ids) => {
            // Knowing which images are full-ECS matters only when a vault is given: only
            // those images may carry it. One listing tells, instead of a request per image.
            let known: HashMap<ImageId, Candidate> =
                if task.vault_id.is_some() && task.action == Action::Accept && !ids.is_empty() {
                    pending_images(session, out)?
                        .into_iter()
                        .map(|(c, _)| (c.id.clone(), c))
                        .collect()
                } else {
                    HashMap::new()
                };
            Ok(ids
                .iter()
                .map(|id| {
                    known.get(id).cloned().unwrap_or(Candidate {
                        id: id.clone(),
                        name: None,
                        whole_image: false,
                    })
                })
                .collect())
        }
        Selection::AllPending { owner, name } => {
            let picked: Vec<Candidate> = pending_images(session, out)?
                .into_iter()
                .filter(|(_, o)| {
                    owner
                        .as_ref()
                        .is_none_or(|want| o.as_deref() == Some(want.as_str()))
                })
                .filter(|(c, _)| {
                    name.as_ref()
                        .is_none_or(|p| c.name.as_deref().is_some_and(|n| p.matches(n)))
                })
                .map(|(c, _)| c)
                .collect();
            if !picked.is_empty() {
                out.note(&format!(
                    "{} pending image{} shared with you{}:",
                    picked.len(),
                    if picked.len() == 1 { "" } else { "s" },
                    if owner.is_some() || name.is_some() {
                        " (filtered)"
                    } else {
                        ""
                    }
                ));
                for c in &picked {
                    out.note(&format!(
                        "  {}  {}{}",
                        c.id,
                        c.name.as_deref().unwrap_or("-"),
                        if c.whole_image { "  (full-ECS)" } else { "" }
                    ));
                }
            }
            Ok(picked)
        }
    }
}

/// One batch request: a chunk of images, with the vault when they are full-ECS images.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub images: Vec<ImageId>,
    pub vault_id: Option<String>,
}

/// Ordinary images and full-ECS images go in separate requests; only the latter carry the vault.
pub fn plan_chunks(
    candidates: &[Candidate],
    batch_size: usize,
    vault_id: Option<&str>,
    action: Action,
) -> Vec<Chunk> {
    let needs_vault = |c: &Candidate| action == Action::Accept && c.whole_image;
    let ordinary: Vec<ImageId> = candidates
        .iter()
        .filter(|c| !needs_vault(c))
        .map(|c| c.id.clone())
        .collect();
    let whole: Vec<ImageId> = candidates
        .iter()
        .filter(|c| needs_vault(c))
        .map(|c| c.id.clone())
        .collect();
    let mut chunks: Vec<Chunk> = ordinary
        .chunks(batch_size.max(1))
        .map(|c| Chunk {
            images: c.to_vec(),
            vault_id: None,
        })
        .collect();
    if let Some(v) = vault_id {
        chunks.extend(whole.chunks(batch_size.max(1)).map(|c| Chunk {
            images: c.to_vec(),
            vault_id: Some(v.to_string()),
        }));
    }
    chunks
}

pub fn run(
    session: &Session,
    out: &Output,
    task: &ChangeTask,
    progress: &ChangeProgress,
) -> Finished {
    progress
        .per_image
        .store(task.mode == Mode::PerImage, Ordering::SeqCst);
    progress.no_wait.store(task.no_wait, Ordering::SeqCst);
    let candidates = match select(session, out, task) {
        Ok(c) => c,
        Err(e) => return Finished::failed(e),
    };
    if candidates.is_empty() {
        out.note(&match &task.selection {
            Selection::AllPending { .. } => format!(
                "nothing to {}: no pending images shared with you match",
                task.action.verb()
            ),
            Selection::Ids(_) => format!(
                "nothing to {}: no image ids on standard input",
                task.action.verb()
            ),
        });
        return Finished::ok(
            Document::Change(ChangeDoc {
                images: vec![],
                jobs: vec![],
                per_image: task.mode == Mode::PerImage,
                no_wait: task.no_wait,
            }),
            Exit::Ok,
        );
    }
    progress.set_candidates(&candidates);
    // Full-ECS images known from the listing cannot be accepted without a vault: say so,
    // and let the others go ahead.
    let blocked: Vec<ImageId> = candidates
        .iter()
        .filter(|c| task.action == Action::Accept && c.whole_image && task.vault_id.is_none())
        .map(|c| c.id.clone())
        .collect();
    for id in &blocked {
        progress.finish(id, Outcome::Failed, Some(vault_required()));
    }
    if !blocked.is_empty() {
        out.note(&format!(
            "hint: {} full-ECS image{} need{} --vault-id VAULT_ID (a CBR server-backup vault); the other images go ahead",
            blocked.len(),
            if blocked.len() == 1 { "" } else { "s" },
            if blocked.len() == 1 { "s" } else { "" }
        ));
    }
    let sendable: Vec<Candidate> = candidates
        .into_iter()
        .filter(|c| !blocked.contains(&c.id))
        .collect();
    if task.dry_run {
        return dry_run(session, task, progress, &sendable);
    }
    let finished = match task.mode {
        Mode::Batch => run_batch(session, out, task, progress, &sendable),
        Mode::PerImage => run_per_image(session, out, task, progress, &sendable),
    };
    out.clear_spinner();
    summarize(task.action, finished)
}

fn summarize(action: Action, mut finished: Finished) -> Finished {
    if let Some(Document::Change(doc)) = &finished.doc {
        let count = |s: Outcome| doc.images.iter().filter(|r| r.status == s).count();
        let done = count(action.done_outcome());
        let failed = count(Outcome::Failed);
        let submitted = count(Outcome::Submitted);
        let mut parts = vec![format!("{done} {}", action.done_outcome().as_str())];
        if failed > 0 {
            parts.push(format!("{failed} failed"));
        }
        if submitted > 0 {
            parts.push(format!("{submitted} submitted, outcome not known yet"));
        }
        if !doc.no_wait && !doc.images.is_empty() && finished.fatal.is_none() {
            finished.summary = Some(format!(
                "{} of {} images: {}",
                action.verb(),
                doc.images.len(),
                parts.join(", ")
            ));
        }
    }
    finished
}

fn dry_run(
    session: &Session,
    task: &ChangeTask,
    progress: &ChangeProgress,
    sendable: &[Candidate],
) -> Finished {
    let base = session
        .endpoint()
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let target = task.action.target();
    let mut requests = Vec::new();
    match task.mode {
        Mode::Batch => {
            for chunk in plan_chunks(
                sendable,
                task.batch_size,
                task.vault_id.as_deref(),
                task.action,
            ) {
                requests.push(PlannedRequest {
                    method: "PUT".into(),
                    url: format!("{base}{}", ims::MEMBERS_PATH),
                    body: ims::batch_body(
                        &chunk.images,
                        session.project_id(),
                        target,
                        chunk.vault_id.as_deref(),
                    ),
                });
            }
        }
        Mode::PerImage => {
            let member = task
                .member_id
                .clone()
                .unwrap_or_else(|| session.project_id().to_string());
            for c in sendable {
                let vault = (task.action == Action::Accept && c.whole_image)
                    .then_some(())
                    .and(task.vault_id.as_deref());
                requests.push(PlannedRequest {
                    method: "PUT".into(),
                    url: format!("{base}{}", glance::member_path(&c.id, &member)),
                    body: glance::member_body(target, vault),
                });
            }
        }
    }
    let doc = progress.doc("dry run");
    let sendable_ids: Vec<&ImageId> = sendable.iter().map(|c| &c.id).collect();
    let images = doc
        .images
        .into_iter()
        .map(|r| {
            let planned = sendable_ids.iter().any(|id| id.as_str() == r.image_id);
            PlannedImage {
                image_id: r.image_id,
                name: r.name,
                plan: if planned {
                    task.action.verb().to_string()
                } else {
                    "skip".to_string()
                },
                error: if planned { None } else { r.error },
            }
        })
        .collect();
    Finished::ok(
        Document::DryRun(DryRunDoc {
            dry_run: true,
            images,
            requests,
        }),
        Exit::Ok,
    )
}

fn splittable(e: &crate::error::ServiceError) -> bool {
    e.status == 400 && !REQUEST_LEVEL_CODES.contains(&e.code.as_str())
}

fn run_batch(
    session: &Session,
    out: &Output,
    task: &ChangeTask,
    progress: &ChangeProgress,
    sendable: &[Candidate],
) -> Finished {
    let target = task.action.target();
    let mut queue = plan_chunks(
        sendable,
        task.batch_size,
        task.vault_id.as_deref(),
        task.action,
    );
    out.spin(&format!(
        "submitting {} image{} in {} request{}…",
        sendable.len(),
        if sendable.len() == 1 { "" } else { "s" },
        queue.len(),
        if queue.len() == 1 { "" } else { "s" }
    ));
    let mut job_images: HashMap<JobId, Vec<ImageId>> = HashMap::new();
    let mut fatal_error: Option<Error> = None;
    let mut notes = Vec::new();
    while !queue.is_empty() {
        let halt = AtomicBool::new(false);
        let results = crate::pool::run(
            &queue,
            task.concurrency,
            !session.proven(),
            &|| session.stopped() || crate::interrupt::is_set() || halt.load(Ordering::SeqCst),
            &|chunk: &Chunk| {
                progress.update(&chunk.images, |e| e.phase = Phase::Sending);
                progress.batch_puts_in_flight.fetch_add(1, Ordering::SeqCst);
                let r = ims::submit(session, &chunk.images, target, chunk.vault_id.as_deref());
                if let Ok(job) = &r {
                    // Record the job before anything else can happen, and tell the user at once.
                    let now = Instant::now();
                    progress
                        .jobs
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(Tracked::new(
                            job.clone(),
                            now,
                            now + crate::poll::next_gap(std::time::Duration::ZERO, task.interval),
                        ));
                    progress.update(&chunk.images, |e| {
                        e.row.job_id = Some(job.clone());
                        e.phase = Phase::Sent(job.clone());
                    });
                    out.note(&format!(
                        "submitted job {job}; resume with: ims-share wait {job}"
                    ));
                }
                progress.batch_puts_in_flight.fetch_sub(1, Ordering::SeqCst);
                if matches!(r, Err(Error::Unavailable { .. })) {
                    halt.store(true, Ordering::SeqCst);
                }
                r
            },
        );
        let mut next = Vec::new();
        for (chunk, result) in queue.iter().zip(results) {
            match result {
                None => progress.update(&chunk.images, |e| e.phase = Phase::Waiting),
                Some(Ok(job)) => {
                    job_images
                        .entry(job)
                        .or_default()
                        .extend(chunk.images.iter().cloned());
                }
                Some(Err(Error::Service(e))) if chunk.images.len() > 1 && splittable(&e) => {
                    // Refused as a whole: halve it until the images at fault stand alone.
                    // Safe to resend: the request sets an absolute state.
                    progress.update(&chunk.images, |en| en.phase = Phase::Waiting);
                    let mid = chunk.images.len() / 2;
                    for half in [&chunk.images[..mid], &chunk.images[mid..]] {
                        next.push(Chunk {
                            images: half.to_vec(),
                            vault_id: chunk.vault_id.clone(),
                        });
                    }
                }
                Some(Err(Error::Service(e))) => {
                    for id in &chunk.images {
                        progress.finish(
                            id,
                            Outcome::Failed,
                            Some(ErrorInfo::new(&e.code, &e.message)),
                        );
                    }
                }
                Some(Err(Error::Stopped)) => {
                    progress.update(&chunk.images, |e| e.phase = Phase::Waiting)
                }
                Some(Err(e @ Error::Unavailable { .. })) => {
                    notes.push(format!(
                        "the request for {} image{} may have reached the service: a job may have been created; `ims-share status` shows their state",
                        chunk.images.len(),
                        if chunk.images.len() == 1 { "" } else { "s" }
                    ));
                    for id in &chunk.images {
                        progress.finish(id, Outcome::Failed, Some(e.info()));
                    }
                    fatal_error.get_or_insert(e);
                }
                Some(Err(e)) => {
                    progress.update(&chunk.images, |en| en.phase = Phase::Waiting);
                    if fatal_error.is_none() || matches!(e, Error::Auth(_)) {
                        fatal_error = Some(e);
                    }
                }
            }
        }
        if fatal_error.is_some() || crate::interrupt::is_set() {
            break;
        }
        queue = next;
    }
    if let Some(Error::Interrupted) = fatal_error {
        return progress.interrupted();
    }
    if crate::interrupt::is_set() {
        return progress.interrupted();
    }
    let submitted = progress.submitted_jobs();
    if let Some(e) = fatal_error {
        if !submitted.is_empty() {
            notes.push(format!(
                "jobs submitted before the failure: resume with: {}",
                resume_line(&submitted)
            ));
        }
        return Finished {
            doc: Some(Document::Change(
                progress.doc("not sent: stopped by the error above"),
            )),
            exit: e.exit(),
            fatal: Some(e),
            summary: None,
            notes,
        };
    }
    if task.no_wait {
        let doc = progress.doc("not sent");
        let failed = doc.images.iter().any(|r| r.status == Outcome::Failed);
        return Finished {
            doc: Some(Document::Change(doc)),
            exit: if failed { Exit::Failed } else { Exit::Ok },
            fatal: None,
            summary: None,
            notes,
        };
    }
    let deadline = Instant::now() + task.timeout;
    let end = if submitted.is_empty() {
        WaitEnd::AllDone
    } else {
        wait_jobs(
            session,
            out,
            &progress.jobs,
            Some(deadline),
            task.interval,
            false,
        )
    };
    out.clear_spinner();
    if matches!(end, WaitEnd::Interrupted) {
        return progress.interrupted();
    }
    settle_jobs(session, task, progress, &job_images);
    let doc = progress.doc("not sent");
    let mut exit = if doc.images.iter().any(|r| r.status == Outcome::Failed) {
        Exit::Failed
    } else {
        Exit::Ok
    };
    let running = progress.unfinished_jobs();
    match end {
        WaitEnd::TimedOut => {
            exit = exit.worst(Exit::TimedOut);
            notes.push(format!(
                "timed out after {} with {} job{} still running; resume with: {}",
                humantime::format_duration(task.timeout),
                running.len(),
                if running.len() == 1 { "" } else { "s" },
                resume_line(&running)
            ));
        }
        WaitEnd::Fatal(e) => {
            if !running.is_empty() {
                notes.push(format!(
                    "jobs not finished: resume with: {}",
                    resume_line(&running)
                ));
            }
            return Finished {
                doc: Some(Document::Change(doc)),
                exit: e.exit(),
                fatal: Some(e),
                summary: None,
                notes,
            };
        }
        WaitEnd::AllDone | WaitEnd::Interrupted => {}
    }
    Finished {
        doc: Some(Document::Change(doc)),
        exit,
        fatal: None,
        summary: None,
        notes,
    }
}

/// Turns finished jobs into per-image outcomes; images a job did not name get one member GET.
fn settle_jobs(
    session: &Session,
    task: &ChangeTask,
    progress: &ChangeProgress,
    job_images: &HashMap<JobId, Vec<ImageId>>,
) {
    let target = task.action.target();
    let tracked: Vec<Tracked> = progress
        .jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let mut unknown: Vec<(ImageId, Job)> = Vec::new();
    for t in &tracked {
        let images = job_images.get(&t.job).cloned().unwrap_or_default();
        if let Some(refused) = &t.refused {
            for id in &images {
                progress.finish(
                    id,
                    Outcome::Failed,
                    Some(ErrorInfo::new(&refused.code, &refused.message)),
                );
            }
            continue;
        }
        let Some(job) = &t.last else { continue };
        for id in &images {
            match verdict(job, id) {
                Verdict::Done => progress.finish(id, task.action.done_outcome(), None),
                Verdict::Failed(info) => progress.finish(id, Outcome::Failed, Some(info)),
                Verdict::Unknown => unknown.push((id.clone(), job.clone())),
                Verdict::Pending => {}
            }
        }
    }
    let member_id = session.project_id().to_string();
    let checks = crate::pool::run(
        &unknown,
        task.concurrency,
        false,
        &|| session.stopped() || crate::interrupt::is_set(),
        &|(id, _)| glance::member(session, id, &member_id),
    );
    for ((id, job), check) in unknown.iter().zip(checks) {
        let v = match check {
            Some(m) => verdict_from_member(job, &m, target),
            None => continue,
        };
        match v {
            Verdict::Done => progress.finish(id, task.action.done_outcome(), None),
            Verdict::Failed(info) => progress.finish(id, Outcome::Failed, Some(info)),
            Verdict::Unknown | Verdict::Pending => {}
        }
    }
}

fn run_per_image(
    session: &Session,
    out: &Output,
    task: &ChangeTask,
    progress: &ChangeProgress,
    sendable: &[Candidate],
) -> Finished {
    let target = task.action.target();
    let member_id = task
        .member_id
        .clone()
        .unwrap_or_else(|| session.project_id().to_string());
    let halt = AtomicBool::new(false);
    let done = AtomicUsize::new(0);
    let started = Instant::now();
    let results = crate::pool::run(
        sendable,
        task.concurrency,
        !session.proven(),
        &|| session.stopped() || crate::interrupt::is_set() || halt.load(Ordering::SeqCst),
        &|c: &Candidate| {
            progress.update(std::slice::from_ref(&c.id), |e| e.phase = Phase::Sending);
            let vault = (task.action == Action::Accept && c.whole_image)
                .then_some(())
                .and(task.vault_id.as_deref());
            let r = glance::update_member(session, &c.id, &member_id, target, vault);
            let n = done.fetch_add(1, Ordering::SeqCst) + 1;
            out.spin(&format!(
                "{} images: {n} of {} done · {}s",
                task.action.verb(),
                sendable.len(),
                started.elapsed().as_secs()
            ));
            if matches!(r, Err(Error::Unavailable { .. })) {
                halt.store(true, Ordering::SeqCst);
            }
            r
        },
    );
    let mut fatal_error: Option<Error> = None;
    for (c, result) in sendable.iter().zip(results) {
        match result {
            None => progress.update(std::slice::from_ref(&c.id), |e| e.phase = Phase::Waiting),
            Some(Ok(member)) => {
                let reached =
                    member.status.as_deref().and_then(MemberStatus::parse) == Some(target);
                progress.update(std::slice::from_ref(&c.id), |e| {
                    e.row.member_id = member.member_id.clone().or_else(|| Some(member_id.clone()));
                    e.row.created_at = member.created_at.clone();
                    e.row.updated_at = member.updated_at.clone();
                });
                if reached {
                    progress.finish(&c.id, task.action.done_outcome(), None);
                } else {
                    progress.finish(
                        &c.id,
                        Outcome::Failed,
                        Some(ErrorInfo::new(
                            "unexpected_status",
                            format!(
                                "the service answered member status '{}'",
                                member.status.as_deref().unwrap_or("none")
                            ),
                        )),
                    );
                }
            }
            Some(Err(Error::Service(e))) => {
                progress.finish(
                    &c.id,
                    Outcome::Failed,
                    Some(ErrorInfo::new(&e.code, &e.message)),
                );
            }
            Some(Err(Error::Stopped)) | Some(Err(Error::Interrupted)) => {}
            Some(Err(e @ Error::Unavailable { .. })) => {
                progress.finish(&c.id, Outcome::Failed, Some(e.info()));
                fatal_error.get_or_insert(e);
            }
            Some(Err(e)) => {
                progress.update(std::slice::from_ref(&c.id), |en| en.phase = Phase::Waiting);
                if fatal_error.is_none() || matches!(e, Error::Auth(_)) {
                    fatal_error = Some(e);
                }
            }
        }
    }
    if crate::interrupt::is_set() {
        return progress.interrupted();
    }
    let doc = progress.doc("not sent: stopped by the error above");
    if let Some(e) = fatal_error {
        return Finished {
            doc: Some(Document::Change(doc)),
            exit: e.exit(),
            fatal: Some(e),
            summary: None,
            notes: Vec::new(),
        };
    }
    let failed = doc.images.iter().any(|r| r.status == Outcome::Failed);
    Finished::ok(
        Document::Change(doc),
        if failed { Exit::Failed } else { Exit::Ok },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::JobResult;

    fn id(s: &str) -> ImageId {
        ImageId::parse(s).unwrap()
    }

    const A: &str = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
    const B: &str = "0b680482-acaa-4045-b14c-9a8c7dfe9c70";

    fn job(status: &str, results: Option<Vec<(&str, &str)>>) -> Job {
        Job {
            status: Some(status.into()),
            error_code: Some("IMG.0046".into()),
            fail_reason: Some("image unavailable".into()),
            results: results.map(|r| {
                r.into_iter()
                    .map(|(i, s)| JobResult {
                        image_id: Some(i.into()),
                        status: Some(s.into()),
                        ..JobResult::default()
                    })
                    .collect()
            }),
            ..Job::default()
        }
    }

    #[test]
    fn results_decide_each_image_in_any_case() {
        let j = job("FAIL", Some(vec![(A, "SUCCESS"), (B, "fail")]));
        assert_eq!(verdict(&j, &id(A)), Verdict::Done);
        assert_eq!(
            verdict(&j, &id(B)),
            Verdict::Failed(ErrorInfo::new("IMG.0046", "image unavailable"))
        );
    }

    #[test]
    fn running_jobs_and_missing_results() {
        assert_eq!(verdict(&job("RUNNING", None), &id(A)), Verdict::Pending);
        assert_eq!(verdict(&job("SUCCESS", None), &id(A)), Verdict::Unknown);
        assert_eq!(
            verdict(&job("SUCCESS", Some(vec![(B, "success")])), &id(A)),
            Verdict::Unknown
        );
    }

    #[test]
    fn a_missing_image_is_settled_by_its_member_status() {
        let ok = Job {
            status: Some("SUCCESS".into()),
            ..Job::default()
        };
        let accepted = Member {
            status: Some("accepted".into()),
            ..Member::default()
        };
        let pending = Member {
            status: Some("pending".into()),
            ..Member::default()
        };
        assert_eq!(
            verdict_from_member(&ok, &Ok(accepted), MemberStatus::Accepted),
            Verdict::Done
        );
        match verdict_from_member(&ok, &Ok(pending), MemberStatus::Accepted) {
            Verdict::Failed(e) => assert_eq!(e.code, "not_in_results"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn full_ecs_images_get_their_own_vaulted_chunks() {
        let cands = vec![
            Candidate {
                id: id(A),
                name: None,
                whole_image: false,
            },
            Candidate {
                id: id(B),
                name: None,
                whole_image: true,
            },
        ];
        let chunks = plan_chunks(&cands, 100, Some("v1"), Action::Accept);
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[0].vault_id, None);
        assert_eq!(chunks[0].images, vec![id(A)]);
        assert_eq!(chunks[1].vault_id.as_deref(), Some("v1"));
        let rejecting = plan_chunks(&cands, 100, None, Action::Reject);
        assert_eq!(rejecting.len(), 1);
        assert_eq!(rejecting[0].images.len(), 2);
        let five: Vec<Candidate> = (0..5).map(|_| cands[0].clone()).collect();
        let small = plan_chunks(&five, 2, None, Action::Accept);
        assert_eq!(
            small.iter().map(|c| c.images.len()).collect::<Vec<_>>(),
            vec![2, 2, 1]
        );
    }
}
