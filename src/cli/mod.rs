//! The command line as clap sees it. Doc comments here are the `--help` text.
//!
//! Nothing outside `settings` reads these structs: they are turned into a validated
//! [`crate::settings::Settings`] at one boundary.

mod commands;
mod more_args;

pub use commands::*;

use clap::{ArgAction, Args, Parser, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

/// Durations are humantime style (`50ms`, `90s`, `5m`, `1h`); a bare number is refused,
/// because `--timeout 30` could mean seconds or minutes.
pub fn parse_duration(raw: &str) -> Result<Duration, String> {
    let s = raw.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(format!(
            "'{raw}' has no unit: write it like 50ms, 90s, 5m or 1h"
        ));
    }
    humantime::parse_duration(s)
        .map_err(|e| format!("'{raw}' is not a duration ({e}): write it like 50ms, 90s, 5m or 1h"))
}

/// A duration that must not be zero (a time-out of nothing, a poll interval of nothing).
pub(crate) fn parse_nonzero_duration(raw: &str) -> Result<Duration, String> {
    match parse_duration(raw)? {
        d if d.is_zero() => Err(format!("'{raw}' is zero: it must be longer than that")),
        d => Ok(d),
    }
}

pub(crate) fn parse_positive(raw: &str) -> Result<u64, String> {
    match raw.trim().parse::<u64>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("'{raw}' is not a whole number")),
    }
}

const MAIN_EXAMPLES: &str = "\
Examples:
  ims-share --sandbox accept --all-pending     # try it offline, no cloud account needed
  ims-share status --member-status pending     # what is waiting for you
  ims-share accept 0b680482-acaa-4045-b14c-9a8c7dfe9c70
  ims-share status --member-status pending -o json | jq -r '.images[].image_id' | ims-share accept -
  ims-share accept --no-wait --all-pending > jobs.txt; ims-share wait - < jobs.txt

Exit codes: 0 done, 1 refused or failed in part, 2 usage or configuration, 3 authentication,
4 wait timed out, 5 service unreachable, 6 changes to make (sync --check), 130 interrupted.";

/// Accept or reject images shared with you on Huawei Cloud, Open Telekom Cloud and OpenStack.
///
/// Another project shared images with yours; until you accept them they do not show in your
/// image list. ims-share shows what is pending, accepts or rejects one image or hundreds in one
/// command, and waits for the asynchronous IMS jobs, with output for terminals, scripts and jq.
#[derive(Debug, Parser)]
#[command(
    name = "ims-share",
    version = env!("IMS_SHARE_LONG_VERSION"),
    after_help = MAIN_EXAMPLES,
    max_term_width = 100,
    args_override_self = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Tables for people (the default when standard output is a terminal).
    Table,
    /// Tab-separated rows without a header (the default when piped).
    Plain,
    /// One JSON document, for jq.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// One `PUT /v1/cloudimages/members` per chunk, then wait for the jobs (IMS).
    Batch,
    /// One `PUT /v2/images/{id}/members/{member}` per image (Glance v2, any OpenStack).
    PerImage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MemberStatusArg {
    Pending,
    Accepted,
    Rejected,
    /// The union of the three.
    All,
}

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Profile(s) of the config file: a name, a comma-separated list, or a glob ('prod-*')
    /// [env: IMS_SHARE_PROFILE]
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Config file [env: IMS_SHARE_CONFIG] [default: <config dir>/ims-share/config.toml]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Region(s), e.g. eu-de or eu-de,eu-nl (picks the endpoints and the project)
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// Every project of the credentials in the region(s): eu-de and its sub-projects eu-de_*
    #[arg(long = "all-projects", global = true)]
    pub all_projects: bool,

    /// Targets (profile x region x project) run at once
    #[arg(long, global = true, value_name = "N", default_value = "4", value_parser = parse_positive)]
    pub parallel: u64,

    /// Do not record submitted jobs in the journal (see `ims-share jobs`)
    #[arg(long = "no-journal", global = true)]
    pub no_journal: bool,

    /// Your project id (found through IAM when not given)
    #[arg(long = "project-id", global = true, value_name = "ID")]
    pub project_id: Option<String>,

    /// IMS or Glance endpoint, overriding what cloud and region imply [env: IMS_SHARE_ENDPOINT]
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint: Option<String>,

    /// IAM (Keystone) endpoint, with or without its trailing /v3
    #[arg(long = "iam-endpoint", global = true, value_name = "URL")]
    pub iam_endpoint: Option<String>,

    /// Output format [default: table on a terminal, plain when piped]
    #[arg(short = 'o', long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,

    /// Short for --output json
    #[arg(long, global = true, conflicts_with = "output")]
    pub json: bool,

    /// No spinner or progress bar
    #[arg(long = "no-progress", global = true)]
    pub no_progress: bool,

    /// Only results and errors: no progress, no "submitted job" lines
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Trace HTTP requests on stderr, secrets redacted (-vv adds headers and bodies)
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,

    /// Time-out of one HTTP request
    #[arg(long = "request-timeout", global = true, value_name = "DURATION", value_parser = parse_nonzero_duration, default_value = "30s")]
    pub request_timeout: Duration,

    /// Retries after the first attempt, for network errors, throttling and 5xx (0 turns them off)
    #[arg(long, global = true, value_name = "N", default_value_t = 4)]
    pub retries: u32,

    /// Extra CA certificates (PEM) to trust [env: OS_CACERT]
    #[arg(long = "ca-bundle", global = true, value_name = "FILE")]
    pub ca_bundle: Option<PathBuf>,

    /// Talk to the built-in emulator instead of a cloud (no account needed)
    #[arg(long, global = true)]
    pub sandbox: bool,

    /// State file of the --sandbox account [default: <data dir>/ims-share/sandbox.json]
    #[arg(long = "sandbox-state", global = true, value_name = "FILE")]
    pub sandbox_state: Option<PathBuf>,

    /// Use this entry of OpenStack's clouds.yaml [env: OS_CLOUD]
    #[arg(long = "os-cloud", global = true, value_name = "NAME")]
    pub os_cloud: Option<String>,

    /// Use this profile of KooCLI's ~/.hcloud/config.json
    #[arg(long = "hcloud-profile", global = true, value_name = "NAME")]
    pub hcloud_profile: Option<String>,
}

/// Global options that mean nothing to `ims-share sandbox` (the server): not listed in its
/// help. `--sandbox-state` (the account it serves) and `-q` (its request log) stay.
const CLIENT_ONLY: &[&str] = &[
    "profile",
    "config",
    "region",
    "all_projects",
    "parallel",
    "no_journal",
    "project_id",
    "endpoint",
    "iam_endpoint",
    "output",
    "json",
    "no_progress",
    "verbose",
    "request_timeout",
    "retries",
    "ca_bundle",
    "sandbox",
    "os_cloud",
    "hcloud_profile",
];

/// The command line definition, as parsed and as documented (help, completions, man page).
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let cmd = Cli::command();
    // A subcommand's own copy of a global option hides the global one there: the server's
    // help lists only what applies to it, and the value still lands in the same place.
    let hidden: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| CLIENT_ONLY.contains(&a.get_id().as_str()))
        .map(|a| a.clone().hide(true))
        .collect();
    cmd.mut_subcommand("sandbox", |s| s.args(hidden))
}

/// An option given to a command it does not belong to (`status --vault-id`): clap would
/// suggest `-- --vault-id`, which is no help. Say which commands have it instead.
pub(crate) fn misplaced_option(e: &clap::Error) -> Option<crate::error::Error> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(given)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    let flag = given.split('=').next().unwrap_or(given);
    let name = flag.strip_prefix("--")?;
    let cmd = command();
    let owners: Vec<String> = cmd
        .get_subcommands()
        .filter(|sub| {
            sub.get_arguments()
                .any(|a| !a.is_global_set() && a.get_long() == Some(name))
        })
        .map(|sub| format!("`ims-share {}`", sub.get_name()))
        .collect();
    if owners.is_empty() {
        return None;
    }
    let used = std::env::args()
        .skip(1)
        .find(|a| cmd.get_subcommands().any(|s| s.get_name() == a))
        .map(|s| format!(" to `ims-share {s}`"))
        .unwrap_or_default();
    Some(crate::error::Error::usage_hint(
        format!("{flag} does not belong{used}"),
        format!("{flag} is an option of {}", owners.join(" and ")),
    ))
}

/// Parses the arguments with [`command`].
pub fn parse(args: Vec<std::ffi::OsString>) -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let matches = command().try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
    }

    #[test]
    fn durations_need_a_unit() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("50ms"), Ok(Duration::from_millis(50)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert!(parse_duration("30").unwrap_err().contains("no unit"));
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn counts_are_positive() {
        assert!(parse_positive("0").is_err());
        assert!(parse_positive("x").is_err());
        assert_eq!(parse_positive("16"), Ok(16));
    }
}
