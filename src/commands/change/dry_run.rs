//! `--dry-run`: the plan and the requests that would be sent, and nothing sent.

use super::batch::plan_chunks;
use super::ledger::ChangeLedger;
use super::select::Candidate;
use crate::api::session::Session;
use crate::api::{glance, ims};
use crate::commands::Report;
use crate::domain::Action;
use crate::error::Exit;
use crate::report::{Document, DryRunDoc, PlanRow, PlannedRequest};
use crate::settings::{ChangeTask, Mode};
use std::collections::HashSet;

pub(super) fn dry_run(
    session: &Session,
    task: &ChangeTask,
    ledger: &ChangeLedger,
    sendable: &[Candidate],
) -> Report {
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
                        task.member_id.as_deref().unwrap_or(session.project_id()),
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
                let vault = task
                    .vault_id
                    .as_deref()
                    .filter(|_| task.action == Action::Accept);
                requests.push(PlannedRequest {
                    method: "PUT".into(),
                    url: format!("{base}{}", glance::member_path(&c.id, &member)),
                    body: glance::member_body(target, vault),
                });
            }
        }
    }
    let doc = ledger.doc("dry run");
    let sendable_ids: HashSet<&str> = sendable.iter().map(|c| c.id.as_str()).collect();
    let images = doc
        .images
        .into_iter()
        .map(|r| {
            let planned = sendable_ids.contains(r.image_id.as_str());
            PlanRow {
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
    Report::ok(
        Document::DryRun(DryRunDoc {
            dry_run: true,
            images,
            requests,
        }),
        Exit::Ok,
    )
}
