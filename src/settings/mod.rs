//! Command line + config file + environment -> one validated [`Settings`] value.
//!
//! This is the only module that reads clap structs or the environment. Everything is checked
//! here, before any request: ids, flag combinations, durations, profiles, credentials (secret
//! commands run here, so a failing one stops the run before anything is sent), endpoints.

pub mod clouds;
pub mod config;
pub mod endpoints;
pub mod env;
pub mod hcloud;
pub mod ids;
pub mod secrets;
pub mod sources;

use crate::cli::{self, Cli, Command, MemberStatusArg, ModeArg, OutputFormat};
use crate::error::Error;
use crate::model::{Action, ImageId, JobId, MemberStatus, valid_project_id};
use config::ModeKey;
use endpoints::Cloud;
use env::Env;
use reqwest::Url;
use sources::{Credentials, Layer, Sourced};
use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

pub use sources::Credentials as ResolvedCredentials;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Plain,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Batch,
    PerImage,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Batch => "batch",
            Mode::PerImage => "per-image",
        }
    }
}

/// What the terminal looks like; read once in `main`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    pub stdout: bool,
    pub stderr: bool,
    pub width: Option<u16>,
}

#[derive(Debug, Clone)]
pub struct OutputSettings {
    pub format: Format,
    pub color: bool,
    pub progress: bool,
    pub quiet: bool,
    pub verbose: u8,
    pub terminal: Terminal,
}

#[derive(Debug, Clone)]
pub struct NetSettings {
    pub request_timeout: Duration,
    pub retries: u32,
}

/// Which images an accept or reject is about.
#[derive(Debug, Clone)]
pub enum Selection {
    Ids(Vec<ImageId>),
    AllPending {
        owner: Option<String>,
        name: Option<glob::Pattern>,
    },
}

#[derive(Debug, Clone)]
pub struct ChangeTask {
    pub action: Action,
    pub selection: Selection,
    /// True when `-` was given: an empty standard input is then "nothing to do", not an error.
    pub from_stdin: bool,
    pub vault_id: Option<String>,
    pub mode: Mode,
    pub batch_size: usize,
    pub concurrency: usize,
    pub member_id: Option<String>,
    pub no_wait: bool,
    pub timeout: Duration,
    pub interval: Duration,
    pub dry_run: bool,
}

#[derive(Debug, Clone)]
pub struct WaitTask {
    pub jobs: Vec<JobId>,
    pub timeout: Duration,
    pub interval: Duration,
    /// `status --job`: one look, no waiting.
    pub once: bool,
}

#[derive(Debug, Clone)]
pub struct SandboxTask {
    pub listen: String,
    pub allow_remote: bool,
    pub state: PathBuf,
    pub reset: bool,
    pub seed: Option<PathBuf>,
    pub knobs: crate::sandbox::Knobs,
}

#[derive(Debug, Clone)]
pub enum Task {
    Change(ChangeTask),
    StatusImages { statuses: Vec<MemberStatus> },
    StatusMembers { ids: Vec<ImageId>, from_stdin: bool },
    Wait(WaitTask),
    Sandbox(SandboxTask),
}

/// Where requests go.
#[derive(Debug, Clone)]
pub enum Target {
    /// The emulator, in this process, on a loopback port, with state in a file.
    Sandbox {
        state: PathBuf,
    },
    Cloud(Box<CloudTarget>),
}

#[derive(Debug, Clone)]
pub struct CloudTarget {
    pub cloud: Option<Cloud>,
    pub region: Option<String>,
    pub project_id: Option<String>,
    pub project_name: Option<String>,
    /// From the flag, profile, environment or cloud + region; `None` means "from the token catalog".
    pub ims_endpoint: Option<Sourced<Url>>,
    pub iam_endpoint: Option<Sourced<Url>>,
    pub ca_bundle: Option<PathBuf>,
    pub default_mode: Mode,
    pub credentials: Credentials,
    pub credentials_from: String,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub output: OutputSettings,
    pub net: NetSettings,
    pub target: Option<Target>,
    pub task: Task,
    /// One-line warnings to print before running (config file permissions...).
    pub warnings: Vec<String>,
}

impl Settings {
    /// Every secret the run knows, for the redactor.
    pub fn secrets(&self) -> Vec<String> {
        match &self.target {
            Some(Target::Cloud(t)) => t.credentials.secrets(),
            _ => Vec::new(),
        }
    }
}

pub fn from_cli(
    cli: Cli,
    env: &Env,
    stdin: &mut dyn Read,
    terminal: Terminal,
) -> Result<Settings, Error> {
    let g = &cli.global;
    let output = output_settings(g, env, terminal);
    let net = NetSettings {
        request_timeout: g.request_timeout,
        retries: g.retries,
    };
    let mut warnings = Vec::new();
    // Ids and flag combinations first: they are checked before any file is read or any
    // secret command runs.
    let draft = draft_task(&cli.command, g.sandbox_state.as_ref(), stdin)?;
    let target = match &cli.command {
        Command::Sandbox(_) => None,
        _ if g.sandbox => Some(Target::Sandbox {
            state: sandbox_state_path(g.sandbox_state.clone())?,
        }),
        _ => Some(Target::Cloud(Box::new(cloud_target(
            g,
            env,
            &mut warnings,
        )?))),
    };
    let task = finish_task(draft, target.as_ref())?;
    Ok(Settings {
        output,
        net,
        target,
        task,
        warnings,
    })
}

fn output_settings(g: &cli::GlobalArgs, env: &Env, terminal: Terminal) -> OutputSettings {
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
    // NO_COLOR: any non-empty value turns colour off (no-color.org).
    let color = format == Format::Table && terminal.stdout && env.get("NO_COLOR").is_none();
    OutputSettings {
        format,
        color,
        progress: terminal.stderr && !g.no_progress && !g.quiet,
        quiet: g.quiet,
        verbose: g.verbose,
        terminal,
    }
}

pub fn sandbox_state_path(flag: Option<PathBuf>) -> Result<PathBuf, Error> {
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

/// The task before the target is known: ids parsed, flag combinations checked.
struct Draft {
    task: Task,
    mode_flag: Option<Mode>,
}

fn draft_task(
    command: &Command,
    sandbox_state: Option<&PathBuf>,
    stdin: &mut dyn Read,
) -> Result<Draft, Error> {
    match command {
        Command::Accept(a) => draft_change(Action::Accept, &a.change, a.vault_id.clone(), stdin),
        Command::Reject(r) => draft_change(Action::Reject, &r.change, None, stdin),
        Command::Status(s) => draft_status(s, stdin),
        Command::Wait(w) => {
            let (words, _) = ids::gather(&w.jobs, stdin)?;
            let jobs = ids::parse_all(
                &words,
                JobId::parse,
                "job id",
                "ff8080814dbd65d7014dbe0d84db0013",
            )?;
            if jobs.is_empty() {
                return Err(Error::usage(
                    "no job ids to wait for (standard input was empty)",
                ));
            }
            Ok(Draft {
                task: Task::Wait(WaitTask {
                    jobs,
                    timeout: w.timeout,
                    interval: w.interval,
                    once: false,
                }),
                mode_flag: None,
            })
        }
        Command::Sandbox(s) => Ok(Draft {
            task: Task::Sandbox(sandbox_task(s, sandbox_state)?),
            mode_flag: None,
        }),
    }
}

fn draft_change(
    action: Action,
    c: &cli::ChangeArgs,
    vault_id: Option<String>,
    stdin: &mut dyn Read,
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
    if !c.all_pending && c.ids.is_empty() {
        return Err(Error::usage_hint(
            format!("nothing to {}: no image ids given", action.verb()),
            format!(
                "give image ids, - to read them from standard input, or --all-pending (see `ims-share {} --help`)",
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
    let (selection, from_stdin) = if c.all_pending {
        let name = c
            .name
            .as_deref()
            .map(|g| {
                glob::Pattern::new(g)
                    .map_err(|e| Error::usage(format!("invalid --name glob '{g}': {e}")))
            })
            .transpose()?;
        (
            Selection::AllPending {
                owner: c.owner.clone(),
                name,
            },
            false,
        )
    } else {
        let (words, from_stdin) = ids::gather(&c.ids, stdin)?;
        let ids = ids::parse_all(
            &words,
            ImageId::parse,
            "image id",
            "d164b5df-1bc3-4c3f-893e-3e471fd16e64",
        )?;
        (Selection::Ids(ids), from_stdin)
    };
    Ok(Draft {
        task: Task::Change(ChangeTask {
            action,
            selection,
            from_stdin,
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

fn draft_status(s: &cli::StatusArgs, stdin: &mut dyn Read) -> Result<Draft, Error> {
    if !s.job.is_empty() && !s.ids.is_empty() {
        return Err(Error::usage("status takes image ids or --job, not both"));
    }
    if s.member_status.is_some() && (!s.job.is_empty() || !s.ids.is_empty()) {
        return Err(Error::usage(
            "--member-status filters the list of shared images; it cannot be combined with image ids or --job",
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
            jobs,
            timeout: Duration::ZERO,
            interval: Duration::ZERO,
            once: true,
        })
    } else if !s.ids.is_empty() {
        let (words, from_stdin) = ids::gather(&s.ids, stdin)?;
        let ids = ids::parse_all(
            &words,
            ImageId::parse,
            "image id",
            "d164b5df-1bc3-4c3f-893e-3e471fd16e64",
        )?;
        Task::StatusMembers { ids, from_stdin }
    } else {
        let statuses = match s.member_status {
            None | Some(MemberStatusArg::All) => MemberStatus::ALL.to_vec(),
            Some(MemberStatusArg::Pending) => vec![MemberStatus::Pending],
            Some(MemberStatusArg::Accepted) => vec![MemberStatus::Accepted],
            Some(MemberStatusArg::Rejected) => vec![MemberStatus::Rejected],
        };
        Task::StatusImages { statuses }
    };
    Ok(Draft {
        task,
        mode_flag: None,
    })
}

/// `--state` wins; the global `--sandbox-state` names the same file for the served sandbox.
fn sandbox_task(
    s: &cli::SandboxArgs,
    sandbox_state: Option<&PathBuf>,
) -> Result<SandboxTask, Error> {
    let state = sandbox_state_path(s.state.clone().or_else(|| sandbox_state.cloned()))?;
    Ok(SandboxTask {
        listen: s.listen.clone(),
        allow_remote: s.allow_remote,
        state,
        reset: s.reset,
        seed: s.seed.clone(),
        knobs: crate::sandbox::Knobs {
            latency: s.latency,
            job_duration: s.job_duration,
            throttle_every: s.throttle_every,
            unavailable_every: s.unavailable_every,
            drop_every: s.drop_every,
            html_error_every: s.html_error_every,
            slow_every: s.slow_every,
            slow_for: s.slow_for,
            truncate_every: s.truncate_every,
            token_uses: s.token_uses,
        },
    })
}

/// Settles what needed the target: the mode of an accept or reject, and the combinations it
/// forbids.
fn finish_task(draft: Draft, target: Option<&Target>) -> Result<Task, Error> {
    let Task::Change(mut change) = draft.task else {
        return Ok(draft.task);
    };
    let (default_mode, cloud) = match target {
        Some(Target::Cloud(t)) => (t.default_mode, t.cloud),
        _ => (Mode::Batch, None),
    };
    change.mode = draft.mode_flag.unwrap_or(default_mode);
    if change.mode == Mode::PerImage && change.no_wait {
        return Err(Error::usage_hint(
            "--no-wait has no meaning in per-image mode: each image's request finishes before ims-share exits",
            "drop --no-wait, or use --mode batch (IMS only)",
        ));
    }
    if change.mode == Mode::Batch && cloud == Some(Cloud::Openstack) {
        return Err(Error::usage_hint(
            "batch mode needs IMS (Huawei Cloud or OTC); an OpenStack cloud has only the per-image member API",
            "drop --mode batch, or set mode = \"per-image\"",
        ));
    }
    Ok(Task::Change(change))
}

/// An endpoint URL, checked: https, or http on a loopback address only.
pub fn endpoint_url(raw: &str, origin: &str) -> Result<Url, Error> {
    let url = Url::parse(raw.trim()).map_err(|e| {
        Error::usage_hint(
            format!("invalid endpoint '{raw}' ({origin}): {e}"),
            "write it as a full URL, e.g. https://ims.eu-de.otc.t-systems.com",
        )
    })?;
    if url.host_str().is_none() || url.cannot_be_a_base() {
        return Err(Error::usage(format!(
            "invalid endpoint '{raw}' ({origin}): no host"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::usage(format!(
            "invalid endpoint '{raw}' ({origin}): an endpoint has no query or fragment"
        )));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(Error::usage_hint(
            format!(
                "refusing the plain-http endpoint '{raw}' ({origin}): credentials would cross the network unencrypted"
            ),
            "use https:// (plain http is accepted only for loopback addresses such as 127.0.0.1)",
        )),
        other => Err(Error::usage(format!(
            "invalid endpoint '{raw}' ({origin}): scheme '{other}' is not http or https"
        ))),
    }
}

pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// An IAM URL may be given with or without its `/v3`; requests add it back.
pub fn iam_base(raw: &str, origin: &str) -> Result<Url, Error> {
    let mut url = endpoint_url(raw, origin)?;
    let path = url.path().trim_end_matches('/');
    let path = path.strip_suffix("/v3").unwrap_or(path).to_string();
    url.set_path(&path);
    Ok(url)
}

/// Everything about the cloud side: layers, credentials, endpoints.
fn cloud_target(
    g: &cli::GlobalArgs,
    env: &Env,
    warnings: &mut Vec<String>,
) -> Result<CloudTarget, Error> {
    let flags = flag_layer(g);
    let (explicit, default) = profile_layers(g, env, warnings)?;
    let env_layer = sources::env_layer(env);
    let mut layers: Vec<&Layer> = vec![&flags];
    if let Some(l) = &explicit {
        layers.push(l);
    }
    layers.push(&env_layer);
    if let Some(l) = &default {
        layers.push(l);
    }
    resolve(&layers)
}

/// Settles the cloud side from layers, highest first (PRODUCT.md "Sources, highest first").
pub fn resolve(layers: &[&Layer]) -> Result<CloudTarget, Error> {
    let (credentials, credentials_from, implied_cloud) = sources::resolve_credentials(layers)?;
    let region = sources::first(layers, |l| &l.region);
    let project_id = sources::first(layers, |l| &l.project_id);
    if let Some(p) = &project_id
        && !valid_project_id(&p.value)
    {
        return Err(Error::usage(format!(
            "invalid project id '{}' ({})",
            p.value.escape_debug(),
            p.origin
        )));
    }
    let project_name = sources::first(layers, |l| &l.project_name);
    let ims_raw = sources::first(layers, |l| &l.ims_endpoint);
    let iam_raw = sources::first(layers, |l| &l.iam_endpoint);
    let ca_bundle = sources::first(layers, |l| &l.ca_bundle).map(|c| c.value);
    let mode_key = sources::first(layers, |l| &l.mode);

    let cloud = sources::first(layers, |l| &l.cloud)
        .map(|c| c.value)
        .or_else(|| {
            region
                .as_ref()
                .and_then(|r| endpoints::cloud_of_region(&r.value))
                .filter(|c| *c != Cloud::Huaweicloud)
        })
        .or_else(|| {
            iam_raw
                .as_ref()
                .and_then(|u| endpoints::cloud_of_url(&u.value))
        })
        .or_else(|| {
            ims_raw
                .as_ref()
                .and_then(|u| endpoints::cloud_of_url(&u.value))
        })
        .or(implied_cloud)
        .or_else(|| {
            region
                .as_ref()
                .and_then(|r| endpoints::cloud_of_region(&r.value))
        });

    // A configured endpoint wins; else the table for cloud + region.
    let from_table = |table: fn(Cloud, &str) -> Option<String>| match (cloud, &region) {
        (Some(c), Some(r)) => table(c, &r.value).map(|u| {
            Sourced::new(
                Url::parse(&u).expect("table URLs parse"),
                format!("cloud {c}, region {}", r.value),
            )
        }),
        _ => None,
    };
    let ims_endpoint = match &ims_raw {
        Some(raw) => Some(Sourced::new(
            endpoint_url(&raw.value, &raw.origin)?,
            raw.origin.clone(),
        )),
        None => from_table(endpoints::ims_endpoint),
    };
    let iam_endpoint = match &iam_raw {
        Some(raw) => Some(Sourced::new(
            iam_base(&raw.value, &raw.origin)?,
            raw.origin.clone(),
        )),
        None => from_table(endpoints::iam_endpoint),
    };
    let is_password = matches!(credentials, Credentials::Password { .. });
    if ims_endpoint.is_none() && !is_password {
        return Err(missing_endpoint(cloud, region.as_ref(), &credentials_from));
    }
    if is_password && iam_endpoint.is_none() {
        return Err(Error::usage_hint(
            format!("a password login ({credentials_from}) needs an IAM endpoint"),
            "set region (with cloud) or iam_endpoint in the profile, OS_AUTH_URL, or --iam-endpoint",
        ));
    }
    let default_mode = match mode_key.map(|m| m.value) {
        Some(ModeKey::Batch) => Mode::Batch,
        Some(ModeKey::PerImage) => Mode::PerImage,
        None if cloud == Some(Cloud::Openstack) => Mode::PerImage,
        None => Mode::Batch,
    };
    Ok(CloudTarget {
        cloud,
        region: region.map(|r| r.value),
        project_id: project_id.map(|p| p.value),
        project_name: project_name.map(|p| p.value),
        ims_endpoint,
        iam_endpoint,
        ca_bundle,
        default_mode,
        credentials,
        credentials_from,
    })
}

fn missing_endpoint(cloud: Option<Cloud>, region: Option<&Sourced<String>>, from: &str) -> Error {
    match (cloud, region) {
        (Some(c), Some(r)) if c != Cloud::Openstack => Error::usage_hint(
            format!("unknown region '{}' for cloud {c} ({})", r.value, r.origin),
            format!(
                "known regions: {}; or set ims_endpoint",
                endpoints::regions(c).join(", ")
            ),
        ),
        (Some(Cloud::Openstack), _) => Error::usage_hint(
            format!("no Glance endpoint for the OpenStack cloud of {from}"),
            "set ims_endpoint (the Glance URL) in the profile, IMS_SHARE_ENDPOINT, or --endpoint",
        ),
        _ => Error::usage_hint(
            "no IMS endpoint: neither a region nor an endpoint is set",
            "set cloud and region (e.g. cloud = \"otc\", region = \"eu-de\") in the profile, or --region, or ims_endpoint / IMS_SHARE_ENDPOINT / --endpoint",
        ),
    }
}

fn flag_layer(g: &cli::GlobalArgs) -> Layer {
    let flag = |v: &Option<String>, name: &str| {
        v.as_ref().map(|s| Sourced::new(s.trim().to_string(), name))
    };
    Layer {
        source: "command-line flags".into(),
        region: flag(&g.region, "--region"),
        project_id: flag(&g.project_id, "--project-id"),
        ims_endpoint: flag(&g.endpoint, "--endpoint"),
        iam_endpoint: flag(&g.iam_endpoint, "--iam-endpoint"),
        ca_bundle: g
            .ca_bundle
            .as_ref()
            .map(|p| Sourced::new(p.clone(), "--ca-bundle")),
        ..Layer::default()
    }
}

/// The explicitly chosen source (a profile, a clouds.yaml entry or a KooCLI profile) and the
/// default profile of the config file.
fn profile_layers(
    g: &cli::GlobalArgs,
    env: &Env,
    warnings: &mut Vec<String>,
) -> Result<(Option<Layer>, Option<Layer>), Error> {
    let chosen_flags = [
        g.profile.as_ref().map(|_| "--profile"),
        g.os_cloud.as_ref().map(|_| "--os-cloud"),
        g.hcloud_profile.as_ref().map(|_| "--hcloud-profile"),
    ];
    let chosen: Vec<&str> = chosen_flags.iter().flatten().copied().collect();
    if chosen.len() > 1 {
        return Err(Error::usage(format!(
            "choose one source of credentials: {} were all given",
            chosen.join(" and ")
        )));
    }
    let (path, named) = match config::locate(g.config.as_deref(), env.get("IMS_SHARE_CONFIG")) {
        Some(found) => found,
        None => (PathBuf::new(), false),
    };
    let loaded = if path.as_os_str().is_empty() {
        None
    } else {
        config::load(&path, named)?
    };
    if let Some(l) = &loaded
        && let Some(w) = config::permission_warning(l)
    {
        warnings.push(w);
    }
    let profile_name = g.profile.clone().map(|p| (p, "--profile")).or_else(|| {
        (g.os_cloud.is_none() && g.hcloud_profile.is_none())
            .then(|| {
                env.get("IMS_SHARE_PROFILE")
                    .map(|p| (p.to_string(), "IMS_SHARE_PROFILE"))
            })
            .flatten()
    });
    let explicit = if let Some((name, how)) = &profile_name {
        Some(named_profile(loaded.as_ref(), &path, name, how)?)
    } else if let Some(name) = &g.os_cloud {
        Some(clouds::layer(env, name, "--os-cloud")?)
    } else if let Some(name) = &g.hcloud_profile {
        let path = hcloud::default_path()
            .ok_or_else(|| Error::usage("--hcloud-profile: cannot find the home directory"))?;
        Some(hcloud::layer(&path, name)?)
    } else if let Some(name) = env.get("OS_CLOUD") {
        Some(clouds::layer(env, name, "OS_CLOUD")?)
    } else {
        None
    };
    let default = match &loaded {
        Some(l) => {
            let default_name = l.file.default_profile.clone().or_else(|| {
                l.file
                    .profiles
                    .contains_key("default")
                    .then(|| "default".to_string())
            });
            match default_name {
                Some(name) if profile_name.as_ref().map(|(n, _)| n) != Some(&name) => {
                    Some(named_profile(Some(l), &path, &name, "default_profile")?)
                }
                _ => None,
            }
        }
        None => None,
    };
    Ok((explicit, default))
}

fn named_profile(
    loaded: Option<&config::LoadedConfig>,
    path: &std::path::Path,
    name: &str,
    how: &str,
) -> Result<Layer, Error> {
    let Some(l) = loaded else {
        return Err(Error::usage_hint(
            format!(
                "profile '{name}' ({how}) not found: there is no config file at {}",
                path.display()
            ),
            "create the file with a [profiles.NAME] table (see config.example.toml), or give --config FILE",
        ));
    };
    let Some(profile) = l.file.profiles.get(name) else {
        let known: Vec<&str> = l.file.profiles.keys().map(String::as_str).collect();
        return Err(Error::usage_hint(
            format!("no profile '{name}' ({how}) in {}", l.path.display()),
            if known.is_empty() {
                "the file defines no profiles: add a [profiles.NAME] table".to_string()
            } else {
                format!("profiles there: {}", known.join(", "))
            },
        ));
    };
    sources::profile_layer(
        profile,
        &format!("profile '{name}' in {}", l.path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::settings::config::ProfileFile;
    use crate::settings::sources::{env_layer, profile_layer};

    fn profile(text: &str, name: &str) -> Layer {
        profile_layer(&toml::from_str::<ProfileFile>(text).unwrap(), name).unwrap()
    }

    fn flags(pairs: &[(&str, &str)]) -> Layer {
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(n, v)| Sourced::new(v.to_string(), *n))
        };
        Layer {
            source: "command-line flags".into(),
            region: get("--region"),
            project_id: get("--project-id"),
            ims_endpoint: get("--endpoint"),
            ..Layer::default()
        }
    }

    const AKSK: &str = "access_key = \"AK\"\nsecret_key = \"SK\"\n";

    /// PRODUCT.md: flags; an explicitly chosen source; environment; the default profile;
    /// built-in defaults. Each value on its own, highest first.
    #[test]
    fn precedence_of_plain_values() {
        let f = flags(&[("--region", "eu-nl")]);
        let explicit = profile(
            &format!("{AKSK}region = \"eu-de\"\nproject_id = \"explicit\"\n"),
            "profile 'chosen'",
        );
        let env = env_layer(&Env::from_pairs([
            ("HUAWEICLOUD_SDK_PROJECT_ID", "from-env"),
            ("IMS_SHARE_ENDPOINT", "https://ims.env.example"),
        ]));
        let default = profile(
            &format!(
                "{AKSK}ims_endpoint = \"https://ims.default.example\"\nca_bundle = \"/ca.pem\"\n"
            ),
            "profile 'default'",
        );
        let t = resolve(&[&f, &explicit, &env, &default]).unwrap();
        assert_eq!(t.region.as_deref(), Some("eu-nl"), "flag");
        assert_eq!(
            t.project_id.as_deref(),
            Some("explicit"),
            "explicit profile over env"
        );
        assert_eq!(
            t.ims_endpoint.unwrap().value.as_str(),
            "https://ims.env.example/",
            "env over default profile"
        );
        assert_eq!(
            t.ca_bundle.unwrap(),
            PathBuf::from("/ca.pem"),
            "default profile"
        );
        assert_eq!(t.cloud, Some(Cloud::Otc), "built-in: eu-nl is OTC");
        assert_eq!(
            t.iam_endpoint.unwrap().value.as_str(),
            "https://iam.eu-nl.otc.t-systems.com/"
        );
        assert_eq!(t.credentials_from, "profile 'chosen'");
    }

    #[test]
    fn credentials_come_from_the_highest_source_that_has_any() {
        let explicit = profile("region = \"eu-de\"\n", "profile 'chosen'");
        let env = env_layer(&Env::from_pairs([
            ("HW_ACCESS_KEY", "ENVAK"),
            ("HW_SECRET_KEY", "ENVSK"),
        ]));
        let default = profile(AKSK, "profile 'default'");
        let t = resolve(&[&explicit, &env, &default]).unwrap();
        assert_eq!(t.credentials_from, "the environment");
        assert!(
            matches!(t.credentials, Credentials::AkSk { ref access_key, .. } if access_key == "ENVAK")
        );
    }

    #[test]
    fn clouds_and_modes_when_no_profile_says() {
        // HW_* credentials mean Huawei Cloud, batch, endpoints from the region.
        let env = env_layer(&Env::from_pairs([
            ("HW_ACCESS_KEY", "AK"),
            ("HW_SECRET_KEY", "SK"),
            ("HW_REGION_NAME", "ap-southeast-1"),
            ("HW_PROJECT_ID", "p"),
        ]));
        let t = resolve(&[&env]).unwrap();
        assert_eq!(t.cloud, Some(Cloud::Huaweicloud));
        assert_eq!(t.default_mode, Mode::Batch);
        assert_eq!(
            t.ims_endpoint.unwrap().value.as_str(),
            "https://ims.ap-southeast-1.myhuaweicloud.com/"
        );
        // eu-ch2 means OTC Swiss.
        let swiss = profile(&format!("{AKSK}region = \"eu-ch2\"\n"), "p");
        assert_eq!(resolve(&[&swiss]).unwrap().cloud, Some(Cloud::OtcSwiss));
        // A profile's cloud and mode win.
        let os = profile(
            &format!("{AKSK}cloud = \"openstack\"\nims_endpoint = \"https://glance.example\"\n"),
            "p",
        );
        assert_eq!(resolve(&[&os]).unwrap().default_mode, Mode::PerImage);
        let forced = profile(
            &format!("{AKSK}region = \"eu-de\"\nmode = \"per-image\"\n"),
            "p",
        );
        assert_eq!(resolve(&[&forced]).unwrap().default_mode, Mode::PerImage);
    }

    #[test]
    fn an_otc_clouds_yaml_needs_no_endpoint_of_ours() {
        let entry: serde_json::Value = serde_yaml_ng::from_str(
            "auth:\n  auth_url: https://iam.eu-de.otc.t-systems.com/v3\n  username: alice\n  password: pw\n  project_name: eu-de\n  user_domain_name: OTC-EU-DE-00000000001000000001\nregion_name: eu-de\n",
        )
        .unwrap();
        let l = clouds::entry_layer(&entry, "clouds.yaml entry 'otc'");
        let t = resolve(&[&l]).unwrap();
        assert_eq!(t.cloud, Some(Cloud::Otc));
        assert_eq!(t.default_mode, Mode::Batch);
        assert_eq!(
            t.ims_endpoint.unwrap().value.as_str(),
            "https://ims.eu-de.otc.t-systems.com/"
        );
        assert_eq!(
            t.iam_endpoint.unwrap().value.as_str(),
            "https://iam.eu-de.otc.t-systems.com/"
        );
        // A plain OpenStack entry: per-image, the Glance endpoint from the token's catalog.
        let plain: serde_json::Value = serde_yaml_ng::from_str(
            "auth:\n  auth_url: https://keystone.example.org:5000/v3\n  username: demo\n  password: pw\n  project_name: demo\n  user_domain_name: Default\nregion_name: RegionOne\n",
        )
        .unwrap();
        let t = resolve(&[&clouds::entry_layer(&plain, "x")]).unwrap();
        assert_eq!(t.cloud, Some(Cloud::Openstack));
        assert_eq!(t.default_mode, Mode::PerImage);
        assert!(
            t.ims_endpoint.is_none(),
            "taken from the catalog after login"
        );
    }

    #[test]
    fn a_koocli_profile_is_huawei_cloud() {
        let config = serde_json::json!({"profiles": [{"name": "default", "mode": "AKSK", "accessKeyId": "AK", "secretAccessKey": "SK", "region": "cn-north-4"}]});
        let l = hcloud::profile_layer(&config, "default", "cfg").unwrap();
        let t = resolve(&[&l]).unwrap();
        assert_eq!(t.cloud, Some(Cloud::Huaweicloud));
        assert_eq!(
            t.ims_endpoint.unwrap().value.as_str(),
            "https://ims.cn-north-4.myhuaweicloud.com/"
        );
    }

    #[test]
    fn endpoints_must_be_https_unless_loopback() {
        assert!(endpoint_url("https://ims.eu-de.otc.t-systems.com", "x").is_ok());
        assert!(endpoint_url("http://127.0.0.1:8787", "x").is_ok());
        assert!(endpoint_url("http://[::1]:8787", "x").is_ok());
        assert!(endpoint_url("http://localhost:8787/", "x").is_ok());
        let e = endpoint_url("http://ims.example.com", "--endpoint").unwrap_err();
        assert!(e.to_string().contains("plain-http"), "{e}");
        assert!(endpoint_url("ims.eu-de.otc.t-systems.com", "x").is_err());
        assert!(endpoint_url("ftp://x", "x").is_err());
        assert!(endpoint_url("https://x/?a=b", "x").is_err());
    }

    #[test]
    fn iam_urls_with_or_without_v3() {
        for raw in [
            "https://iam.eu-de.otc.t-systems.com/v3",
            "https://iam.eu-de.otc.t-systems.com/v3/",
            "https://iam.eu-de.otc.t-systems.com",
        ] {
            assert_eq!(
                iam_base(raw, "x").unwrap().as_str(),
                "https://iam.eu-de.otc.t-systems.com/",
                "{raw}"
            );
        }
        assert_eq!(
            iam_base("http://127.0.0.1:5000/identity/v3", "x")
                .unwrap()
                .path(),
            "/identity"
        );
    }
}
