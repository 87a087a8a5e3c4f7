//! The task of a run: the command's ids and flags, checked and combined before anything is read
//! from a file or sent, then settled against the target (the mode depends on the cloud).

use super::ids;
use super::target::Target;
use crate::cli::{self, MemberStatusArg, ModeArg};
use crate::domain::{Action, Cloud, ImageRef, JobId, MemberStatus, valid_project_id};
use crate::error::Error;
use std::io::Read;
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

    fn from_flags(owner: &Option<String>, name: &Option<String>) -> Result<Filter, Error> {
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
}

#[derive(Debug, Clone)]
pub(crate) enum Task {
    Change(ChangeTask),
    StatusImages(StatusTask),
    StatusMembers { images: Vec<ImageRef> },
    Wait(WaitTask),
}

impl Task {
    /// The flags of the resume lines.
    pub(crate) fn set_resume(&mut self, flags: String) {
        match self {
            Task::Change(c) => c.resume = flags,
            Task::Wait(w) => w.resume = flags,
            _ => {}
        }
    }

    /// A target found when the run starts (`--all-projects`): its project joins the flags of
    /// the resume lines.
    pub(crate) fn in_project(&mut self, project_id: &str) {
        let resume = match self {
            Task::Change(c) => &mut c.resume,
            Task::Wait(w) => &mut w.resume,
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
    pub(crate) owners: super::Owners,
}

/// The task before the target is known: ids parsed, flag combinations checked.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    task: Task,
    mode_flag: Option<Mode>,
}

impl Draft {
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

pub(super) fn draft_wait(w: &cli::WaitArgs, stdin: &mut dyn Read) -> Result<Draft, Error> {
    let (words, _) = ids::gather(&w.jobs, stdin)?;
    let jobs = ids::parse_all(
        &words,
        JobId::parse,
        "job id",
        "ff8080814dbd65d7014dbe0d84db0013",
    )?;
    Ok(Draft {
        task: Task::Wait(WaitTask {
            resume: String::new(),
            jobs,
            timeout: w.timeout,
            interval: w.interval,
            once: false,
        }),
        mode_flag: None,
    })
}

pub(super) fn draft_change(
    action: Action,
    c: &cli::ChangeArgs,
    vault_id: Option<String>,
    stdin: &mut dyn Read,
    prompt: bool,
) -> Result<Draft, Error> {
    if c.all_pending && !c.ids.is_empty() {
        return Err(Error::usage_hint(
            "--all-pending cannot be combined with image ids or -",
            format!(
                "use either `ims-share {} --all-pending` or a list of ids",
                action.verb()
            ),
        ));
    }
    if !c.all_pending && c.ids.is_empty() && !prompt {
        return Err(Error::usage_hint(
            format!("nothing to {}: no image ids given", action.verb()),
            format!(
                "give image ids, - to read them from standard input, or --all-pending; on a terminal (without -q) a list of the pending images to pick from is offered (see `ims-share {} --help`)",
                action.verb()
            ),
        ));
    }
    if let Some(v) = &vault_id
        && !valid_project_id(v)
    {
        return Err(Error::usage(format!(
            "invalid --vault-id '{}'",
            v.escape_debug()
        )));
    }
    if let Some(m) = &c.member_id
        && !valid_project_id(m)
    {
        return Err(Error::usage(format!(
            "invalid --member-id '{}'",
            m.escape_debug()
        )));
    }
    let selection = if c.all_pending {
        Selection::AllPending(Filter::from_flags(&c.owner, &c.name)?)
    } else if c.ids.is_empty() {
        Selection::Pick(super::Owners::default())
    } else {
        Selection::Images(image_refs(&c.ids, stdin)?)
    };
    Ok(Draft {
        task: Task::Change(ChangeTask {
            resume: String::new(),
            action,
            selection,
            vault_id,
            mode: Mode::Batch,
            batch_size: c.batch_size as usize,
            concurrency: c.concurrency.min(256) as usize,
            member_id: c.member_id.clone(),
            no_wait: c.no_wait,
            timeout: c.timeout,
            interval: c.interval,
            dry_run: c.dry_run,
        }),
        mode_flag: c.mode.map(|m| match m {
            ModeArg::Batch => Mode::Batch,
            ModeArg::PerImage => Mode::PerImage,
        }),
    })
}

/// Image ids and names from the arguments and standard input.
fn image_refs(args: &[String], stdin: &mut dyn Read) -> Result<Vec<ImageRef>, Error> {
    let (words, _) = ids::gather(args, stdin)?;
    ids::parse_all(
        &words,
        ImageRef::parse,
        "image id or name",
        "d164b5df-1bc3-4c3f-893e-3e471fd16e64 or ubuntu-24.04-server",
    )
}

pub(super) fn draft_status(s: &cli::StatusArgs, stdin: &mut dyn Read) -> Result<Draft, Error> {
    if !s.job.is_empty() && !s.ids.is_empty() {
        return Err(Error::usage("status takes image ids or --job, not both"));
    }
    let filters: Vec<&str> = [
        s.member_status.map(|_| "--member-status"),
        s.owner.as_ref().map(|_| "--owner"),
        s.name.as_ref().map(|_| "--name"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !filters.is_empty() && (!s.job.is_empty() || !s.ids.is_empty()) {
        return Err(Error::usage(format!(
            "{} filter{} the list of shared images; {} cannot be combined with image ids or --job",
            filters.join(" and "),
            if filters.len() == 1 { "s" } else { "" },
            if filters.len() == 1 { "it" } else { "they" },
        )));
    }
    if s.long && !s.job.is_empty() {
        return Err(Error::usage(
            "--long shows the facts of shared images; it cannot be combined with --job",
        ));
    }
    let task = if !s.job.is_empty() {
        let (words, _) = ids::gather(&s.job, stdin)?;
        let jobs = ids::parse_all(
            &words,
            JobId::parse,
            "job id",
            "ff8080814dbd65d7014dbe0d84db0013",
        )?;
        Task::Wait(WaitTask {
            resume: String::new(),
            jobs,
            timeout: Duration::ZERO,
            interval: Duration::ZERO,
            once: true,
        })
    } else if !s.ids.is_empty() && !s.long {
        Task::StatusMembers {
            images: image_refs(&s.ids, stdin)?,
        }
    } else {
        let statuses = match s.member_status {
            None | Some(MemberStatusArg::All) => MemberStatus::ALL.to_vec(),
            Some(MemberStatusArg::Pending) => vec![MemberStatus::Pending],
            Some(MemberStatusArg::Accepted) => vec![MemberStatus::Accepted],
            Some(MemberStatusArg::Rejected) => vec![MemberStatus::Rejected],
        };
        let only = if s.ids.is_empty() {
            Vec::new()
        } else {
            image_refs(&s.ids, stdin)?
        };
        Task::StatusImages(StatusTask {
            statuses,
            filter: Filter::from_flags(&s.owner, &s.name)?,
            long: s.long,
            only,
            owners: super::Owners::default(),
        })
    };
    Ok(Draft {
        task,
        mode_flag: None,
    })
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
        Selection::Images(_) => {}
    }
    let (default_mode, cloud) = match target {
        Target::Cloud(t) => (t.default_mode, t.account.cloud),
        #[cfg(feature = "sandbox")]
        Target::Sandbox { .. } => (Mode::Batch, None),
    };
    change.mode = draft.mode_flag.unwrap_or(default_mode);
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
    Ok(Task::Change(change))
}
