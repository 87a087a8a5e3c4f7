//! `sync`: list what is shared with you, decide each image by the policy, and apply the
//! changes with the accept/reject machinery (one run per action and vault). What the policy
//! leaves as it is, or finds already so, is reported and not sent: a second run says `in sync`.

use crate::commands::change::{self, ChangeLedger, OnSubmit};
use crate::commands::lookup::{self, Listed};
use crate::commands::{Ledger, Report};
use crate::domain::{Action, MemberStatus};
use crate::error::Exit;
use crate::output::Output;
use crate::report::{ChangeDoc, Document, ErrorInfo, JobRefRow, SyncDoc, SyncRow, code};
use crate::settings::policy::{Facts, PolicyAction};
use crate::settings::{ChangeTask, KnownImage, Selection, SyncTask};
use crate::sync::lock;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// What a sync has decided and done so far, for Ctrl-C.
#[derive(Default)]
pub(crate) struct SyncLedger {
    rows: Mutex<Vec<SyncRow>>,
    jobs: Mutex<Vec<JobRefRow>>,
    /// The accepts and rejects under way.
    current: Mutex<Vec<Arc<ChangeLedger>>>,
    /// The journal's hooks, for accept and for reject.
    hooks: Mutex<Option<(OnSubmit, OnSubmit)>>,
}

impl SyncLedger {
    pub(crate) fn on_submit(&self, accept: OnSubmit, reject: OnSubmit) {
        *lock(&self.hooks) = Some((accept, reject));
    }

    /// The rows and jobs so far, with the notes of the accepts and rejects under way (a batch
    /// request in flight, the jobs still running and how to resume them).
    fn so_far_with_notes(&self) -> (SyncDoc, Vec<String>) {
        let mut rows = lock(&self.rows).clone();
        let mut jobs = lock(&self.jobs).clone();
        let mut notes = Vec::new();
        for current in lock(&self.current).iter() {
            let report = current.so_far();
            if let Some(Document::Change(d)) = report.doc {
                merge(&mut rows, &mut jobs, &d);
            }
            for n in report.notes {
                if n != "interrupted" && !notes.contains(&n) {
                    notes.push(n);
                }
            }
        }
        let doc = SyncDoc {
            dry_run: false,
            images: rows,
            jobs,
        };
        (doc, notes)
    }

    fn doc(&self) -> SyncDoc {
        self.so_far_with_notes().0
    }
}

impl Ledger for SyncLedger {
    fn so_far(&self) -> Report {
        let (mut doc, notes) = self.so_far_with_notes();
        not_sent(&mut doc.images, "not sent: interrupted before its request");
        let mut report = Report::exit_only(Exit::Interrupted);
        report.doc = Some(Document::Sync(doc));
        report.notes.push("interrupted".into());
        report.notes.extend(notes);
        report
    }
}

/// The outcome of each image of an accept or reject, into the sync's rows.
fn merge(rows: &mut [SyncRow], jobs: &mut Vec<JobRefRow>, d: &ChangeDoc) {
    let at: HashMap<&str, usize> = d
        .images
        .iter()
        .enumerate()
        .map(|(i, r)| (r.image_id.as_str(), i))
        .collect();
    for row in rows.iter_mut() {
        if let Some(&i) = at.get(row.image_id.as_str()) {
            let c = &d.images[i];
            row.status = c.status.as_str().to_string();
            row.job_id = c.job_id.as_ref().map(ToString::to_string);
            row.error = c.error.clone();
        }
    }
    for j in &d.jobs {
        if !jobs.iter().any(|k| k.job_id == j.job_id) {
            jobs.push(j.clone());
        }
    }
}

fn decide(task: &SyncTask, listed: &[Listed]) -> Vec<(SyncRow, Option<String>)> {
    let policy = task
        .policy
        .as_ref()
        .expect("the policy is read with the settings");
    let now = SystemTime::now();
    listed
        .iter()
        .map(|l| {
            let d = policy.decide(
                &Facts {
                    owner: l.owner.as_deref(),
                    name: l.name.as_deref(),
                    full_ecs: l.whole_image,
                    created_at: l.created_at.as_deref(),
                },
                now,
            );
            let change = match d.action {
                PolicyAction::Accept => l.member_status != MemberStatus::Accepted,
                PolicyAction::Reject => l.member_status != MemberStatus::Rejected,
                PolicyAction::Ignore => false,
            };
            let row = SyncRow {
                image_id: l.id.to_string(),
                status: l.member_status.as_str().to_string(),
                job_id: None,
                error: None,
                name: l.name.clone(),
                owner: l.owner.clone(),
                owner_name: l
                    .owner
                    .as_deref()
                    .and_then(|o| task.owners.name_of(o))
                    .map(str::to_string),
                member_status: l.member_status.as_str().to_string(),
                rule: d.rule,
                label: d.label,
                action: d.action.as_str().to_string(),
                change,
            };
            (row, d.vault_id)
        })
        .collect()
}

pub(crate) fn run(
    session: &crate::api::session::Session,
    out: &Output,
    task: &SyncTask,
    ledger: &SyncLedger,
) -> Report {
    let statuses: &[MemberStatus] = if task.include_decided {
        &MemberStatus::ALL
    } else {
        &[MemberStatus::Pending]
    };
    out.spin("listing the images shared with you…");
    let listed = match lookup::list(session, statuses) {
        Ok(l) => l,
        Err(e) => return Report::failed(e),
    };
    out.clear_spinner();
    let decided = decide(task, &listed);
    let changes = decided.iter().filter(|(r, _)| r.change).count();
    let rows: Vec<SyncRow> = decided.iter().map(|(r, _)| r.clone()).collect();
    if task.plan_only || changes == 0 {
        if changes == 0 {
            out.note(&format!(
                "in sync: {} image{} looked at, nothing to change",
                rows.len(),
                crate::text::s(rows.len())
            ));
        } else {
            out.note(&format!(
                "{changes} change{} to make (nothing sent)",
                crate::text::s(changes)
            ));
        }
        let exit = if task.check && changes > 0 {
            Exit::Changes
        } else {
            Exit::Ok
        };
        return Report::ok(
            Document::Sync(SyncDoc {
                dry_run: task.plan_only,
                images: rows,
                jobs: Vec::new(),
            }),
            exit,
        );
    }
    *lock(&ledger.rows) = rows;
    let by_id: HashMap<String, &Listed> = listed.iter().map(|l| (l.id.to_string(), l)).collect();
    // One accept or reject per action and vault, all at once (their jobs run side by side).
    let plans: Vec<(ChangeTask, Arc<ChangeLedger>)> = groups(&decided)
        .into_iter()
        .map(|(action, vault, ids)| {
            let images: Vec<KnownImage> = ids
                .iter()
                .filter_map(|id| by_id.get(id.as_str()))
                .map(|l| KnownImage {
                    id: l.id.clone(),
                    name: l.name.clone(),
                    whole_image: l.whole_image,
                })
                .collect();
            let current = Arc::new(ChangeLedger::default());
            if let Some((accept, reject)) = lock(&ledger.hooks).clone() {
                current.on_submit(if action == Action::Accept {
                    accept
                } else {
                    reject
                });
            }
            let group = ChangeTask {
                action,
                selection: Selection::Known(images),
                vault_id: vault,
                ..task.base.clone()
            };
            (group, current)
        })
        .collect();
    *lock(&ledger.current) = plans.iter().map(|(_, l)| l.clone()).collect();
    let reports: Vec<Report> = std::thread::scope(|s| {
        let running: Vec<_> = plans
            .iter()
            .map(|(group, current)| s.spawn(move || change::run(session, out, group, current)))
            .collect();
        running
            .into_iter()
            .zip(&plans)
            .map(|(h, (_, current))| {
                // A panicking group still reports the jobs it had submitted.
                h.join().unwrap_or_else(|_| {
                    let mut r = current.so_far();
                    r.exit = Exit::Failed;
                    r.notes.retain(|n| n != "interrupted");
                    r.notes.insert(
                        0,
                        "internal error: the command stopped unexpectedly (please report it)"
                            .into(),
                    );
                    r
                })
            })
            .collect()
    });
    lock(&ledger.current).clear();
    let mut report = Report::exit_only(Exit::Ok);
    for r in reports {
        if let Some(Document::Change(d)) = &r.doc {
            let mut rows = lock(&ledger.rows);
            let mut jobs = lock(&ledger.jobs);
            merge(&mut rows, &mut jobs, d);
        }
        report.exit = report.exit.worst(r.exit);
        report.notes.extend(r.notes);
        if let Some(e) = r.error {
            report.error.get_or_insert(e);
        }
    }
    let doc = ledger.doc();
    let mut rows = doc.images;
    not_sent(&mut rows, "not sent: stopped by an earlier error");
    report.summary = Some(summary(&rows));
    report.doc = Some(Document::Sync(SyncDoc {
        dry_run: false,
        images: rows,
        jobs: doc.jobs,
    }));
    report
}

/// A change still in the member status it had was never sent: `failed` with `not_sent`.
fn not_sent(rows: &mut [SyncRow], why: &str) {
    for r in rows
        .iter_mut()
        .filter(|r| r.change && r.status == r.member_status)
    {
        r.status = "failed".into();
        r.error = Some(ErrorInfo::new(code::NOT_SENT, why));
    }
}

/// The changes in groups of one accept or reject each: rejects, accepts without a vault, and
/// the accepts of each rule's vault.
fn groups(decided: &[(SyncRow, Option<String>)]) -> Vec<(Action, Option<String>, Vec<String>)> {
    let mut groups: Vec<(Action, Option<String>, Vec<String>)> = Vec::new();
    for (row, vault) in decided.iter().filter(|(r, _)| r.change) {
        let action = if row.action == "accept" {
            Action::Accept
        } else {
            Action::Reject
        };
        let vault = vault.clone().filter(|_| action == Action::Accept);
        match groups
            .iter_mut()
            .find(|(a, v, _)| *a == action && *v == vault)
        {
            Some((_, _, ids)) => ids.push(row.image_id.clone()),
            None => groups.push((action, vault, vec![row.image_id.clone()])),
        }
    }
    groups
}

/// `sync: 3 accepted, 1 rejected, 2 left as they are, 1 failed`.
fn summary(rows: &[SyncRow]) -> String {
    let count = |f: &dyn Fn(&SyncRow) -> bool| rows.iter().filter(|r| f(r)).count();
    let accepted = count(&|r| r.change && r.status == "accepted");
    let rejected = count(&|r| r.change && r.status == "rejected");
    let submitted = count(&|r| r.change && r.status == "submitted");
    let failed = count(&|r| r.change && r.status == "failed");
    let kept = count(&|r| !r.change);
    let mut parts = vec![
        format!("{accepted} accepted"),
        format!("{rejected} rejected"),
    ];
    if submitted > 0 {
        parts.push(format!("{submitted} submitted (outcome not known yet)"));
    }
    parts.push(format!("{failed} failed"));
    parts.push(format!("{kept} left as they are"));
    format!("sync: {}", parts.join(", "))
}
