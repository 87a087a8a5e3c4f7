//! The flags of `sync`, `jobs` and `sandbox`.

use super::{ModeArg, parse_duration, parse_nonzero_duration, parse_positive};
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Policy file (TOML with [policy], and optionally [owners]) [default: the config file's]
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Print the plan (image, name, owner, rule, action) and send nothing
    #[arg(long = "dry-run", conflicts_with = "check")]
    pub dry_run: bool,

    /// Print the plan; exit 6 when changes would be made, 0 when in sync
    #[arg(long)]
    pub check: bool,

    /// Also apply the policy to images already accepted or rejected
    #[arg(long = "include-decided")]
    pub include_decided: bool,

    #[command(flatten)]
    pub send: SendArgs,
}

/// How accept, reject and sync send their changes, and how long they wait for the jobs.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// Batch jobs or one request per image [default: batch on Huawei Cloud and OTC, per-image on OpenStack]
    #[arg(long, value_enum, value_name = "MODE")]
    pub mode: Option<ModeArg>,

    /// Batch mode: images per request
    #[arg(long = "batch-size", value_name = "N", default_value = "100", value_parser = parse_positive)]
    pub batch_size: u64,

    /// Requests in flight at once
    #[arg(long, value_name = "N", default_value = "8", value_parser = parse_positive)]
    pub concurrency: u64,

    /// The member (project) to change [default: your project]: the batch body's project_id, or the member of each per-image request
    #[arg(long = "member-id", value_name = "ID")]
    pub member_id: Option<String>,

    /// Batch mode: print the job ids and return without waiting
    #[arg(long = "no-wait")]
    pub no_wait: bool,

    /// Give up waiting after this long (exit 4, job ids printed)
    #[arg(long, value_name = "DURATION", value_parser = parse_nonzero_duration, default_value = "10m")]
    pub timeout: Duration,

    /// Longest pause between two polls of a job
    #[arg(long, value_name = "DURATION", value_parser = parse_nonzero_duration, default_value = "10s")]
    pub interval: Duration,
}

#[derive(Debug, Args)]
pub struct JobsArgs {
    /// Only jobs submitted within this long (e.g. 2h, 7d)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub since: Option<Duration>,

    /// Only jobs not known to be finished
    #[arg(long)]
    pub unfinished: bool,
}

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on (port 0 picks a free one)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787")]
    pub listen: String,

    /// Allow a non-loopback --listen address (anyone who can reach it can use the fake account)
    #[arg(long = "allow-remote")]
    pub allow_remote: bool,

    /// State file to serve [default: the --sandbox account]
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,

    /// Restore the seeded account and exit
    #[arg(long)]
    pub reset: bool,

    /// Serve a custom account from this JSON file (kept in memory, the file is not changed)
    #[arg(long, value_name = "FILE", conflicts_with = "state")]
    pub seed: Option<PathBuf>,

    /// Delay every response by this long
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub latency: Option<Duration>,

    /// How long a batch job runs before it succeeds or fails [default: 2s]
    #[arg(long = "job-duration", value_name = "DURATION", value_parser = parse_duration)]
    pub job_duration: Option<Duration>,

    /// Every Nth request: 429 with Retry-After and an APIGW.0308 body
    #[arg(long = "throttle-every", value_name = "N", value_parser = parse_positive)]
    pub throttle_every: Option<u64>,

    /// Every Nth request: 503 Service Unavailable
    #[arg(long = "unavailable-every", value_name = "N", value_parser = parse_positive)]
    pub unavailable_every: Option<u64>,

    /// Every Nth request: close the connection without answering
    #[arg(long = "drop-every", value_name = "N", value_parser = parse_positive)]
    pub drop_every: Option<u64>,

    /// Every Nth request: 502 with an HTML page, as a gateway sends
    #[arg(long = "html-error-every", value_name = "N", value_parser = parse_positive)]
    pub html_error_every: Option<u64>,

    /// Every Nth request: answer only after --slow-for
    #[arg(long = "slow-every", value_name = "N", value_parser = parse_positive, requires = "slow_for")]
    pub slow_every: Option<u64>,

    /// How long a --slow-every answer takes
    #[arg(long = "slow-for", value_name = "DURATION", value_parser = parse_duration, requires = "slow_every")]
    pub slow_for: Option<Duration>,

    /// Every Nth request: a JSON body cut short
    #[arg(long = "truncate-every", value_name = "N", value_parser = parse_positive)]
    pub truncate_every: Option<u64>,

    /// Tokens issued by the emulator's IAM expire after N uses
    #[arg(long = "token-uses", value_name = "N", value_parser = parse_positive)]
    pub token_uses: Option<u64>,
}
