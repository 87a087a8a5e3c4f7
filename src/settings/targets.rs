//! Which accounts a run covers (PRODUCT.md "Many targets in one run"): every profile of
//! `--profile` (a comma-separated list, globs over the config's profile names) times every
//! region of `--region` (a list). `--all-projects` widens each to its projects when the run
//! starts (that needs IAM). A `wait` without account flags goes where the journal says each
//! job was submitted ([`super::resume`]).

use super::env::Env;
use super::layers::{self, ConfigRead};
use super::task::{self, Draft, Task};
use super::{Owners, Target};
use crate::cli;
use crate::error::Error;
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
    // The sandbox has one account: profiles name nothing there (said, not silently dropped).
    let profiles = if g.sandbox {
        let unused: Vec<String> = [
            g.profile
                .as_ref()
                .map(|p| format!("--profile {}", shell_words::quote(p))),
            g.endpoint.as_ref().map(|_| "--endpoint".to_string()),
            g.iam_endpoint
                .as_ref()
                .map(|_| "--iam-endpoint".to_string()),
            g.os_cloud.as_ref().map(|_| "--os-cloud".to_string()),
            g.hcloud_profile
                .as_ref()
                .map(|_| "--hcloud-profile".to_string()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !unused.is_empty() {
            let w = format!(
                "--sandbox has an account of its own: {} {} not used; --region chooses the sandbox's region",
                unused.join(", "),
                if unused.len() == 1 { "is" } else { "are" }
            );
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
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
    use crate::report::Via;
    let config = g
        .config
        .clone()
        .or_else(|| env.get("IMS_SHARE_CONFIG").map(PathBuf::from))
        .map(|p| std::path::absolute(&p).unwrap_or(p).display().to_string());
    let (profile, via) = match (&g.profile, &g.os_cloud, &g.hcloud_profile) {
        (Some(p), _, _) => (Some(p.clone()), Via::Profile),
        (None, Some(c), _) => (Some(c.clone()), Via::OsCloud),
        (None, None, Some(h)) => (Some(h.clone()), Via::Hcloud),
        (None, None, None) => (
            env.get("IMS_SHARE_PROFILE").map(str::to_string),
            Via::Profile,
        ),
    };
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
                via,
                config,
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
            via: Via::Profile,
            config: None,
        },
    }
}

/// A comma-separated list of `what`, each item trimmed and given once; `[None]` when absent.
pub(super) fn list(value: Option<&str>, what: &str) -> Result<Vec<Option<String>>, Error> {
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
