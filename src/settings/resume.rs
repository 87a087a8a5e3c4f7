//! `wait` and `status --job` on the accounts of the journal: each job goes where the journal
//! says it was submitted, when the account flags given (if any) agree with that account; jobs
//! it does not know, or whose record the flags contradict, go to the account the flags and
//! environment choose. `--unfinished` (and `ims-share jobs`) take the journal's jobs of the
//! accounts the flags choose ([`JournalFilter`]).

use super::Owners;
use super::env::Env;
pub(crate) use super::journal_filter::JournalFilter;
use super::layers::{self, ConfigRead};
use super::targets::{Planned, plan};
use super::task::{Draft, Task};
use crate::cli;
use crate::domain::JobId;
use crate::error::Error;
use crate::journal::{self, JournalTarget};
use crate::report::TargetInfo;
use std::path::PathBuf;

/// Flags that make a run of several targets: lists or globs, `--all-projects`.
fn several_targets(g: &cli::GlobalArgs) -> bool {
    let many = |v: &Option<String>| {
        v.as_deref()
            .is_some_and(|v| v.contains([',', '*', '?', '[']))
    };
    many(&g.profile) || many(&g.region) || g.all_projects
}

/// Whether any account flag was given on the command line.
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

/// The image ids the journal recorded for jobs.
type Images = std::collections::HashMap<JobId, Vec<String>>;

/// Which jobs of the journal a `wait` takes its accounts from.
#[derive(Clone, Copy)]
pub(super) enum Pick<'a> {
    /// The jobs given: each on the account the journal recorded for it, when that account is
    /// one the account flags given (if any) choose; else on the flags' account.
    Jobs(Option<&'a JournalFilter>),
    /// `--unfinished`: the unfinished jobs of the accounts the flags choose.
    Unfinished(&'a JournalFilter),
}

/// `wait`: the jobs grouped by the account the journal recorded for them (in the order of the
/// jobs given); jobs it does not know go to the account the flags and environment choose.
/// `unfinished`: every journal job not known to be finished (of the accounts it chooses),
/// instead of `jobs`.
pub(super) fn journal_groups(
    path: Option<&PathBuf>,
    jobs: &[JobId],
    pick: Pick<'_>,
    warnings: &mut Vec<String>,
    trace: &mut Vec<String>,
) -> Result<(Vec<Group>, Images), Error> {
    let unfinished = match pick {
        Pick::Unfinished(f) => Some(f),
        Pick::Jobs(_) => None,
    };
    let entries = match path {
        Some(p) => match journal::read(p) {
            Ok(read) => {
                warnings.extend(read.damage(p));
                read.entries
            }
            Err(why) if unfinished.is_some() => {
                return Err(Error::usage(format!("--unfinished: {why}")));
            }
            Err(why) => {
                trace.push(format!("journal: {why}"));
                Vec::new()
            }
        },
        None if unfinished.is_some() => {
            return Err(Error::usage(
                "--unfinished reads the journal, and there is none (no state directory, or --no-journal / journal = false)",
            ));
        }
        None => Vec::new(),
    };
    let wanted: Vec<(JobId, Option<JournalTarget>)> = if let Some(filter) = unfinished {
        entries
            .iter()
            .filter(|e| !e.finished() && filter.matches(&e.target))
            .filter_map(|e| Some((JobId::parse(&e.job_id)?, Some(e.target.clone()))))
            .collect()
    } else {
        jobs.iter()
            .map(|j| {
                let known = entries.iter().find(|e| {
                    e.job_id == j.as_str()
                        && matches!(pick, Pick::Jobs(f) if f.is_none_or(|f| f.matches(&e.target)))
                });
                (j.clone(), known.map(|e| e.target.clone()))
            })
            .collect()
    };
    // The images the journal recorded for each job taken from it.
    let images: Images = wanted
        .iter()
        .filter(|(_, t)| t.is_some())
        .filter_map(|(job, _)| {
            let e = entries.iter().find(|e| e.job_id == job.as_str())?;
            Some((job.clone(), e.image_ids.clone()))
        })
        .collect();
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
    Ok((groups, images))
}

fn describe(t: &JournalTarget) -> String {
    let info = TargetInfo {
        profile: t.profile.clone(),
        cloud: t.cloud.clone(),
        region: t.region.clone(),
        project_id: t.project_id.clone(),
        project_name: t.project_name.clone(),
        ..Default::default()
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
    // The config file that named the profile, unless the command line names one.
    if one.config.is_none() {
        one.config = t.config.as_ref().map(PathBuf::from);
    }
    // The name came from clouds.yaml or KooCLI's config, not from the config file.
    if t.os_cloud.is_some() || t.hcloud_profile.is_some() {
        one.profile = None;
        one.os_cloud = t.os_cloud.clone();
        one.hcloud_profile = t.hcloud_profile.clone();
    }
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
    }
    one
}

/// `wait` without account flags (or `--unfinished`, whose account flags choose among the
/// journal's accounts): each job on the account the journal recorded for it; jobs it does not
/// know on the account flags and environment choose. With it, whether some jobs were left out
/// (their recorded account cannot be reached any more: said in `warnings`).
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
) -> Result<(Vec<Planned>, bool), Error> {
    let filter = match (unfinished, account_flags_given(g)) {
        (true, _) => Some(JournalFilter::from_flags(g, "wait --unfinished")?),
        // Flags that name no recorded account (`--endpoint`...), or several targets (every
        // target then looks for every job, and each job is reported where it lives): the
        // flags' accounts, as given.
        (false, true) => match JournalFilter::from_flags(g, "wait") {
            Ok(f) if !several_targets(g) => Some(f),
            _ => return Ok((plan(g, env, config, draft, owners, warnings)?, false)),
        },
        (false, false) => None,
    };
    let pick = match (&filter, unfinished) {
        (Some(f), true) => Pick::Unfinished(f),
        (f, _) => Pick::Jobs(f.as_ref()),
    };
    let (groups, images) = journal_groups(journal, &draft.jobs(), pick, warnings, trace)?;
    if groups.is_empty() {
        // Nothing to wait for, and no account to ask: see [`nothing_to_wait_for`].
        return Ok((Vec::new(), false));
    }
    let mut runs = Vec::new();
    let mut first_error = None;
    let mut left_out: Vec<String> = Vec::new();
    for (recorded, jobs) in groups {
        let one = match &recorded {
            Some(t) => flags_for(g, t),
            None => g.clone(),
        };
        let ids: Vec<String> = jobs.iter().map(ToString::to_string).collect();
        // The job's own config file, when the journal names one the command line did not.
        let planned = if one.config != g.config {
            ConfigRead::read(&one, env, warnings)
                .and_then(|own| plan(&one, env, &own, &draft.with_jobs(jobs), owners, warnings))
        } else {
            plan(&one, env, config, &draft.with_jobs(jobs), owners, warnings)
        };
        let mut planned = match planned {
            Ok(p) => p,
            // A job whose account is gone (a profile renamed or removed since) costs itself,
            // not the other jobs.
            Err(e) if recorded.is_some() => {
                let t = recorded.as_ref().expect("recorded");
                left_out.push(format!(
                    "not waiting for {} (the journal has {} on {}): {e}; give the account's flags, e.g. ims-share --profile NAME wait {}",
                    ids.join(", "),
                    if ids.len() == 1 { "it" } else { "them" },
                    describe(t),
                    ids.join(" ")
                ));
                // Said in full when it is the only failure and nothing else runs.
                let context = format!(
                    "cannot wait for {} on the account the journal recorded ({})",
                    ids.join(", "),
                    describe(t)
                );
                first_error.get_or_insert(match e {
                    Error::Usage { message, hint } => Error::Usage {
                        message: format!("{context}: {message}"),
                        hint,
                    },
                    other => other,
                });
                continue;
            }
            Err(e) => return Err(e),
        };
        if recorded.is_some() {
            for p in &mut planned {
                if let Task::Wait(w) = &mut p.task {
                    w.recorded = true;
                    w.images = w
                        .jobs
                        .iter()
                        .filter_map(|j| Some((j.clone(), images.get(j)?.clone())))
                        .collect();
                }
            }
        }
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
        // Nothing else runs: the one error says which jobs and why.
        (true, Some(e)) => Err(e),
        (_, skipped) => {
            warnings.extend(left_out);
            Ok((runs, skipped.is_some()))
        }
    }
}

/// A `wait --unfinished` with nothing to wait for says which accounts the flags chose.
pub(super) fn say_chosen(g: &cli::GlobalArgs, task: &mut Task) -> Result<(), Error> {
    if let Task::Wait(w) = task
        && w.unfinished
    {
        w.chosen_by = JournalFilter::from_flags(g, "wait --unfinished")?.described();
    }
    Ok(())
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
