//! The subcommands and their own flags.

pub use super::more_args::{JobsArgs, SandboxArgs, SendArgs, SyncArgs};
use super::{MemberStatusArg, parse_nonzero_duration};
use clap::{Args, Subcommand};
use std::time::Duration;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Accept images shared with you, and wait until IMS has done it
    #[command(
        long_about = "Accept images shared with you, and wait until IMS has done it.\n\n\
In batch mode (the default on Huawei Cloud and OTC) the ids go in chunks of --batch-size to \
PUT /v1/cloudimages/members; each chunk becomes an asynchronous job, whose id is printed on \
stderr as soon as it exists, and ims-share waits for every job and reports each image. In \
per-image mode (the default for OpenStack) each image gets its own PUT, --concurrency at a time.\n\n\
An image already accepted counts as done, so running the same command twice is safe. \
Full-ECS images need --vault-id; without it they are reported failed (vault_required) and the \
others still go ahead.\n\n\
Run on a terminal with no ids and no --all-pending, it lists the pending images (name, owner, \
size, created) to pick from: space marks one, typing filters, Enter goes ahead, Esc cancels. \
Never when piped, with -q, or with IMS_SHARE_NO_PROMPT set.",
        after_help = "\
Examples:
  ims-share accept 0b680482-acaa-4045-b14c-9a8c7dfe9c70 d164b5df-1bc3-4c3f-893e-3e471fd16e64
  ims-share accept rhel-9.5-golden-2026.11      # an image by its name
  ims-share accept --all-pending --owner 9c1d7e3f5a2b4c6d8e0f1a3b5c7d9e1f --name 'ubuntu-*'
  ims-share accept --all-pending --vault-id 3a8e6c1f-5b2d-4e7a-9c0b-1d2e3f4a5b6c
  ims-share accept - < ids.txt
  ims-share accept --no-wait --all-pending > jobs.txt; ims-share wait - < jobs.txt"
    )]
    Accept(AcceptArgs),

    /// Reject images shared with you (they stay usable but leave your image list)
    #[command(
        long_about = "Reject images shared with you.\n\n\
A rejected image no longer shows in your image list (it can still be used to create servers). \
Batch and per-image modes work as for accept; an image already rejected counts as done. On a \
terminal, with no ids and no --all-pending, the pending images are offered to pick from.",
        after_help = "\
Examples:
  ims-share reject 0b680482-acaa-4045-b14c-9a8c7dfe9c70
  ims-share reject --all-pending --name 'test-*' --dry-run
  ims-share --profile otc reject --mode per-image - < ids.txt"
    )]
    Reject(RejectArgs),

    /// Show the images shared with you, one image's membership, or jobs
    #[command(
        long_about = "Show what is shared with you.\n\n\
Without arguments: every image shared with you and your member status (pending, accepted, \
rejected), narrowed with --member-status, --owner and --name; --long adds what to decide by \
(size, disk format, OS, minimum disk and RAM, created, full-ECS), all from the same listing. \
With image ids or names: your membership of each (status, created, updated), or with --long \
their rows of the listing. With --job: the state of IMS jobs, like wait but without waiting \
(exit 1 if a job failed). Owners named in the config's [owners] table show by name.",
        after_help = "\
Examples:
  ims-share status
  ims-share status --member-status pending -o json | jq -r '.images[].image_id'
  ims-share status --long --member-status pending
  ims-share status --owner 9c1d7e3f5a2b4c6d8e0f1a3b5c7d9e1f --name 'rhel-*'
  ims-share status 0b680482-acaa-4045-b14c-9a8c7dfe9c70
  ims-share status --long rhel-9.5-golden-2026.11
  ims-share status --job ff8080814dbd65d7014dbe0d84db0013"
    )]
    Status(StatusArgs),

    /// Wait for IMS jobs to finish and report each image
    #[command(
        long_about = "Wait for IMS jobs to finish.\n\n\
Polls each job until it succeeds or fails: first at once (0.3 s after submitting, for accept), then less and less often \
up to --interval. A failed job is reported at once with its reason; the others are still waited \
for. --timeout is one deadline for the whole wait; when it passes, the jobs still running are \
printed and the exit code is 4.",
        after_help = "\
Examples:
  ims-share wait ff8080814dbd65d7014dbe0d84db0013
  ims-share wait --timeout 30m $(cat jobs.txt)
  ims-share accept --no-wait --all-pending | ims-share wait -
  ims-share wait --unfinished
  ims-share --profile 'prod-*' --region eu-de wait --unfinished"
    )]
    Wait(WaitArgs),

    /// Keep every project in line with a policy: accept, reject or leave each shared image
    #[command(
        long_about = "Apply a policy to the images shared with you.\n\n\
The policy (the config file's [policy], or --policy FILE) is a list of rules, first match wins: \
each matches on owner (ids or [owners] names), a name glob, full-ECS or not, and the image's age, \
and says accept, reject or ignore; `default` says what happens to images no rule matches \
(ignore unless set). sync lists what is pending on each target (with --include-decided, what is \
accepted and rejected too), decides each image, and applies the changes like accept and reject \
(batches, jobs, waiting, the journal). A second run changes nothing and says `in sync`.\n\n\
--dry-run prints the plan and sends nothing; --check prints the plan and exits 6 when changes \
would be made, 0 when in sync (for CI gates and monitoring).",
        after_help = "\
Examples:
  ims-share --sandbox sync --policy examples/policy.toml --dry-run
  ims-share --sandbox sync --policy examples/policy.toml
  ims-share --sandbox --all-projects sync --policy examples/policy.toml --check; echo \"exit $?\"
  ims-share --sandbox --region eu-de,eu-nl --all-projects sync --policy examples/policy.toml -q"
    )]
    Sync(SyncArgs),

    /// List the jobs of the journal: every job ims-share submitted, with its account
    #[command(
        long_about = "List the jobs of the journal.\n\n\
Every job accept, reject and sync submit is recorded, the moment its id exists, in \
ims-share/jobs.jsonl in your state directory ($XDG_STATE_HOME, else the data directory), with \
its action, images, account (profile, cloud, region, project, endpoint; never a secret) and the \
last status seen. `ims-share wait JOB` resumes a job on the account that submitted it, and \
`ims-share wait --unfinished` waits for every job not known to be finished. The account flags \
(--profile with names or globs, --region, --project-id, --os-cloud, --hcloud-profile, --sandbox) \
choose the jobs of those accounts.",
        after_help = "\
Examples:
  ims-share jobs
  ims-share jobs --since 1d --unfinished
  ims-share --profile 'prod-*' jobs
  ims-share jobs -o json | jq -r '.jobs[] | select(.last_status == \"failed\") | .job_id'"
    )]
    Jobs(JobsArgs),

    /// Serve the emulator (IMS, Glance and IAM APIs) in the foreground, for testing scripts
    #[command(
        long_about = "Serve the built-in emulator of the IMS, Glance and IAM APIs on a loopback port.\n\n\
It serves the same persisted account as --sandbox (or --state FILE, or a custom account from \
--seed FILE), prints the profile and environment that point ims-share at it, logs one line per \
request, and stops on Ctrl-C. The fault knobs make it misbehave on purpose, so scripts can be \
tested against throttling, outages and slow or broken answers. \"Every N\" counts requests: \
with --throttle-every 3 the 3rd, 6th, 9th... request is throttled.",
        after_help = "\
Examples:
  ims-share sandbox
  ims-share sandbox --listen 127.0.0.1:0 --job-duration 10s --latency 50ms
  ims-share sandbox --throttle-every 3 --html-error-every 7
  ims-share sandbox --reset"
    )]
    Sandbox(SandboxArgs),

    /// Print the shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(
        long_about = "Print the script that makes SHELL complete ims-share's commands, options and \
values: profile names from the config file, clouds from clouds.yaml, KooCLI profiles, and the \
ids and names of the images of your last listing (kept for a day; completing never sends a \
request). The script calls ims-share on TAB, so it stays right when ims-share is upgraded.",
        after_help = "\
Examples:
  ims-share completions bash > ~/.local/share/bash-completion/completions/ims-share
  ims-share completions zsh > \"${fpath[1]}/_ims-share\"
  ims-share completions fish > ~/.config/fish/completions/ims-share.fish"
    )]
    Completions(CompletionsArgs),

    /// Print the manual page (roff), e.g. `ims-share man | man -l -`
    #[command(after_help = "\
Examples:
  ims-share man | man -l -
  ims-share man > ~/.local/share/man/man1/ims-share.1")]
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: ShellArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

impl ShellArg {
    pub fn name(self) -> &'static str {
        match self {
            ShellArg::Bash => "bash",
            ShellArg::Zsh => "zsh",
            ShellArg::Fish => "fish",
            ShellArg::Powershell => "powershell",
            ShellArg::Elvish => "elvish",
        }
    }
}

#[derive(Debug, Args)]
pub struct ChangeArgs {
    /// Image ids or names; `-` reads more from standard input (none, on a terminal: pick from
    /// a list)
    #[arg(value_name = "IMAGE_ID")]
    pub ids: Vec<String>,

    /// Every image shared with you that is still pending
    #[arg(long = "all-pending")]
    pub all_pending: bool,

    /// With --all-pending: only images owned by this project (an id, or a name of [owners])
    #[arg(long, value_name = "PROJECT", requires = "all_pending")]
    pub owner: Option<String>,

    /// With --all-pending: only images whose name matches this glob (e.g. 'ubuntu-*')
    #[arg(long, value_name = "GLOB", requires = "all_pending")]
    pub name: Option<String>,

    #[command(flatten)]
    pub send: SendArgs,

    /// Resolve the ids and print the requests that would be sent; send no change
    #[arg(long = "dry-run")]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct AcceptArgs {
    #[command(flatten)]
    pub change: ChangeArgs,

    /// CBR vault for full-ECS images (only those images carry it)
    #[arg(long = "vault-id", value_name = "ID")]
    pub vault_id: Option<String>,
}

#[derive(Debug, Args)]
pub struct RejectArgs {
    #[command(flatten)]
    pub change: ChangeArgs,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Image ids or names whose membership to show; `-` reads more from standard input
    #[arg(value_name = "IMAGE_ID")]
    pub ids: Vec<String>,

    /// Only images in this member status [default: all]
    #[arg(long = "member-status", value_enum, value_name = "STATUS")]
    pub member_status: Option<MemberStatusArg>,

    /// Only images owned by this project (an id, or a name of [owners])
    #[arg(long, value_name = "PROJECT")]
    pub owner: Option<String>,

    /// Only images whose name matches this glob (e.g. 'ubuntu-*')
    #[arg(long, value_name = "GLOB")]
    pub name: Option<String>,

    /// What to decide by: size, disk format, OS, minimum disk and RAM, created, full-ECS
    /// (no request more than the listing)
    #[arg(short, long)]
    pub long: bool,

    /// Show these jobs instead (like wait, without waiting)
    #[arg(long, value_name = "JOB_ID", num_args = 1..)]
    pub job: Vec<String>,
}

#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Job ids; `-` reads more from standard input
    #[arg(value_name = "JOB_ID", required_unless_present = "unfinished")]
    pub jobs: Vec<String>,

    /// Every job of the journal not known to be finished, each on its own account (the account
    /// flags choose among the accounts)
    #[arg(long, conflicts_with = "jobs")]
    pub unfinished: bool,

    /// Give up after this long (exit 4, job ids printed)
    #[arg(long, value_name = "DURATION", value_parser = parse_nonzero_duration, default_value = "10m")]
    pub timeout: Duration,

    /// Longest pause between two polls of a job
    #[arg(long, value_name = "DURATION", value_parser = parse_nonzero_duration, default_value = "10s")]
    pub interval: Duration,
}
