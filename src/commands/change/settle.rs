//! The waiting half of a batch run: poll every job until it ends (or the deadline), then turn
//! what each finished job says into per-image outcomes.

use super::ledger::ChangeLedger;
use crate::api::glance;
use crate::api::ims::{Verdict, verdict, verdict_from_member};
use crate::api::session::Session;
use crate::api::wire::Job;
use crate::commands::Ledger;
use crate::commands::Report;
use crate::domain::{ImageId, JobId, Outcome};
use crate::error::Exit;
use crate::output::Output;
use crate::poll::{Missing, WaitEnd, wait_jobs};
use crate::report::{Document, ErrorInfo};
use crate::settings::ChangeTask;
use crate::text::s;
use std::collections::HashMap;
use std::time::Instant;

pub(super) fn wait_and_settle(
    session: &Session,
    out: &Output,
    task: &ChangeTask,
    ledger: &ChangeLedger,
    job_images: &HashMap<JobId, Vec<ImageId>>,
    mut notes: Vec<String>,
) -> Report {
    let deadline = Instant::now() + task.timeout;
    let end = if ledger.submitted_jobs().is_empty() {
        WaitEnd::AllDone
    } else {
        wait_jobs(
            session,
            out,
            &ledger.jobs,
            Some(deadline),
            task.interval,
            false,
            Missing::Hint,
        )
    };
    out.clear_spinner();
    if matches!(end, WaitEnd::Interrupted) {
        return ledger.so_far();
    }
    settle_jobs(session, task, ledger, job_images);
    let doc = ledger.doc("not sent");
    let mut exit = if doc.images.iter().any(|r| r.status == Outcome::Failed) {
        Exit::Failed
    } else {
        Exit::Ok
    };
    let running = ledger.unfinished_jobs();
    match end {
        WaitEnd::TimedOut => {
            exit = exit.worst(Exit::TimedOut);
            notes.push(format!(
                "timed out after {} with {} job{} still running; resume with: {}",
                humantime::format_duration(task.timeout),
                running.len(),
                s(running.len()),
                ledger.resume_line(&running)
            ));
        }
        WaitEnd::Fatal(e) => {
            if !running.is_empty() {
                notes.push(format!(
                    "jobs not finished: resume with: {}",
                    ledger.resume_line(&running)
                ));
            }
            return Report {
                doc: Some(Document::Change(doc)),
                exit: e.exit(),
                error: Some(e),
                summary: None,
                notes,
            };
        }
        WaitEnd::AllDone | WaitEnd::Interrupted => {}
    }
    Report {
        doc: Some(Document::Change(doc)),
        exit,
        error: None,
        summary: None,
        notes,
    }
}

/// Turns finished jobs into per-image outcomes; images a job did not name get one member GET.
fn settle_jobs(
    session: &Session,
    task: &ChangeTask,
    ledger: &ChangeLedger,
    job_images: &HashMap<JobId, Vec<ImageId>>,
) {
    let target = task.action.target();
    let tracked = ledger.tracked_jobs();
    let mut unknown: Vec<(ImageId, Job)> = Vec::new();
    for t in &tracked {
        let images = job_images.get(&t.job).cloned().unwrap_or_default();
        if let Some(refused) = &t.refused {
            for id in &images {
                ledger.finish(
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
                Verdict::Done => ledger.finish(id, task.action.done_outcome(), None),
                Verdict::Failed(info) => ledger.finish(id, Outcome::Failed, Some(info)),
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
            Verdict::Done => ledger.finish(id, task.action.done_outcome(), None),
            Verdict::Failed(info) => ledger.finish(id, Outcome::Failed, Some(info)),
            Verdict::Unknown | Verdict::Pending => {}
        }
    }
}
