//! The task drafted from the command line alone: ids parsed, flag combinations checked, before
//! anything is read from a file or sent.

use super::ids;
use super::task::{
    ChangeTask, Draft, Filter, Mode, Selection, StatusTask, SyncTask, Task, WaitTask,
};
use crate::cli::{self, MemberStatusArg, ModeArg};
use crate::domain::{Action, ImageRef, JobId, MemberStatus, valid_project_id};
use crate::error::Error;
use std::io::Read;
use std::time::Duration;

pub(super) fn draft_wait(w: &cli::WaitArgs, stdin: &mut dyn Read) -> Result<Draft, Error> {
    let mut wait = wait_task(&w.jobs, stdin)?;
    wait.timeout = w.timeout;
    wait.interval = w.interval;
    wait.unfinished = w.unfinished;
    Ok(Draft {
        task: Task::Wait(wait),
        mode_flag: None,
    })
}

/// `wait JOB...` or `status --job JOB...`: the jobs, from the arguments and standard input
/// (where `accept --no-wait` over several targets prints `TARGET<tab>JOB` lines, whose jobs
/// are taken), with no waiting set.
fn wait_task(args: &[String], stdin: &mut dyn Read) -> Result<WaitTask, Error> {
    let (words, _) = ids::gather_jobs(args, stdin)?;
    let jobs = ids::parse_all(
        &words,
        JobId::parse,
        "job id",
        "ff8080814dbd65d7014dbe0d84db0013",
    )?;
    Ok(WaitTask {
        resume: String::new(),
        jobs,
        timeout: Duration::ZERO,
        interval: Duration::ZERO,
        once: false,
        unfinished: false,
        chosen_by: String::new(),
        elsewhere: false,
        recorded: false,
        images: Vec::new(),
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
                "give image ids, - to read them from standard input, or --all-pending; on a terminal (without -q, IMS_SHARE_NO_PROMPT or TERM=dumb) a list of the pending images to pick from is offered (see `ims-share {} --help`)",
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
    let selection = if c.all_pending {
        Selection::AllPending(Filter::from_flags(&c.owner, &c.name)?)
    } else if c.ids.is_empty() {
        Selection::Pick(super::Owners::default())
    } else {
        Selection::Images(image_refs(&c.ids, stdin)?)
    };
    let (change, mode_flag) = change_task(action, selection, vault_id, &c.send, c.dry_run)?;
    Ok(Draft {
        task: Task::Change(change),
        mode_flag,
    })
}

/// The change of an accept, reject or sync from how it is sent (`SendArgs`), and the mode the
/// flag asks for (the target settles it).
fn change_task(
    action: Action,
    selection: Selection,
    vault_id: Option<String>,
    send: &cli::SendArgs,
    dry_run: bool,
) -> Result<(ChangeTask, Option<Mode>), Error> {
    if let Some(m) = &send.member_id
        && !valid_project_id(m)
    {
        return Err(Error::usage(format!(
            "invalid --member-id '{}'",
            m.escape_debug()
        )));
    }
    let change = ChangeTask {
        resume: String::new(),
        action,
        selection,
        vault_id,
        mode: Mode::Batch,
        batch_size: send.batch_size as usize,
        concurrency: send.concurrency.min(256) as usize,
        member_id: send.member_id.clone(),
        no_wait: send.no_wait,
        timeout: send.timeout,
        interval: send.interval,
        dry_run,
    };
    let mode_flag = send.mode.map(|m| match m {
        ModeArg::Batch => Mode::Batch,
        ModeArg::PerImage => Mode::PerImage,
    });
    Ok((change, mode_flag))
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
        Task::Wait(WaitTask {
            once: true,
            ..wait_task(&s.job, stdin)?
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
            by_ids: !s.ids.is_empty(),
            owners: super::Owners::default(),
        })
    };
    Ok(Draft {
        task,
        mode_flag: None,
    })
}

pub(super) fn draft_sync(s: &cli::SyncArgs) -> Result<Draft, Error> {
    // The action and the images come from the policy, per image.
    let (base, mode_flag) = change_task(
        Action::Accept,
        Selection::Known(Vec::new()),
        None,
        &s.send,
        false,
    )?;
    Ok(Draft {
        task: Task::Sync(SyncTask {
            base,
            policy: None,
            plan_only: s.dry_run || s.check,
            check: s.check,
            include_decided: s.include_decided,
            owners: super::Owners::default(),
        }),
        mode_flag,
    })
}
