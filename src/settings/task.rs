//! The task of a run: the command's ids and flags, checked and combined before anything is read
//! from a file or sent, then settled against the target (the mode depends on the cloud).

use super::target::Target;
use crate::domain::{Action, Cloud, ImageId, ImageRef, JobId, MemberStatus};
use crate::error::Error;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Batch,
    PerImage,
}

/// Which images an accept or reject is about.
#[derive(Debug, Clone)]
pub(crate) enum Selection {
    /// By id or by name.
    Images(Vec<ImageRef>),
    AllPending(Filter),
    /// No ids on a terminal: the pending images offered in a list to pick from. The owners'
    /// names label the list.
    Pick(super::Owners),
    /// Images a listing already described (`sync`): nothing more to look up.
    Known(Vec<KnownImage>),
    /// The images given, their names already looked up in a listing that described them (a
    /// run over several targets looks names up on every target before any sends).
    Resolved(Vec<KnownImage>),
}

/// An image as a listing described it.
#[derive(Debug, Clone)]
pub(crate) struct KnownImage {
    pub(crate) id: ImageId,
    pub(crate) name: Option<String>,
    pub(crate) whole_image: bool,
}

/// `--owner` and `--name`: which images of a listing to keep.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    pub(crate) owner: Option<String>,
    pub(crate) name: Option<glob::Pattern>,
}

impl Filter {
    pub(crate) fn is_empty(&self) -> bool {
        self.owner.is_none() && self.name.is_none()
    }

    pub(crate) fn keeps(&self, owner: Option<&str>, name: Option<&str>) -> bool {
        self.owner.as_deref().is_none_or(|want| owner == Some(want))
            && self
                .name
                .as_ref()
                .is_none_or(|p| name.is_some_and(|n| p.matches(n)))
    }

    pub(super) fn from_flags(
        owner: &Option<String>,
        name: &Option<String>,
    ) -> Result<Filter, Error> {
        let name = name
            .as_deref()
            .map(|g| {
                glob::Pattern::new(g).map_err(|e| {
                    Error::usage(format!("invalid --name glob '{}': {e}", g.escape_debug()))
                })
            })
            .transpose()?;
        Ok(Filter {
            owner: owner.clone(),
            name,
        })
    }
}

#[derive(Debug, Clone)]
pub(crate) struct ChangeTask {
    /// The flags that chose the account, shell-quoted, for the "resume with" lines.
    pub(crate) resume: String,
    pub(crate) action: Action,
    pub(crate) selection: Selection,
    pub(crate) vault_id: Option<String>,
    pub(crate) mode: Mode,
    pub(crate) batch_size: usize,
    pub(crate) concurrency: usize,
    pub(crate) member_id: Option<String>,
    pub(crate) no_wait: bool,
    pub(crate) timeout: Duration,
    pub(crate) interval: Duration,
    pub(crate) dry_run: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct WaitTask {
    /// The flags that chose the account, shell-quoted, for the "resume with" lines.
    pub(crate) resume: String,
    pub(crate) jobs: Vec<JobId>,
    pub(crate) timeout: Duration,
    pub(crate) interval: Duration,
    /// `status --job`: one look, no waiting.
    pub(crate) once: bool,
    /// `wait --unfinished`: the jobs came from the journal.
    pub(crate) unfinished: bool,
    /// With `--unfinished`: ` for --region eu-nl`, the account flags that chose the journal's
    /// jobs (empty when none did), for the line that says there are none.
    pub(crate) chosen_by: String,
    /// Other targets of the run look for the same jobs: a job this target does not hold is
    /// not said here (the run says it once, when no target holds it).
    pub(crate) elsewhere: bool,
    /// The account is the one the journal recorded for these jobs: a job it does not hold is
    /// gone (expired, or the sandbox was reset), and the journal may say so.
    pub(crate) recorded: bool,
    /// The images the journal recorded for these jobs: a job whose answer names none (still
    /// starting, or a service that leaves `entities.results` out) is reported with them.
    pub(crate) images: Vec<(JobId, Vec<String>)>,
}

#[derive(Debug, Clone)]
pub(crate) enum Task {
    Change(ChangeTask),
    StatusImages(StatusTask),
    StatusMembers { images: Vec<ImageRef> },
    Wait(WaitTask),
    Sync(SyncTask),
}

/// `sync`: the policy, and how to apply it (the accept/reject settings of `base`).
#[derive(Debug, Clone)]
pub(crate) struct SyncTask {
    pub(crate) base: ChangeTask,
    /// Set once the config is read.
    pub(crate) policy: Option<super::policy::Policy>,
    /// `--dry-run` or `--check`: the plan only.
    pub(crate) plan_only: bool,
    /// `--check`: exit 6 when changes would be made.
    pub(crate) check: bool,
    /// Accepted and rejected images too.
    pub(crate) include_decided: bool,
    /// Names for the owners in the report.
    pub(crate) owners: super::Owners,
}

impl Task {
    /// The flags of the resume lines.
    pub(crate) fn set_resume(&mut self, flags: String) {
        match self {
            Task::Change(c) => c.resume = flags,
            Task::Wait(w) => w.resume = flags,
            Task::Sync(s) => s.base.resume = flags,
            _ => {}
        }
    }

    /// A target found when the run starts (`--all-projects`): its project joins the flags of
    /// the resume lines.
    pub(crate) fn in_project(&mut self, project_id: &str) {
        let resume = match self {
            Task::Change(c) => &mut c.resume,
            Task::Wait(w) => &mut w.resume,
            Task::Sync(s) => &mut s.base.resume,
            _ => return,
        };
        let mut words = shell_words::split(resume).unwrap_or_default();
        if let Some(i) = words.iter().position(|w| w == "--all-projects") {
            words.remove(i);
        }
        words.push("--project-id".into());
        words.push(project_id.to_string());
        *resume = shell_words::join(words);
    }
}

/// `status` without ids (or with `--long`): the listings.
#[derive(Debug, Clone)]
pub(crate) struct StatusTask {
    pub(crate) statuses: Vec<MemberStatus>,
    pub(crate) filter: Filter,
    /// `--long`: the facts to decide by (size, format, OS...).
    pub(crate) long: bool,
    /// With ids or names: only those images.
    pub(crate) only: Vec<ImageRef>,
    /// Ids or names were asked for (`status --long -` with nothing on standard input is
    /// nothing to show, not every image).
    pub(crate) by_ids: bool,
    pub(crate) owners: super::Owners,
}

/// The task before the target is known: ids parsed, flag combinations checked.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    pub(super) task: Task,
    pub(super) mode_flag: Option<Mode>,
}

impl Draft {
    /// The checked policy of a `sync`.
    pub(super) fn set_policy(&mut self, policy: super::policy::Policy) {
        if let Task::Sync(s) = &mut self.task {
            s.policy = Some(policy);
        }
    }

    /// The jobs of a `wait`.
    pub(super) fn jobs(&self) -> Vec<JobId> {
        match &self.task {
            Task::Wait(w) => w.jobs.clone(),
            _ => Vec::new(),
        }
    }

    /// The same `wait`, for these jobs.
    pub(super) fn with_jobs(&self, jobs: Vec<JobId>) -> Draft {
        let mut d = self.clone();
        if let Task::Wait(w) = &mut d.task {
            w.jobs = jobs;
        }
        d
    }
}

/// Settles what needed the target: the mode of an accept or reject, and the combinations it
/// forbids.
pub(super) fn finish_task(
    draft: Draft,
    target: &Target,
    resume: String,
    owners: &super::Owners,
) -> Result<Task, Error> {
    let resolve = |filter: &mut Filter| -> Result<(), Error> {
        if let Some(o) = &filter.owner {
            filter.owner = Some(owners.resolve(o, "--owner")?);
        }
        Ok(())
    };
    let mut change = match draft.task {
        Task::Change(change) => change,
        Task::Sync(mut s) => {
            s.base.resume = resume;
            s.owners = owners.clone();
            settle_mode(&mut s.base, draft.mode_flag, target)?;
            return Ok(Task::Sync(s));
        }
        Task::Wait(wait) => return Ok(Task::Wait(WaitTask { resume, ..wait })),
        Task::StatusImages(mut s) => {
            resolve(&mut s.filter)?;
            s.owners = owners.clone();
            return Ok(Task::StatusImages(s));
        }
        other => return Ok(other),
    };
    change.resume = resume;
    match &mut change.selection {
        Selection::AllPending(filter) => resolve(filter)?,
        Selection::Pick(names) => *names = owners.clone(),
        Selection::Images(_) | Selection::Known(_) | Selection::Resolved(_) => {}
    }
    settle_mode(&mut change, draft.mode_flag, target)?;
    Ok(Task::Change(change))
}

/// The mode of an accept or reject: the flag, else the cloud's; and what it forbids.
fn settle_mode(
    change: &mut ChangeTask,
    mode_flag: Option<Mode>,
    target: &Target,
) -> Result<(), Error> {
    let (default_mode, cloud) = match target {
        Target::Cloud(t) => (t.default_mode, t.account.cloud),
        #[cfg(feature = "sandbox")]
        Target::Sandbox { .. } => (Mode::Batch, None),
    };
    change.mode = mode_flag.unwrap_or(default_mode);
    // A per-image PUT has no job to wait for: --no-wait changes nothing there, so that one
    // script works on every cloud.
    if change.mode == Mode::PerImage {
        change.no_wait = false;
    }
    if change.mode == Mode::Batch && cloud == Some(Cloud::Openstack) {
        return Err(Error::usage_hint(
            "batch mode needs IMS (Huawei Cloud or OTC); an OpenStack cloud has only the per-image member API",
            "drop --mode batch, or set mode = \"per-image\"",
        ));
    }
    Ok(())
}
