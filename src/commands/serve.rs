//! `ims-share sandbox`: the emulator in the foreground, for testing scripts against it.

use crate::emulator::{Config, Emulator, Knobs, Store, store};
use crate::error::{Error, Exit};
use crate::output::Output;
use crate::settings::{Faults, ServeTask};
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;

fn listen_addr(raw: &str, allow_remote: bool) -> Result<SocketAddr, Error> {
    let addr = raw
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .ok_or_else(|| {
            Error::usage(format!(
                "invalid --listen address '{raw}': write it as HOST:PORT, e.g. 127.0.0.1:8787"
            ))
        })?;
    if !addr.ip().is_loopback() && !allow_remote {
        return Err(Error::usage_hint(
            format!("refusing to listen on {addr}: not a loopback address"),
            "the emulator accepts well-known credentials; add --allow-remote if other machines really should reach it",
        ));
    }
    Ok(addr)
}

/// The persisted sandbox account, checked to be usable.
pub(crate) fn open_store(state: &std::path::Path) -> Result<Store, Error> {
    let store = Store::File(state.to_path_buf());
    store.check().map_err(|e| match e {
        store::StoreError::Corrupt { .. } => Error::usage_hint(
            e.to_string(),
            "run `ims-share sandbox --reset` to restore the seeded account (or --sandbox-state FILE to use another file)",
        ),
        store::StoreError::Io { .. } => Error::usage(e.to_string()),
    })?;
    Ok(store)
}

fn knobs(f: &Faults) -> Knobs {
    Knobs {
        latency: f.latency,
        job_duration: f.job_duration,
        throttle_every: f.throttle_every,
        unavailable_every: f.unavailable_every,
        drop_every: f.drop_every,
        html_error_every: f.html_error_every,
        slow_every: f.slow_every,
        slow_for: f.slow_for,
        truncate_every: f.truncate_every,
        token_uses: f.token_uses,
    }
}

pub(crate) fn serve(task: &ServeTask, out: &Output) -> Result<Exit, Error> {
    if task.reset {
        store::reset(&task.state).map_err(|e| Error::usage(e.to_string()))?;
        out.note(&format!("sandbox account reset: {}", task.state.display()));
        return Ok(Exit::Ok);
    }
    let addr = listen_addr(&task.listen, task.allow_remote)?;
    let (store, from) = match &task.seed {
        Some(seed) => (
            Store::memory(store::load_seed(seed).map_err(|e| Error::usage(e.to_string()))?),
            format!("seed {} (in memory)", seed.display()),
        ),
        None => (
            open_store(&task.state)?,
            format!("state {}", task.state.display()),
        ),
    };
    let store::Keys {
        access_key: ak,
        secret_key: sk,
        project_id: project,
        region,
    } = store.keys().map_err(|e| Error::usage(e.to_string()))?;
    let log: crate::emulator::LogSink = {
        let quiet = out.config().quiet;
        Arc::new(move |line: &str| {
            if !quiet {
                #[allow(clippy::print_stderr)]
                {
                    // The path and query come from whoever sent the request.
                    eprintln!("{}", crate::text::escape(line));
                }
            }
        })
    };
    let emulator = Emulator::start(
        store,
        Config {
            listen: addr,
            knobs: knobs(&task.faults),
            record: false,
            clock_offset_secs: 0,
            log: Some(log),
            tls: None,
        },
    )
    .map_err(|e| Error::usage(format!("cannot listen on {addr}: {e}")))?;
    let url = emulator.url();
    out.stdout(&format!(
        "ims-share sandbox listening on {url} ({from})\n\
\n\
Point ims-share at it with the environment:\n\
  export IMS_SHARE_ENDPOINT={url}\n\
  export HUAWEICLOUD_SDK_AK={ak}\n\
  export HUAWEICLOUD_SDK_SK={sk}\n\
  export HUAWEICLOUD_SDK_PROJECT_ID={project}\n\
\n\
or with a profile in config.toml:\n\
  [profiles.sandbox]\n\
  ims_endpoint = \"{url}\"\n\
  iam_endpoint = \"{url}/v3\"\n\
  region = \"{region}\"\n\
  project_id = \"{project}\"\n\
  access_key = \"{ak}\"\n\
  secret_key = \"{sk}\"\n\
\n\
Press Ctrl-C to stop.\n"
    ))?;
    crate::interrupt::wait();
    drop(emulator);
    out.note("sandbox stopped");
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_only_unless_allowed() {
        assert!(listen_addr("127.0.0.1:0", false).is_ok());
        assert!(listen_addr("[::1]:0", false).is_ok());
        let e = listen_addr("0.0.0.0:8787", false).unwrap_err();
        assert!(e.to_string().contains("not a loopback"));
        assert!(listen_addr("0.0.0.0:8787", true).is_ok());
        assert!(listen_addr("nonsense", false).is_err());
    }
}
