//! Command line + config file + environment -> one validated [`Settings`] value.
//!
//! This is the only module that reads clap structs or the environment. Everything is checked
//! here, before any request: ids, flag combinations, durations, profiles, credentials (secret
//! commands run here, so a failing one stops the run before anything is sent), endpoints.

mod clouds;
pub(crate) mod complete;
mod config;
mod credentials;
mod drafts;
mod endpoints;
pub(crate) mod env;
mod hcloud;
mod ids;
mod journal_filter;
mod layers;
mod looks;
mod owners;
pub(crate) mod policy;
mod resume;
mod secrets;
#[cfg(feature = "sandbox")]
mod serve;
mod sources;
mod target;
mod targets;
mod task;
#[cfg(test)]
mod tests;

pub(crate) use crate::api::client::Proxies;
pub(crate) use owners::Owners;
#[cfg(feature = "sandbox")]
pub(crate) use serve::{Faults, ServeTask};
pub(crate) use target::Target;
pub(crate) use targets::Planned;
pub(crate) use task::{
    ChangeTask, Filter, KnownImage, Mode, Selection, StatusTask, SyncTask, Task, WaitTask,
};

use crate::cli::{self, Cli, Command};
use crate::domain::Action;
use crate::error::{Error, Exit};
use crate::output::{OutputConfig, Terminal};
use env::Env;
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub(crate) struct NetSettings {
    pub(crate) request_timeout: Duration,
    pub(crate) retries: u32,
    pub(crate) proxies: Proxies,
}

/// What the run does: serve the emulator, or run a task against a target.
#[derive(Debug, Clone)]
pub(crate) enum Plan {
    #[cfg(feature = "sandbox")]
    Serve(ServeTask),
    /// Print the completion script for a shell.
    Completions(crate::cli::ShellArg),
    /// Print the manual page.
    Man,
    /// The task on each target: one, or several (profiles x regions, `--all-projects`).
    Run(Run),
    /// `ims-share jobs`: the journal.
    Jobs(JobsTask),
    /// Nothing to do, and no account needed to say so (`wait --unfinished` with every job of
    /// the journal finished, `wait -` with nothing on standard input).
    Idle(Task),
}

#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub(crate) runs: Vec<Planned>,
    /// Targets run at once.
    pub(crate) parallel: usize,
    /// Each target is widened to its projects in its region when the run starts.
    pub(crate) all_projects: bool,
    /// Where submitted jobs are recorded; `None` with `--no-journal` or `journal = false`.
    pub(crate) journal: Option<PathBuf>,
    /// The least exit code of the run: 1 when jobs asked for were left out (a `wait` whose
    /// recorded account is gone).
    pub(crate) floor: Exit,
}

impl Run {
    /// The output of one target is exactly today's single-target output.
    pub(crate) fn single(&self) -> bool {
        self.runs.len() == 1 && !self.all_projects
    }
}

/// `ims-share jobs`.
#[derive(Debug, Clone)]
pub(crate) struct JobsTask {
    pub(crate) journal: Option<PathBuf>,
    pub(crate) since: Option<Duration>,
    pub(crate) unfinished: bool,
    /// The accounts whose jobs are listed.
    pub(crate) filter: resume::JournalFilter,
}

#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) output: OutputConfig,
    pub(crate) net: NetSettings,
    pub(crate) plan: Plan,
    /// One-line warnings to print before running (config file permissions...).
    pub(crate) warnings: Vec<String>,
    /// What `-v` says about how the settings were chosen (the journal's accounts...).
    pub(crate) trace: Vec<String>,
}

pub(crate) fn from_cli(
    mut cli: Cli,
    env: &Env,
    stdin: &mut dyn Read,
    terminal: Terminal,
) -> Result<Settings, Error> {
    // Files named on the command line, made absolute: resume lines and the journal must find
    // them again from another directory.
    for path in [&mut cli.global.config, &mut cli.global.sandbox_state]
        .into_iter()
        .flatten()
    {
        if let Ok(p) = std::path::absolute(&*path) {
            *path = p;
        }
    }
    let g = &cli.global;
    secrets::set_interactive(terminal.stdin);
    let output = looks::output_config(g, env, terminal);
    let net = NetSettings {
        request_timeout: g.request_timeout,
        retries: g.retries,
        proxies: proxies(env),
    };
    let mut warnings = Vec::new();
    // Ids and flag combinations first: they are checked before any file is read or any
    // secret command runs.
    let draft = match &cli.command {
        #[cfg(feature = "sandbox")]
        Command::Sandbox(s) => {
            return Ok(Settings {
                output,
                net,
                plan: Plan::Serve(serve::serve_task(s, g.sandbox_state.as_ref())?),
                warnings,
                trace: Vec::new(),
            });
        }
        #[cfg(not(feature = "sandbox"))]
        Command::Sandbox(_) => return Err(no_sandbox("ims-share sandbox")),
        Command::Completions(c) => {
            return Ok(Settings {
                output,
                net,
                plan: Plan::Completions(c.shell),
                warnings,
                trace: Vec::new(),
            });
        }
        Command::Man => {
            return Ok(Settings {
                output,
                net,
                plan: Plan::Man,
                warnings,
                trace: Vec::new(),
            });
        }
        Command::Accept(a) => drafts::draft_change(
            Action::Accept,
            &a.change,
            a.vault_id.clone(),
            stdin,
            looks::may_prompt(g, env, terminal),
        )?,
        Command::Reject(r) => drafts::draft_change(
            Action::Reject,
            &r.change,
            None,
            stdin,
            looks::may_prompt(g, env, terminal),
        )?,
        Command::Status(s) => drafts::draft_status(s, stdin)?,
        Command::Wait(w) => drafts::draft_wait(w, stdin)?,
        Command::Sync(s) => drafts::draft_sync(s)?,
        Command::Jobs(j) => {
            let config = layers::ConfigRead::read(g, env, &mut warnings)?;
            return Ok(Settings {
                output,
                net,
                plan: Plan::Jobs(JobsTask {
                    journal: resume::journal_path(g, env, &config),
                    since: j.since,
                    unfinished: j.unfinished,
                    filter: resume::JournalFilter::from_flags(g, "jobs")?,
                }),
                warnings,
                trace: Vec::new(),
            });
        }
    };
    let config = layers::ConfigRead::read(g, env, &mut warnings)?;
    let mut owners = owners::Owners::from_config(&config)?;
    let mut draft = draft;
    if let Command::Sync(s) = &cli.command {
        let (policy, all_owners) = policy::load(s.policy.as_deref(), &config, &owners)?;
        owners = all_owners;
        draft.set_policy(policy);
    }
    let journal = resume::journal_path(g, env, &config);
    let mut trace = Vec::new();
    // `wait` and `status --job`: the journal knows the account of each job it recorded.
    let (runs, skipped) = match &draft.task {
        Task::Wait(w) => resume::wait_runs(
            g,
            env,
            &config,
            &draft,
            &owners,
            journal.as_ref(),
            w.unfinished,
            &mut warnings,
            &mut trace,
        )?,
        _ => (
            targets::plan(g, env, &config, &draft, &owners, &mut warnings)?,
            false,
        ),
    };
    if runs.is_empty() {
        let mut task = draft.task;
        resume::say_chosen(g, &mut task)?;
        return Ok(Settings {
            output,
            net,
            plan: Plan::Idle(task),
            warnings,
            trace,
        });
    }
    let several = runs.len() > 1 || g.all_projects;
    if several
        && runs.iter().any(
            |p| matches!(&p.task, Task::Change(c) if matches!(c.selection, Selection::Pick(_))),
        )
    {
        return Err(Error::usage_hint(
            "no image ids: the list to pick from is for one target, and this run has several",
            "give image ids or names, or --all-pending (with --owner / --name)",
        ));
    }
    Ok(Settings {
        output,
        net,
        plan: Plan::Run(Run {
            runs,
            parallel: g.parallel.clamp(1, 64) as usize,
            all_projects: g.all_projects,
            journal,
            floor: if skipped { Exit::Failed } else { Exit::Ok },
        }),
        warnings,
        trace,
    })
}

impl Settings {
    /// Every configured secret, for the redactor.
    pub(crate) fn secrets(&self) -> Vec<String> {
        match &self.plan {
            Plan::Run(run) => run
                .runs
                .iter()
                .flat_map(|p| match &p.target {
                    Target::Cloud(t) => t.secrets.clone(),
                    #[cfg(feature = "sandbox")]
                    Target::Sandbox { .. } => Vec::new(),
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The flags that chose the account, shell-quoted, so that a printed "resume with" line, pasted
/// into a shell, waits on the same account.
pub(super) fn resume_flags(g: &cli::GlobalArgs) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut flag = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            words.push(name.to_string());
            words.push(v);
        }
    };
    let path = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
    flag("--config", path(&g.config));
    flag("--profile", g.profile.clone());
    flag("--os-cloud", g.os_cloud.clone());
    flag("--hcloud-profile", g.hcloud_profile.clone());
    flag("--region", g.region.clone());
    flag("--project-id", g.project_id.clone());
    flag("--endpoint", g.endpoint.clone());
    flag("--iam-endpoint", g.iam_endpoint.clone());
    flag("--sandbox-state", path(&g.sandbox_state));
    if g.sandbox {
        words.insert(0, "--sandbox".to_string());
    }
    shell_words::join(words)
}

fn proxies(env: &Env) -> Proxies {
    let get = |upper: &str| {
        env.first(&[upper, &upper.to_ascii_lowercase()])
            .map(|(_, v)| v.trim().to_string())
    };
    Proxies {
        https: get("HTTPS_PROXY"),
        http: get("HTTP_PROXY"),
        all: get("ALL_PROXY"),
        no_proxy: get("NO_PROXY"),
    }
}

#[cfg(feature = "sandbox")]
pub(super) fn sandbox_target(
    state: Option<PathBuf>,
    region: Option<String>,
    project_id: Option<String>,
) -> Result<Target, Error> {
    Ok(Target::Sandbox {
        state: sandbox_state_path(state)?,
        region,
        project_id,
    })
}

#[cfg(not(feature = "sandbox"))]
pub(super) fn sandbox_target(
    _: Option<PathBuf>,
    _: Option<String>,
    _: Option<String>,
) -> Result<Target, Error> {
    Err(no_sandbox("--sandbox"))
}

/// A build without the emulator (`--no-default-features`) says so, instead of pretending.
#[cfg(not(feature = "sandbox"))]
fn no_sandbox(what: &str) -> Error {
    Error::usage_hint(
        format!(
            "{what}: this build of ims-share has no sandbox (it was built without the \"sandbox\" feature)"
        ),
        "use a build with the default features (cargo install --locked --path .), or point ims-share at a cloud",
    )
}

#[cfg(feature = "sandbox")]
pub(crate) fn sandbox_state_path(flag: Option<PathBuf>) -> Result<PathBuf, Error> {
    if let Some(p) = flag {
        return Ok(p);
    }
    dirs::data_dir()
        .map(|d| d.join("ims-share").join("sandbox.json"))
        .ok_or_else(|| {
            Error::usage_hint(
                "cannot find a data directory for the sandbox state",
                "set HOME, or give --sandbox-state FILE",
            )
        })
}
