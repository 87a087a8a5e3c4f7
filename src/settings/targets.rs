//! Which accounts a run covers (PRODUCT.md "Many targets in one run"): every profile of
//! `--profile` (a comma-separated list, globs over the config's profile names) times every
//! region of `--region` (a list). `--all-projects` widens each to its projects when the run
//! starts (that needs IAM). A `wait` without account flags goes where the journal says each
//! job was submitted.

use super::env::Env;
use super::layers::{self, ConfigRead};
use super::task::{self, Draft, Task};
use super::{Owners, Target};
use crate::cli;
use crate::domain::JobId;
use crate::error::Error;
use crate::journal::{self, JournalTarget};
use crate::report::TargetInfo;
use std::path::PathBuf;

/// One target of the run and what to do there.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    pub(crate) target: Target,
    pub(crate) label: TargetInfo,
    pub(crate) task: Task,
}

/// The targets of `g` (one, unless lists, globs or `--all-projects` say otherwise).
pub(super) fn plan(
    g: &cli::GlobalArgs,
    env: &Env,
    config: &ConfigRead,
    draft: &Draft,
    owners: &Owners,
    warnings: &mut Vec<String>,
) -> Result<Vec<Planned>, Error> {
    // The sandbox has one account: profiles name nothing there.
    let profiles = if g.sandbox {
        vec![None]
    } else {
        profile_names(g, env, config)?
    };
    let regions = list(g.region.as_deref(), "--region")?;
    let per_region = regions.len() > 1 || g.all_projects;
    if per_region && g.project_id.is_some() {
        return Err(Error::usage(
            "--project-id names one project: it cannot be combined with several regions or --all-projects",
        ));
    }
    let mut planned = Vec::new();
    for profile in &profiles {
        for region in &regions {
            let mut one = g.clone();
            one.profile = profile.clone();
            one.region = region.clone();
            planned.push(plan_one(
                &one, env, config, draft, owners, per_region, warnings,
            )?);
        }
    }
    Ok(planned)
}

/// One target: the layers with this profile and region, the task settled for its cloud.
fn plan_one(
    g: &cli::GlobalArgs,
    env: &Env,
    config: &ConfigRead,
    draft: &Draft,
    owners: &Owners,
    per_region: bool,
    warnings: &mut Vec<String>,
) -> Result<Planned, Error> {
    let target = if g.sandbox {
        super::sandbox_target(
            g.sandbox_state.clone(),
            g.region.clone(),
            g.project_id.clone(),
        )?
    } else {
        Target::Cloud(Box::new(layers::cloud_target(
            g, env, config, warnings, per_region,
        )?))
    };
    let label = label_of(&target, g, env);
    let task = task::finish_task(draft.clone(), &target, super::resume_flags(g), owners)?;
    Ok(Planned {
        target,
        label,
        task,
    })
}

fn label_of(target: &Target, g: &cli::GlobalArgs, env: &Env) -> TargetInfo {
    use crate::api::account::ProjectRef;
    let profile = g
        .profile
        .clone()
        .or_else(|| g.os_cloud.clone())
        .or_else(|| g.hcloud_profile.clone())
        .or_else(|| env.get("IMS_SHARE_PROFILE").map(str::to_string));
    match target {
        Target::Cloud(t) => {
            let (project_id, project_name) = match &t.account.project {
                ProjectRef::Id(id) => (Some(id.clone()), None),
                ProjectRef::Named { name, .. } => (None, Some(name.clone())),
            };
            TargetInfo {
                profile,
                cloud: t.account.cloud.map(|c| c.as_str().to_string()),
                region: t.account.region.clone(),
                project_id,
                project_name,
            }
        }
        #[cfg(feature = "sandbox")]
        Target::Sandbox {
            region, project_id, ..
        } => TargetInfo {
            profile: Some("sandbox".into()),
            cloud: None,
            region: Some(
                region
                    .clone()
                    .unwrap_or_else(|| crate::emulator::seed::REGION.to_string()),
            ),
            project_id: project_id.clone(),
            project_name: region.clone().filter(|_| project_id.is_none()),
        },
    }
}

/// A comma-separated list of `what`, each item trimmed and given once; `[None]` when absent.
fn list(value: Option<&str>, what: &str) -> Result<Vec<Option<String>>, Error> {
    let Some(value) = value else {
        return Ok(vec![None]);
    };
    let mut items: Vec<Option<String>> = Vec::new();
    for item in value.split(',').map(str::trim) {
        if item.is_empty() {
            return Err(Error::usage(format!(
                "{what} '{}' has an empty item",
                value.escape_debug()
            )));
        }
        if !items.iter().any(|i| i.as_deref() == Some(item)) {
            items.push(Some(item.to_string()));
        }
    }
    Ok(items)
}

/// The profiles of `--profile` (or `IMS_SHARE_PROFILE`): names as given, globs matched against
/// the config's profiles (in the file's order of names). A glob that matches none is exit 2.
fn profile_names(
    g: &cli::GlobalArgs,
    env: &Env,
    config: &ConfigRead,
) -> Result<Vec<Option<String>>, Error> {
    let (value, how) = match (
        &g.profile,
        g.os_cloud.is_none() && g.hcloud_profile.is_none(),
    ) {
        (Some(p), _) => (p.as_str(), "--profile"),
        (None, true) => match env.get("IMS_SHARE_PROFILE") {
            // One name: the layers read it from the environment themselves (and say so).
            Some(p) if !p.contains([',', '*', '?', '[']) => return Ok(vec![None]),
            Some(p) => (p, "IMS_SHARE_PROFILE"),
            None => return Ok(vec![None]),
        },
        (None, false) => return Ok(vec![None]),
    };
    let known: Vec<String> = config
        .loaded
        .as_ref()
        .map(|l| l.file.profiles.keys().cloned().collect())
        .unwrap_or_default();
    let mut names: Vec<Option<String>> = Vec::new();
    for item in list(Some(value), how)?.into_iter().flatten() {
        let found: Vec<String> = if item.contains(['*', '?', '[']) {
            let pattern = glob::Pattern::new(&item).map_err(|e| {
                Error::usage(format!("invalid {how} glob '{}': {e}", item.escape_debug()))
            })?;
            let matched: Vec<String> = known
                .iter()
                .filter(|k| pattern.matches(k))
                .cloned()
                .collect();
            if matched.is_empty() {
                return Err(Error::usage_hint(
                    format!(
                        "{how} '{}' matches no profile of {}",
                        item.escape_debug(),
                        config.path.display()
                    ),
                    if known.is_empty() {
                        "the config file defines no profiles".to_string()
                    } else {
                        format!("profiles there: {}", known.join(", "))
                    },
                ));
            }
            matched
        } else {
            vec![item]
        };
        for name in found {
            if !names.iter().any(|n| n.as_deref() == Some(name.as_str())) {
                names.push(Some(name));
            }
        }
    }
    Ok(names)
}

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
    trace: &mut Vec<String>,
) -> Result<Vec<Group>, Error> {
    let entries = match path {
        Some(p) => match journal::read(p) {
            Ok(e) => e,
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
    let groups = journal_groups(journal, &draft.jobs(), unfinished, trace)?;
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
