//! From a target to a session: the HTTP client for it (CA bundle, proxies, the redacted trace)
//! and the login; for `--sandbox`, the emulator started in this process first.

use crate::api::client::{Http, HttpConfig, TraceSink};
use crate::api::session::Session;
use crate::auth::cache::Cache;
use crate::error::Error;
use crate::output::Output;
use crate::settings::{Settings, Target};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A session, and the in-process emulator it talks to when there is one (it stops when this
/// is dropped).
pub(super) struct Connection {
    pub(super) session: Session,
    #[cfg(feature = "sandbox")]
    _emulator: Option<crate::emulator::Emulator>,
}

fn http(
    settings: &Settings,
    out: &Arc<Output>,
    ca_bundle: Option<PathBuf>,
    direct: bool,
) -> Result<Http, Error> {
    let trace: TraceSink = {
        let out = out.clone();
        Arc::new(move |line: &str| out.trace(line))
    };
    let config = HttpConfig {
        request_timeout: settings.net.request_timeout,
        connect_timeout: settings.net.request_timeout.min(Duration::from_secs(10)),
        retries: settings.net.retries,
        ca_bundle,
        verbose: settings.output.verbose,
        direct,
        proxies: settings.net.proxies.clone(),
    };
    Http::new(config, trace, out.redactor())
}

/// Where the cache says why it ignores something: the `-v` trace.
fn say(out: &Arc<Output>) -> crate::auth::cache::Say {
    let out = out.clone();
    Arc::new(move |line: &str| out.trace(line))
}

pub(super) fn connect(
    settings: &Settings,
    target: &Target,
    out: &Arc<Output>,
) -> Result<Connection, Error> {
    match target {
        #[cfg(feature = "sandbox")]
        Target::Sandbox { state } => {
            use anyhow::Context;
            let store = crate::commands::serve::open_store(state)?;
            let keys = store.keys().map_err(|e| Error::usage(e.to_string()))?;
            let emulator = crate::emulator::Emulator::start(
                store,
                crate::emulator::Config {
                    record: false,
                    ..crate::emulator::Config::default()
                },
            )
            .context("cannot start the sandbox emulator")
            .map_err(Error::internal)?;
            let url = reqwest::Url::parse(&emulator.url())
                .context("the emulator's URL")
                .map_err(Error::internal)?;
            use crate::api::account::{Access, Account, ProjectRef};
            let account = Account {
                cloud: None,
                region: None,
                project: ProjectRef::Id(keys.project_id),
                ims_endpoint: Some(url),
                ims_endpoint_is_a_guess: false,
                access: Access::AkSk {
                    access_key: keys.access_key,
                    secret_key: crate::secret::Secret::new(keys.secret_key),
                    security_token: None,
                },
            };
            let http = http(settings, out, None, true)?;
            Ok(Connection {
                session: Session::connect(&account, http, Cache::user_default(say(out)))?,
                _emulator: Some(emulator),
            })
        }
        Target::Cloud(t) => {
            let http = http(settings, out, t.ca_bundle.clone(), false)?;
            let session = Session::connect(&t.account, http, Cache::user_default(say(out)))?;
            Ok(Connection {
                session,
                #[cfg(feature = "sandbox")]
                _emulator: None,
            })
        }
    }
}
