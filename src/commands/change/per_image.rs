//! Per-image mode: one `PUT /v2/images/{id}/members/{member}` per image, `--concurrency` at a
//! time, the first alone until the credentials are proven.

use super::ledger::ChangeLedger;
use super::select::Candidate;
use crate::api::glance;
use crate::api::session::Session;
use crate::commands::Ledger;
use crate::commands::Report;
use crate::domain::{Action, MemberStatus, Outcome};
use crate::error::{Error, Exit};
use crate::output::Output;
use crate::report::{Document, ErrorInfo, code};
use crate::settings::ChangeTask;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

pub(super) fn run_per_image(
    session: &Session,
    out: &Output,
    task: &ChangeTask,
    ledger: &ChangeLedger,
    sendable: &[Candidate],
) -> Report {
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
            ledger.sending(std::slice::from_ref(&c.id));
            let vault = task
                .vault_id
                .as_deref()
                .filter(|_| task.action == Action::Accept);
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
    // Glance answers 403 per image (your own image, one you may not change): that image's
    // failure. Only when every image was refused is it the credentials' fault (exit 3).
    let mut refused: Option<Error> = None;
    let mut refusals = 0;
    for (c, result) in sendable.iter().zip(results) {
        match result {
            None => ledger.unsent(std::slice::from_ref(&c.id)),
            Some(Ok(member)) => {
                let reached =
                    member.status.as_deref().and_then(MemberStatus::parse) == Some(target);
                ledger.set_member(
                    &c.id,
                    member.member_id.clone().or_else(|| Some(member_id.clone())),
                    member.created_at.clone(),
                    member.updated_at.clone(),
                );
                if reached {
                    ledger.finish(&c.id, task.action.done_outcome(), None);
                } else {
                    ledger.finish(
                        &c.id,
                        Outcome::Failed,
                        Some(ErrorInfo::new(
                            code::UNEXPECTED_STATUS,
                            format!(
                                "the service answered member status '{}'",
                                member.status.as_deref().unwrap_or("none")
                            ),
                        )),
                    );
                }
            }
            Some(Err(Error::Service(e))) => {
                ledger.finish(
                    &c.id,
                    Outcome::Failed,
                    Some(ErrorInfo::new(&e.code, &e.message)),
                );
            }
            Some(Err(Error::Auth(e))) if e.status == 403 => {
                let code = if e.code == format!("HTTP {}", e.status) {
                    "forbidden".to_string()
                } else {
                    e.code.clone()
                };
                ledger.finish(
                    &c.id,
                    Outcome::Failed,
                    Some(ErrorInfo::new(code, &e.message)),
                );
                refusals += 1;
                refused.get_or_insert(Error::Auth(e));
            }
            Some(Err(Error::Stopped)) | Some(Err(Error::Interrupted)) => {}
            Some(Err(e @ Error::Unavailable { .. })) => {
                ledger.finish(&c.id, Outcome::Failed, Some(e.info()));
                fatal_error.get_or_insert(e);
            }
            Some(Err(e)) => {
                ledger.unsent(std::slice::from_ref(&c.id));
                if fatal_error.is_none() || matches!(e, Error::Auth(_)) {
                    fatal_error = Some(e);
                }
            }
        }
    }
    if crate::interrupt::is_set() {
        return ledger.so_far();
    }
    let doc = ledger.doc("not sent: stopped by the error above");
    if fatal_error.is_none() && refusals == sendable.len() {
        fatal_error = refused;
    }
    if let Some(e) = fatal_error {
        return Report {
            doc: Some(Document::Change(doc)),
            exit: e.exit(),
            error: Some(e),
            summary: None,
            notes: Vec::new(),
        };
    }
    let failed = doc.images.iter().any(|r| r.status == Outcome::Failed);
    Report::ok(
        Document::Change(doc),
        if failed { Exit::Failed } else { Exit::Ok },
    )
}
