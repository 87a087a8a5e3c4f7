//! The journal seen from a run: each job recorded the moment it is submitted, with the account
//! it was submitted on, and the status each job was last seen in once the run ends. A journal
//! that cannot be written costs one warning, never the run.

use crate::api::session::Session;
use crate::commands::Report;
use crate::commands::change::OnSubmit;
use crate::domain::{Action, ImageId, JobId};
use crate::journal::{Entry, Journal, JournalTarget};
use crate::output::Output;
use crate::report::{Document, Via};
use crate::settings::{Planned, Target};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub(super) struct JournalHook {
    journal: Arc<Journal>,
    target: JournalTarget,
    out: Arc<Output>,
    warned: Arc<AtomicBool>,
    /// A wait on the account the journal recorded for its jobs.
    recorded: bool,
}

fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

impl JournalHook {
    pub(super) fn new(
        journal: Arc<Journal>,
        planned: &Planned,
        session: &Session,
        out: Arc<Output>,
    ) -> JournalHook {
        let label = &planned.label;
        let sandbox_state = match &planned.target {
            #[cfg(feature = "sandbox")]
            Target::Sandbox { state, .. } => Some(state.display().to_string()),
            Target::Cloud(_) => None,
        };
        let hook = JournalHook {
            journal,
            target: JournalTarget {
                profile: label.profile.clone(),
                cloud: label.cloud.clone(),
                region: label.region.clone(),
                project_id: Some(session.project_id().to_string()),
                project_name: label.project_name.clone(),
                // The sandbox's port changes from run to run: its state file finds it again.
                endpoint: sandbox_state
                    .is_none()
                    .then(|| session.endpoint().to_string()),
                sandbox_state,
                os_cloud: (label.via == Via::OsCloud)
                    .then(|| label.profile.clone())
                    .flatten(),
                hcloud_profile: (label.via == Via::Hcloud)
                    .then(|| label.profile.clone())
                    .flatten(),
                config: label.config.clone(),
            },
            out,
            warned: Arc::new(AtomicBool::new(false)),
            recorded: matches!(&planned.task, crate::settings::Task::Wait(w) if w.recorded),
        };
        if matches!(
            planned.task,
            crate::settings::Task::Change(_) | crate::settings::Task::Sync(_)
        ) && let Err(why) = hook.journal.compact_if_large()
        {
            hook.warn(&why);
        }
        hook
    }

    fn warn(&self, why: &str) {
        warn_once(&self.out, &self.warned, why);
    }

    /// Records each job of an accept or reject the moment it exists.
    pub(super) fn on_submit(&self, action: Action) -> OnSubmit {
        let journal = self.journal.clone();
        let target = self.target.clone();
        let out = self.out.clone();
        let warned = self.warned.clone();
        Arc::new(move |job: &JobId, images: &[ImageId]| {
            let at = now();
            let entry = Entry {
                job_id: job.to_string(),
                action: action.verb().to_string(),
                image_ids: images.iter().map(ToString::to_string).collect(),
                target: target.clone(),
                submitted_at: at.clone(),
                last_status: "init".into(),
                last_seen_at: at,
            };
            if let Err(why) = journal.record(&entry) {
                warn_once(&out, &warned, &why);
            }
        })
    }

    /// The status each job of the report was last seen in.
    pub(super) fn after(&self, report: &Report) {
        let seen: Vec<(String, String)> = match &report.doc {
            Some(Document::Change(d)) => d
                .jobs
                .iter()
                .map(|j| (j.job_id.to_string(), j.status.as_str().to_string()))
                .collect(),
            Some(Document::Jobs(d)) => d
                .jobs
                .iter()
                .map(|j| (j.job_id.to_string(), j.status.as_str().to_string()))
                .collect(),
            Some(Document::Sync(d)) => d
                .jobs
                .iter()
                .map(|j| (j.job_id.to_string(), j.status.as_str().to_string()))
                .collect(),
            _ => Vec::new(),
        };
        let at = now();
        // `init` is what the journal already says of a job just submitted; `not_found` may only
        // mean the wrong account was asked, and must not hide a job that still runs, unless the
        // account asked is the one the journal recorded (then the job is gone: expired, or the
        // sandbox was reset, and `wait --unfinished` is done with it).
        for (job, status) in seen
            .into_iter()
            .filter(|(_, s)| s != "init" && (s != "not_found" || self.recorded))
        {
            if let Err(why) = self.journal.update(&job, &status, &at) {
                self.warn(&why);
                return;
            }
        }
    }
}

fn warn_once(out: &Output, warned: &AtomicBool, why: &str) {
    if !warned.swap(true, Ordering::SeqCst) {
        out.warning(&format!(
            "journal: {why}; jobs are not recorded there this run (their ids are still printed)"
        ));
    }
}
