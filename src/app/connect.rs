//! From a target to a session: the HTTP client for it (CA bundle, proxies, the redacted trace)
//! and the login; for `--sandbox`, the emulator started in this process first (once for a run
//! over several targets).

use crate::api::account::Access;
#[cfg(feature = "sandbox")]
use crate::api::account::{Account, ProjectRef};
use crate::api::client::{Http, HttpConfig, TraceSink};
use crate::api::guard::Guard;
use crate::api::session::Session;
use crate::auth::cache::Cache;
use crate::error::Error;
use crate::output::Output;
use crate::settings::{Settings, Target};
use reqwest::Url;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The emulator of a `--sandbox` run, with the keys of its account.
#[cfg(feature = "sandbox")]
pub(super) struct Sandbox {
    _emulator: crate::emulator::Emulator,
    keys: crate::emulator::Keys,
    url: Url,
}

#[cfg(feature = "sandbox")]
impl Sandbox {
    pub(super) fn start(state: &std::path::Path) -> Result<Sandbox, Error> {
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
        let url = Url::parse(&emulator.url())
            .context("the emulator's URL")
            .map_err(Error::internal)?;
        Ok(Sandbox {
            _emulator: emulator,
            keys,
            url,
        })
    }

    /// The sandbox account: its project, the project named after `region`, or `project_id`.
    fn account(&self, region: Option<&str>, project_id: Option<&str>) -> Account {
        let project = match (project_id, region) {
            (Some(id), _) => ProjectRef::Id(id.to_string()),
            (None, Some(r)) => ProjectRef::Named {
                name: r.to_string(),
                iam: self.url.clone(),
            },
            (None, None) => ProjectRef::Id(self.keys.project_id.clone()),
        };
        Account {
            cloud: None,
            region: region.map(str::to_string),
            project,
            ims_endpoint: Some(self.url.clone()),
            ims_endpoint_is_a_guess: false,
            access: Access::AkSk {
                access_key: self.keys.access_key.clone(),
                secret_key: crate::secret::Secret::new(self.keys.secret_key.clone()),
                security_token: None,
            },
        }
    }
}

/// Stands in for the emulator in a build without it.
#[cfg(not(feature = "sandbox"))]
pub(super) struct Sandbox;

/// A session, and the in-process emulator it talks to when it started one (it stops when this
/// is dropped).
pub(super) struct Connection {
    pub(super) session: Session,
    _sandbox: Option<Sandbox>,
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

/// Connects to `target`. A sandbox target uses `sandbox` when given (a run over several
/// targets shares one emulator), else starts its own.
pub(super) fn connect(
    settings: &Settings,
    target: &Target,
    out: &Arc<Output>,
    guard: Arc<Guard>,
    sandbox: Option<&Sandbox>,
) -> Result<Connection, Error> {
    let cache = || Cache::user_default(say(out));
    match target {
        #[cfg(feature = "sandbox")]
        Target::Sandbox {
            state,
            region,
            project_id,
        } => {
            let own = match sandbox {
                Some(_) => None,
                None => Some(Sandbox::start(state)?),
            };
            let emulator = sandbox.or(own.as_ref()).expect("a sandbox");
            let account = emulator.account(region.as_deref(), project_id.as_deref());
            let http = http(settings, out, None, true)?;
            Ok(Connection {
                session: Session::connect(&account, http, cache(), guard)?,
                _sandbox: own,
            })
        }
        Target::Cloud(t) => {
            let _ = sandbox;
            out.trace(&format!("credentials: from {}", t.credentials_from));
            let http = http(settings, out, t.ca_bundle.clone(), false)?;
            Ok(Connection {
                session: Session::connect(&t.account, http, cache(), guard)?,
                _sandbox: None,
            })
        }
    }
}

/// Where IAM is for `target` (for `--all-projects`).
pub(super) fn iam_of(target: &Target, sandbox: Option<&Sandbox>) -> Option<Url> {
    match target {
        #[cfg(feature = "sandbox")]
        Target::Sandbox { .. } => sandbox.map(|s| s.url.clone()),
        Target::Cloud(t) => {
            let _ = sandbox;
            t.iam_endpoint.clone()
        }
    }
}

/// Who the credentials of `target` are, so that targets sharing them share one lock-out guard.
pub(super) fn credential_id(target: &Target) -> String {
    match target {
        #[cfg(feature = "sandbox")]
        Target::Sandbox { state, .. } => format!("sandbox:{}", state.display()),
        Target::Cloud(t) => match &t.account.access {
            Access::AkSk { access_key, .. } => format!("ak:{access_key}"),
            Access::Token(tok) => format!(
                "token:{}",
                &crate::auth::signer::sha256_hex(tok.expose().as_bytes())[..16]
            ),
            Access::Password {
                iam,
                username,
                domain,
                ..
            } => format!("user:{username}@{}/{iam}", domain.as_deref().unwrap_or("")),
        },
    }
}
