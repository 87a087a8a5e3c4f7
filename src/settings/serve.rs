//! `ims-share sandbox`: the emulator in the foreground, with its fault knobs.

use crate::cli;
use crate::error::Error;
use std::time::Duration;

/// `ims-share sandbox`: the emulator in the foreground.
#[cfg(feature = "sandbox")]
#[derive(Debug, Clone)]
pub(crate) struct ServeTask {
    pub(crate) listen: String,
    pub(crate) allow_remote: bool,
    pub(crate) state: std::path::PathBuf,
    pub(crate) reset: bool,
    pub(crate) seed: Option<std::path::PathBuf>,
    pub(crate) faults: Faults,
}

/// The fault knobs of `ims-share sandbox`, as given ("every N" counts requests from 1).
#[cfg(feature = "sandbox")]
#[derive(Debug, Clone, Default)]
pub(crate) struct Faults {
    pub(crate) latency: Option<Duration>,
    pub(crate) job_duration: Option<Duration>,
    pub(crate) throttle_every: Option<u64>,
    pub(crate) unavailable_every: Option<u64>,
    pub(crate) drop_every: Option<u64>,
    pub(crate) html_error_every: Option<u64>,
    pub(crate) slow_every: Option<u64>,
    pub(crate) slow_for: Option<Duration>,
    pub(crate) truncate_every: Option<u64>,
    pub(crate) token_uses: Option<u64>,
}

/// `--state` wins; the global `--sandbox-state` names the same file for the served sandbox.
#[cfg(feature = "sandbox")]
pub(super) fn serve_task(
    s: &cli::SandboxArgs,
    sandbox_state: Option<&std::path::PathBuf>,
) -> Result<ServeTask, Error> {
    let state = super::sandbox_state_path(s.state.clone().or_else(|| sandbox_state.cloned()))?;
    Ok(ServeTask {
        listen: s.listen.clone(),
        allow_remote: s.allow_remote,
        state,
        reset: s.reset,
        seed: s.seed.clone(),
        faults: Faults {
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
