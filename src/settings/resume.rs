//! `wait` on the accounts of the journal: without account flags (or with `--unfinished`), each
//! job goes where the journal says it was submitted; jobs it does not know go to the account
//! the flags and environment choose.

use super::Owners;
use super::env::Env;
use super::layers::{self, ConfigRead};
use super::targets::{Planned, plan};
use super::task::Draft;
use crate::cli;
use crate::domain::JobId;
use crate::error::Error;
use crate::journal::{self, JournalTarget};
use crate::report::TargetInfo;
use std::path::PathBuf;

/// The account flags given on the command line: with none, `wait` may take the account from
/// the journal.
pub(super) fn account_flags_given(g: &cli::GlobalArgs) -> bool {
    g.profile.is_some()
        || g.region.is_some()
        || g.project_id.is_some()
        || g.endpoint.is_some()
        || g.iam_endpoint.is_some()
        || g.os_cloud.is_some()
        || g.hcloud_profile.is_some()
        || g.sandbox
        || g.sandbox_state.is_some()
        || g.all_projects
}

/// Jobs, and the account the journal recorded for them (none: not in the journal).
type Group = (Option<JournalTarget>, Vec<JobId>);

/// `wait`: the jobs grouped by the account the journal recorded for them (in the order of the
/// jobs given); jobs it does not know go to the account the flags and environment choose.
/// `unfinished`: every journal job not known to be finished, instead of `jobs`.
pub(super) fn journal_groups(
    path: Option<&PathBuf>,
    jobs: &[JobId],
    unfinished: bool,
    warnings: &mut Vec<String>,
    trace: &mut Vec<String>,
) -> Result<Vec<Group>, Error> {
    let entries = match path {
        Some(p) => match journal::read(p) {
            Ok(read) => {
                warnings.extend(read.damage(p));
                read.entries
            }
            Err(why) if unfinished => {
                return Err(Error::usage(format!("--unfinished: {why}")));
            }
            Err(why) => {
                trace.push(format!("journal: {why}"));
                Vec::new()
            }
        },
        None if unfinished => {
            return Err(Error::usage(
                "--unfinished reads the journal, and there is none (no state directory, or --no-journal / journal = false)",
            ));
        }
        None => Vec::new(),
    };
    let wanted: Vec<(JobId, Option<JournalTarget>)> = if unfinished {
        entries
            .iter()
            .filter(|e| !e.finished())
            .filter_map(|e| Some((JobId::parse(&e.job_id)?, Some(e.target.clone()))))
            .collect()
    } else {
        jobs.iter()
            .map(|j| {
                let known = entries.iter().find(|e| e.job_id == j.as_str());
                (j.clone(), known.map(|e| e.target.clone()))
            })
            .collect()
    };
    let mut groups: Vec<Group> = Vec::new();
    for (job, target) in wanted {
        if let Some(t) = &target {
            trace.push(format!("job {job}: on {} (from the journal)", describe(t)));
        }
        match groups.iter_mut().find(|(t, _)| *t == target) {
            Some((_, list)) => list.push(job),
            None => groups.push((target, vec![job])),
        }
    }
    Ok(groups)
}

fn describe(t: &JournalTarget) -> String {
    let info = TargetInfo {
        profile: t.profile.clone(),
        cloud: t.cloud.clone(),
        region: t.region.clone(),
        project_id: t.project_id.clone(),
        project_name: t.project_name.clone(),
    };
    info.label()
}

/// The command-line flags that reach a recorded account again.
pub(super) fn flags_for(g: &cli::GlobalArgs, t: &JournalTarget) -> cli::GlobalArgs {
    let mut one = g.clone();
    one.profile = t
        .profile
        .clone()
        .filter(|p| p != "sandbox" || t.sandbox_state.is_none());
    one.region = t.region.clone();
    one.project_id = t.project_id.clone();
    one.endpoint = if t.sandbox_state.is_some() {
        None
    } else {
        t.endpoint.clone()
    };
    if let Some(state) = &t.sandbox_state {
        one.sandbox = true;
        one.sandbox_state = Some(PathBuf::from(state));
        one.region = None;
    }
    one
}

/// `wait` without account flags (or `--unfinished`): each job on the account the journal
/// recorded for it; jobs it does not know on the account flags and environment choose.
#[allow(clippy::too_many_arguments)]
pub(super) fn wait_runs(
    g: &cli::GlobalArgs,
    env: &Env,
    config: &ConfigRead,
    draft: &Draft,
    owners: &Owners,
    journal: Option<&PathBuf>,
    unfinished: bool,
    warnings: &mut Vec<String>,
    trace: &mut Vec<String>,
) -> Result<Vec<Planned>, Error> {
    let groups = journal_groups(journal, &draft.jobs(), unfinished, warnings, trace)?;
    if groups.is_empty() {
        // Nothing to wait for: one run that says so.
        return plan(g, env, config, draft, owners, warnings);
    }
    let mut runs = Vec::new();
    let mut first_error = None;
    for (recorded, jobs) in groups {
        let one = match &recorded {
            Some(t) => flags_for(g, t),
            None => g.clone(),
        };
        let ids: Vec<String> = jobs.iter().map(ToString::to_string).collect();
        let mut planned = match plan(&one, env, config, &draft.with_jobs(jobs), owners, warnings) {
            Ok(p) => p,
            // A job whose account is gone (a profile renamed or removed since) costs itself,
            // not the other jobs.
            Err(e) if recorded.is_some() => {
                let t = recorded.as_ref().expect("recorded");
                warnings.push(format!(
                    "not waiting for {} (the journal has {} on {}): {e}; give the account's flags, e.g. ims-share --profile NAME wait {}",
                    ids.join(", "),
                    if ids.len() == 1 { "it" } else { "them" },
                    describe(t),
                    ids.join(" ")
                ));
                first_error.get_or_insert(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        if let (Some(t), [p]) = (&recorded, planned.as_mut_slice()) {
            p.label.project_id = t.project_id.clone().or(p.label.project_id.take());
            p.label.project_name = t.project_name.clone().or(p.label.project_name.take());
            if !account_flags_given(g) {
                // The journal finds the account again: the resume line stays as it was typed.
                p.task.set_resume(super::resume_flags(g));
            }
        }
        runs.extend(planned);
    }
    match (runs.is_empty(), first_error) {
        (true, Some(e)) => Err(e),
        _ => Ok(runs),
    }
}

/// The journal's file, unless `--no-journal` or the config's `journal = false` turn it off.
pub(super) fn journal_path(
    g: &cli::GlobalArgs,
    env: &Env,
    config: &layers::ConfigRead,
) -> Option<PathBuf> {
    let off = g.no_journal
        || config
            .loaded
            .as_ref()
            .is_some_and(|l| l.file.journal == Some(false));
    if off {
        return None;
    }
    crate::journal::default_path(env.get("XDG_STATE_HOME"))
}
