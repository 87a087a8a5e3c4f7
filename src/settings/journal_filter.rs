//! Which jobs of the journal the account flags choose: `ims-share jobs`, `wait --unfinished`,
//! and the journal's record of a job given to `wait` or `status --job`.

use crate::cli;
use crate::error::Error;
use crate::journal::JournalTarget;

/// Which journal jobs `jobs` lists and `wait --unfinished` waits for: the account flags given
/// choose among the accounts the journal recorded (none given: every job).
#[derive(Debug, Clone, Default)]
pub(crate) struct JournalFilter {
    profiles: Vec<glob::Pattern>,
    regions: Vec<String>,
    project_id: Option<String>,
    os_cloud: Option<String>,
    hcloud_profile: Option<String>,
    sandbox: bool,
    sandbox_state: Option<String>,
    /// The flags that chose, as typed (for "no jobs for ..." lines).
    pub(crate) flags: Vec<String>,
}

impl JournalFilter {
    /// From the account flags; those that name no recorded account (`--endpoint`, `--os-cloud`
    /// ...) are refused, never ignored.
    pub(super) fn from_flags(g: &cli::GlobalArgs, what: &str) -> Result<JournalFilter, Error> {
        let refused: Vec<&str> = [
            (g.endpoint.is_some(), "--endpoint"),
            (g.iam_endpoint.is_some(), "--iam-endpoint"),
            (g.all_projects, "--all-projects"),
        ]
        .into_iter()
        .filter_map(|(given, flag)| given.then_some(flag))
        .collect();
        if let Some(flag) = refused.first() {
            return Err(Error::usage_hint(
                format!("{what} chooses jobs of the journal by account, and {flag} names none"),
                "choose with --profile (names or globs), --os-cloud, --hcloud-profile, --region, --project-id or --sandbox",
            ));
        }
        let mut filter = JournalFilter::default();
        for name in super::targets::list(g.profile.as_deref(), "--profile")?
            .into_iter()
            .flatten()
        {
            let pattern = glob::Pattern::new(&name).map_err(|e| {
                Error::usage(format!(
                    "invalid --profile glob '{}': {e}",
                    name.escape_debug()
                ))
            })?;
            filter.profiles.push(pattern);
        }
        filter.regions = super::targets::list(g.region.as_deref(), "--region")?
            .into_iter()
            .flatten()
            .collect();
        filter.project_id = g.project_id.clone();
        filter.os_cloud = g.os_cloud.clone();
        filter.hcloud_profile = g.hcloud_profile.clone();
        filter.sandbox = g.sandbox || g.sandbox_state.is_some();
        filter.sandbox_state = g.sandbox_state.as_ref().map(|p| p.display().to_string());
        let mut flag = |name: &str, value: Option<String>| {
            filter.flags.push(match value {
                Some(v) => shell_words::join([name.to_string(), v]),
                None => name.to_string(),
            })
        };
        if let Some(p) = &g.profile {
            flag("--profile", Some(p.clone()));
        }
        if let Some(r) = &g.region {
            flag("--region", Some(r.clone()));
        }
        if let Some(p) = &g.project_id {
            flag("--project-id", Some(p.clone()));
        }
        if let Some(c) = &g.os_cloud {
            flag("--os-cloud", Some(c.clone()));
        }
        if let Some(h) = &g.hcloud_profile {
            flag("--hcloud-profile", Some(h.clone()));
        }
        if g.sandbox {
            flag("--sandbox", None);
        }
        if let Some(s) = &g.sandbox_state {
            flag("--sandbox-state", Some(s.display().to_string()));
        }
        Ok(filter)
    }

    /// Whether a job recorded on `t` is chosen.
    pub(crate) fn matches(&self, t: &JournalTarget) -> bool {
        let from_config = t.os_cloud.is_none() && t.hcloud_profile.is_none();
        let profile = self.profiles.is_empty()
            || (from_config
                && t.profile
                    .as_deref()
                    .is_some_and(|p| self.profiles.iter().any(|g| g.matches(p))));
        let region =
            self.regions.is_empty() || t.region.as_ref().is_some_and(|r| self.regions.contains(r));
        let project = self.project_id.is_none() || t.project_id == self.project_id;
        let cloud = self.os_cloud.is_none() || t.os_cloud == self.os_cloud;
        let hcloud = self.hcloud_profile.is_none() || t.hcloud_profile == self.hcloud_profile;
        let sandbox = !self.sandbox || t.sandbox_state.is_some();
        let state = self.sandbox_state.is_none() || t.sandbox_state == self.sandbox_state;
        profile && region && project && cloud && hcloud && sandbox && state
    }

    /// ` for --profile prod` (or nothing when no flag chose).
    pub(crate) fn described(&self) -> String {
        if self.flags.is_empty() {
            String::new()
        } else {
            format!(" for {}", self.flags.join(" "))
        }
    }
}
