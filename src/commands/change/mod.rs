//! accept and reject: choose the images, send the batch jobs or the per-image updates, wait,
//! and report each image's outcome (PRODUCT.md "accept / reject").

mod batch;
mod dry_run;
mod ledger;
mod per_image;
mod select;
mod settle;

pub(crate) use ledger::{ChangeLedger, OnSubmit};
use select::Candidate;

use crate::api::session::Session;
use crate::commands::Report;
use crate::commands::lookup;
use crate::domain::{Action, ImageId, ImageRef, Outcome};
use crate::error::Exit;
use crate::output::Output;
use crate::report::{ChangeDoc, Document, ErrorInfo, code};
use crate::settings::{ChangeTask, Mode, Selection};
use crate::text::s;
use std::collections::HashSet;

pub(crate) fn run(
    session: &Session,
    out: &Output,
    task: &ChangeTask,
    ledger: &ChangeLedger,
) -> Report {
    ledger.set_mode(task.mode == Mode::PerImage, task.no_wait, &task.resume);
    // Ids given directly are known before any request: if the listing fails, they are
    // reported `not_sent`, not forgotten.
    if let Selection::Images(refs) = &task.selection
        && !lookup::has_names(refs)
    {
        let given: Vec<Candidate> = refs
            .iter()
            .filter_map(|r| match r {
                ImageRef::Id(id) => Some(Candidate {
                    id: id.clone(),
                    name: None,
                    whole_image: false,
                }),
                ImageRef::Name(_) => None,
            })
            .collect();
        ledger.set_candidates(&given);
    }
    if let Some(v) = task
        .vault_id
        .as_deref()
        .filter(|_| task.action == Action::Accept)
    {
        out.trace(&format!(
            "--vault-id {v}: sent with every accept request ({})",
            match task.mode {
                Mode::Batch => "the batch body's vault_id",
                Mode::PerImage => "the vault_id of each member PUT body",
            }
        ));
    }
    let candidates = match select::select(session, out, task) {
        Ok(c) => c,
        // Esc or Ctrl-C in the picker: nothing was sent, so nothing is "before the failure".
        Err(crate::error::Error::Interrupted) if matches!(task.selection, Selection::Pick(_)) => {
            let mut report = Report::exit_only(Exit::Interrupted);
            report.doc = Some(Document::Change(ledger.doc("not sent")));
            report.notes.push("cancelled: nothing was sent".into());
            return report;
        }
        Err(e) => {
            // Exit 1 still writes the (empty) document; 2, 3 and 5 leave stdout empty.
            let mut report = Report::failed(e);
            report.doc = Some(Document::Change(ledger.doc("not sent")));
            return report;
        }
    };
    if candidates.is_empty() {
        match &task.selection {
            Selection::AllPending { .. } => out.note(&format!(
                "nothing to {}: no pending images shared with you match",
                task.action.verb()
            )),
            Selection::Images(_) => out.note(&format!(
                "nothing to {}: no image ids on standard input",
                task.action.verb()
            )),
            // The picker said why; a sync sends no empty change.
            Selection::Pick(_) | Selection::Known(_) | Selection::Resolved(_) => {}
        }
        return Report::ok(
            Document::Change(ChangeDoc {
                images: vec![],
                jobs: vec![],
                per_image: task.mode == Mode::PerImage,
                no_wait: task.no_wait,
            }),
            Exit::Ok,
        );
    }
    ledger.set_candidates(&candidates);
    // Full-ECS images known from the listing cannot be accepted without a vault: say so,
    // and let the others go ahead.
    let blocked: HashSet<ImageId> = candidates
        .iter()
        .filter(|c| task.action == Action::Accept && c.whole_image && task.vault_id.is_none())
        .map(|c| c.id.clone())
        .collect();
    // A sync takes the vault from the policy's rule, not from a flag.
    let by_policy = matches!(task.selection, Selection::Known(_));
    for c in candidates.iter().filter(|c| blocked.contains(&c.id)) {
        let info = if by_policy {
            ErrorInfo::new(
                code::VAULT_REQUIRED,
                "full-ECS image: the rule that accepts it needs a vault_id",
            )
        } else {
            vault_required()
        };
        ledger.finish(&c.id, Outcome::Failed, Some(info));
    }
    if !blocked.is_empty() {
        out.hint(&format!(
            "{} full-ECS image{} need{} {} (a CBR server-backup vault); the other images go ahead",
            blocked.len(),
            s(blocked.len()),
            if blocked.len() == 1 { "s" } else { "" },
            if by_policy {
                "vault_id = \"VAULT_ID\" on the policy rule that accepts them"
            } else {
                "--vault-id VAULT_ID"
            }
        ));
    }
    let sendable: Vec<Candidate> = candidates
        .into_iter()
        .filter(|c| !blocked.contains(&c.id))
        .collect();
    if task.dry_run {
        return dry_run::dry_run(session, task, ledger, &sendable);
    }
    let report = match task.mode {
        Mode::Batch => batch::run_batch(session, out, task, ledger, &sendable),
        Mode::PerImage => per_image::run_per_image(session, out, task, ledger, &sendable),
    };
    out.clear_spinner();
    summarize(task.action, report)
}

/// The outcome of a full-ECS image to accept without `--vault-id`.
fn vault_required() -> ErrorInfo {
    ErrorInfo::new(
        code::VAULT_REQUIRED,
        "full-ECS image: accepting it needs --vault-id",
    )
}

fn summarize(action: Action, mut report: Report) -> Report {
    if let Some(Document::Change(doc)) = &report.doc {
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
        if !doc.images.is_empty() && report.error.is_none() {
            report.summary = Some(format!(
                "{} of {} image{}: {}",
                action.verb(),
                doc.images.len(),
                s(doc.images.len()),
                parts.join(", ")
            ));
        }
    }
    report
}
