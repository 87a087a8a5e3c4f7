//! Command line + config file + environment -> one validated [`Settings`] value.
//!
//! This is the only module that reads clap structs or the environment. Everything is checked
//! here, before any request: ids, flag combinations, durations, profiles, credentials (secret
//! commands run here, so a failing one stops the run before anything is sent), endpoints.

mod clouds;
pub(crate) mod complete;
mod config;
mod credentials;
mod endpoints;
pub(crate) mod env;
mod hcloud;
mod ids;
mod layers;
mod owners;
mod secrets;
mod sources;
mod target;
mod task;
#[cfg(test)]
mod tests;

pub(crate) use crate::api::client::Proxies;
pub(crate) use owners::Owners;
pub(crate) use target::Target;
pub(crate) use task::{ChangeTask, Filter, Mode, Selection, StatusTask, Task, WaitTask};
#[cfg(feature = "sandbox")]
pub(crate) use task::{Faults, ServeTask};

use crate::cli::{self, Cli, Command, OutputFormat};
use crate::domain::Action;
use crate::error::Error;
use crate::output::{Format, OutputConfig, Terminal};
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
    Run {
        target: Target,
        task: Task,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) output: OutputConfig,
    pub(crate) net: NetSettings,
    pub(crate) plan: Plan,
    /// One-line warnings to print before running (config file permissions...).
    pub(crate) warnings: Vec<String>,
}

pub(crate) fn from_cli(
    cli: Cli,
    env: &Env,
    stdin: &mut dyn Read,
    terminal: Terminal,
) -> Result<Settings, Error> {
    let g = &cli.global;
    secrets::set_interactive(terminal.stdin);
    let output = output_config(g, env, terminal);
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
                plan: Plan::Serve(task::serve_task(s, g.sandbox_state.as_ref())?),
                warnings,
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
            });
        }
        Command::Man => {
            return Ok(Settings {
                output,
                net,
                plan: Plan::Man,
                warnings,
            });
        }
        Command::Accept(a) => task::draft_change(
            Action::Accept,
            &a.change,
            a.vault_id.clone(),
            stdin,
            may_prompt(g, env, terminal),
        )?,
        Command::Reject(r) => task::draft_change(
            Action::Reject,
            &r.change,
            None,
            stdin,
            may_prompt(g, env, terminal),
        )?,
        Command::Status(s) => task::draft_status(s, stdin)?,
        Command::Wait(w) => task::draft_wait(w, stdin)?,
    };
    let config = layers::ConfigRead::read(g, env, &mut warnings)?;
    let owners = owners::Owners::from_config(&config)?;
    let target = if g.sandbox {
        sandbox_target(g.sandbox_state.clone())?
    } else {
        Target::Cloud(Box::new(target::cloud_target(
            g,
            env,
            &config,
            &mut warnings,
        )?))
    };
    let task = task::finish_task(draft, &target, resume_flags(g), &owners)?;
    Ok(Settings {
        output,
        net,
        plan: Plan::Run { target, task },
        warnings,
    })
}

impl Settings {
    /// Every configured secret, for the redactor.
    pub(crate) fn secrets(&self) -> Vec<String> {
        match &self.plan {
            Plan::Run {
                target: Target::Cloud(t),
                ..
            } => t.secrets.clone(),
            #[cfg(feature = "sandbox")]
            _ => Vec::new(),
        }
    }
}

/// The flags that chose the account, shell-quoted, so that a printed "resume with" line, pasted
/// into a shell, waits on the same account.
fn resume_flags(g: &cli::GlobalArgs) -> String {
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

/// Whether a question may be asked: only of a person at a terminal (standard input, output and
/// error all terminals, the prompt drawn on standard error), never with `-q` or
/// `IMS_SHARE_NO_PROMPT` (gh's rule), nor on a dumb terminal that cannot draw a list.
fn may_prompt(g: &cli::GlobalArgs, env: &Env, terminal: Terminal) -> bool {
    terminal.stdin
        && terminal.stdout
        && terminal.stderr
        && !g.quiet
        && env.get("IMS_SHARE_NO_PROMPT").is_none()
        && env.get("TERM") != Some("dumb")
}

fn output_config(g: &cli::GlobalArgs, env: &Env, terminal: Terminal) -> OutputConfig {
    let format = if g.json {
        Format::Json
    } else {
        match g.output {
            Some(OutputFormat::Table) => Format::Table,
            Some(OutputFormat::Plain) => Format::Plain,
            Some(OutputFormat::Json) => Format::Json,
            None if terminal.stdout => Format::Table,
            None => Format::Plain,
        }
    };
    // NO_COLOR: any non-empty value turns colour off (no-color.org); so does a dumb terminal.
    let color = format == Format::Table
        && terminal.stdout
        && env.get("NO_COLOR").is_none()
        && env.get("TERM") != Some("dumb");
    OutputConfig {
        format,
        color,
        progress: terminal.stderr && !g.no_progress && !g.quiet,
        quiet: g.quiet,
        verbose: g.verbose,
        terminal,
    }
}

#[cfg(feature = "sandbox")]
fn sandbox_target(state: Option<PathBuf>) -> Result<Target, Error> {
    Ok(Target::Sandbox {
        state: sandbox_state_path(state)?,
    })
}

#[cfg(not(feature = "sandbox"))]
fn sandbox_target(_: Option<PathBuf>) -> Result<Target, Error> {
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
