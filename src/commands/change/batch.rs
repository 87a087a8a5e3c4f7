//! Batch mode: the images go in chunks of `--batch-size` to `PUT /v1/cloudimages/members`, each
//! chunk becomes a job whose id is recorded and printed the moment it exists, and a chunk the
//! service refuses as a whole is halved until the images at fault stand alone.

use super::ledger::ChangeLedger;
use super::select::Candidate;
use super::settle::wait_and_settle;
use crate::api::ims;
use crate::api::session::Session;
use crate::commands::Report;
use crate::commands::{Ledger, resume_line};
use crate::domain::{Action, ImageId, JobId, Outcome};
use crate::error::{Error, Exit, ServiceError};
use crate::output::Output;
use crate::report::{Document, ErrorInfo};
use crate::settings::ChangeTask;
use crate::text::s;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// IMS codes that refuse a batch for reasons no image is to blame for: splitting the batch
/// would only repeat the refusal (IMS-API.md §8c).
const REQUEST_LEVEL_CODES: &[&str] = &[
    "IMG.0007", "IMG.0017", "IMG.0030", "IMG.0067", "IMG.0087", "IMG.0104", "IMG.0145",
];

/// One batch request: a chunk of images, with the vault when they are full-ECS images.
#[derive(Debug, Clone)]
pub(super) struct Chunk {
    pub(super) images: Vec<ImageId>,
    pub(super) vault_id: Option<String>,
}

/// The requests of a run, `batch_size` images each. With `--vault-id`, every accept request
/// carries the vault, as the API documents' own examples do for batches that mix full-ECS and
/// ordinary images: which images are full-ECS is not always known in advance.
pub(super) fn plan_chunks(
    candidates: &[Candidate],
    batch_size: usize,
    vault_id: Option<&str>,
    action: Action,
) -> Vec<Chunk> {
    let vault = vault_id.filter(|_| action == Action::Accept);
    candidates
        .chunks(batch_size.max(1))
        .map(|c| Chunk {
            images: c.iter().map(|c| c.id.clone()).collect(),
            vault_id: vault.map(str::to_string),
        })
        .collect()
}

/// A 400 that says a vault is missing and names an image of the chunk (a service may refuse a
/// whole batch for one full-ECS image, IMS-API.md §14a).
fn needs_a_vault(e: &ServiceError, chunk: &Chunk) -> bool {
    e.status == 400
        && chunk.vault_id.is_none()
        && e.message.to_ascii_lowercase().contains("vault")
        && chunk
            .images
            .iter()
            .any(|id| e.message.contains(id.as_str()))
}

fn splittable(e: &ServiceError) -> bool {
    e.status == 400 && !REQUEST_LEVEL_CODES.contains(&e.code.as_str())
}

/// What the submitting half of a batch run ended with.
struct Submission {
    job_images: HashMap<JobId, Vec<ImageId>>,
    fatal: Option<Error>,
    notes: Vec<String>,
}

pub(super) fn run_batch(
    session: &Session,
    out: &Output,
    task: &ChangeTask,
    ledger: &ChangeLedger,
    sendable: &[Candidate],
) -> Report {
    let Submission {
        job_images,
        fatal,
        mut notes,
    } = submit_all(session, out, task, ledger, sendable);
    if matches!(fatal, Some(Error::Interrupted)) || crate::interrupt::is_set() {
        return ledger.so_far();
    }
    let submitted = ledger.submitted_jobs();
    if let Some(e) = fatal {
        if !submitted.is_empty() {
            notes.push(format!(
                "jobs submitted before the failure: resume with: {}",
                ledger.resume_line(&submitted)
            ));
        }
        return Report {
            doc: Some(Document::Change(
                ledger.doc("not sent: stopped by the error above"),
            )),
            exit: e.exit(),
            error: Some(e),
            summary: None,
            notes,
        };
    }
    if task.no_wait {
        let doc = ledger.doc("not sent");
        let failed = doc.images.iter().any(|r| r.status == Outcome::Failed);
        return Report {
            doc: Some(Document::Change(doc)),
            exit: if failed { Exit::Failed } else { Exit::Ok },
            error: None,
            summary: None,
            notes,
        };
    }
    wait_and_settle(session, out, task, ledger, &job_images, notes)
}

/// Sends every chunk, splitting those refused as a whole, until all are sent or something
/// stops the run (an authentication failure, a service that cannot be reached, Ctrl-C).
fn submit_all(
    session: &Session,
    out: &Output,
    task: &ChangeTask,
    ledger: &ChangeLedger,
    sendable: &[Candidate],
) -> Submission {
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
        s(sendable.len()),
        queue.len(),
        s(queue.len())
    ));
    let mut done = Submission {
        job_images: HashMap::new(),
        fatal: None,
        notes: Vec::new(),
    };
    while !queue.is_empty() {
        let halt = AtomicBool::new(false);
        let results = crate::pool::run(
            &queue,
            task.concurrency,
            !session.proven(),
            &|| session.stopped() || crate::interrupt::is_set() || halt.load(Ordering::SeqCst),
            &|chunk: &Chunk| {
                ledger.sending(&chunk.images);
                ledger.batch_put_started();
                let r = ims::submit(
                    session,
                    &chunk.images,
                    task.member_id.as_deref(),
                    target,
                    chunk.vault_id.as_deref(),
                );
                if let Ok(job) = &r {
                    // Record the job before anything else can happen, and tell the user at once.
                    ledger.submitted(job, &chunk.images, task.interval);
                    out.note(&format!(
                        "submitted job {job}; resume with: {}",
                        resume_line(&task.resume, std::slice::from_ref(job))
                    ));
                }
                ledger.batch_put_ended(matches!(r, Err(Error::Interrupted)));
                if matches!(r, Err(Error::Unavailable { .. })) {
                    halt.store(true, Ordering::SeqCst);
                }
                r
            },
        );
        let mut next = Vec::new();
        for (chunk, result) in queue.iter().zip(results) {
            take_answer(ledger, chunk, result, &mut next, &mut done);
        }
        if done.fatal.is_some() || crate::interrupt::is_set() {
            break;
        }
        queue = next;
    }
    done
}

/// Books the answer to one chunk: its job, its halves to resend, or its failure.
fn take_answer(
    ledger: &ChangeLedger,
    chunk: &Chunk,
    result: Option<Result<JobId, Error>>,
    next: &mut Vec<Chunk>,
    done: &mut Submission,
) {
    match result {
        None => ledger.unsent(&chunk.images),
        Some(Ok(job)) => {
            done.job_images
                .entry(job)
                .or_default()
                .extend(chunk.images.iter().cloned());
        }
        Some(Err(Error::Service(e))) if !chunk.images.is_empty() && needs_a_vault(&e, chunk) => {
            // Refused for full-ECS images without a vault (the listing did not mark them):
            // those the message names are `vault_required`, the rest goes again, once.
            let named: Vec<ImageId> = chunk
                .images
                .iter()
                .filter(|id| e.message.contains(id.as_str()))
                .cloned()
                .collect();
            for id in &named {
                ledger.finish(id, Outcome::Failed, Some(super::vault_required()));
            }
            let rest: Vec<ImageId> = chunk
                .images
                .iter()
                .filter(|id| !named.contains(id))
                .cloned()
                .collect();
            ledger.unsent(&rest);
            if !rest.is_empty() {
                next.push(Chunk {
                    images: rest,
                    vault_id: chunk.vault_id.clone(),
                });
            }
        }
        Some(Err(Error::Service(e))) if chunk.images.len() > 1 && splittable(&e) => {
            // Refused as a whole: halve it until the images at fault stand alone.
            // Safe to resend: the request sets an absolute state.
            ledger.unsent(&chunk.images);
            let mid = chunk.images.len() / 2;
            for half in [&chunk.images[..mid], &chunk.images[mid..]] {
                next.push(Chunk {
                    images: half.to_vec(),
                    vault_id: chunk.vault_id.clone(),
                });
            }
        }
        Some(Err(Error::Service(e))) => {
            if let Some(hint) = &e.hint {
                let line = format!("hint: {hint}");
                if !done.notes.contains(&line) {
                    done.notes.push(line);
                }
            }
            for id in &chunk.images {
                ledger.finish(
                    id,
                    Outcome::Failed,
                    Some(ErrorInfo::new(&e.code, &e.message)),
                );
            }
        }
        Some(Err(Error::Stopped)) => ledger.unsent(&chunk.images),
        // Ctrl-C while the request was on the wire: its images stay "sent, outcome unknown".
        Some(Err(Error::Interrupted)) => {
            done.fatal.get_or_insert(Error::Interrupted);
        }
        Some(Err(e @ Error::Unavailable { .. })) => {
            done.notes.push(format!(
                "the request for {} image{} may have reached the service: a job may have been created; `ims-share status` shows their state",
                chunk.images.len(),
                s(chunk.images.len())
            ));
            for id in &chunk.images {
                ledger.finish(id, Outcome::Failed, Some(e.info()));
            }
            done.fatal.get_or_insert(e);
        }
        Some(Err(e)) => {
            ledger.unsent(&chunk.images);
            if done.fatal.is_none() || matches!(e, Error::Auth(_)) {
                done.fatal = Some(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "d164b5df-1bc3-4c3f-893e-3e471fd16e64";
    const B: &str = "0b680482-acaa-4045-b14c-9a8c7dfe9c70";

    fn id(s: &str) -> ImageId {
        ImageId::parse(s).unwrap()
    }

    fn candidate(id_: &str, whole_image: bool) -> Candidate {
        Candidate {
            id: id(id_),
            name: None,
            whole_image,
        }
    }

    #[test]
    fn a_vault_goes_with_every_accept_request() {
        let cands = vec![candidate(A, false), candidate(B, true)];
        let chunks = plan_chunks(&cands, 100, Some("v1"), Action::Accept);
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].images, vec![id(A), id(B)]);
        assert_eq!(chunks[0].vault_id.as_deref(), Some("v1"));
        let rejecting = plan_chunks(&cands, 100, Some("v1"), Action::Reject);
        assert_eq!(
            rejecting[0].vault_id, None,
            "a reject never carries a vault"
        );
        let five: Vec<Candidate> = (0..5).map(|_| cands[0].clone()).collect();
        let small = plan_chunks(&five, 2, None, Action::Accept);
        assert_eq!(
            small.iter().map(|c| c.images.len()).collect::<Vec<_>>(),
            vec![2, 2, 1]
        );
    }
}
