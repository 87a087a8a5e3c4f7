//! A connection to one account: the HTTP client, how requests are authenticated, the project,
//! and the IMS (or Glance) endpoint.
//!
//! It owns the two rules about authentication failures: a 401 on a token IAM issued leads to
//! one fresh login and one retry; any other 401 or 403 is final and stops every worker of the
//! run (five bad AK/SK signatures lock the key for five minutes).

use crate::api::account::{Access, Account, ProjectRef};
use crate::api::client::Http;
use crate::api::discover::{checked_project_id, discover_project, resolve_endpoint};
use crate::api::guard::Guard;
use crate::api::login::PasswordLogin;
use crate::api::request::{Call, Credential, Method};
use crate::api::response::Reply;
use crate::auth::cache::Cache;
use crate::auth::signer::sha256_hex;
use crate::error::Error;
use crate::secret::Secret;
use reqwest::Url;
use std::sync::Arc;
use std::time::Instant;

pub(super) enum Auth {
    AkSk {
        access_key: String,
        secret_key: Secret,
        security_token: Option<Secret>,
    },
    Token(Secret),
    Password(Box<PasswordLogin>),
}

impl Auth {
    /// The credential of one request (for a password login, the token in use).
    pub(super) fn with_credential<R>(&self, f: impl FnOnce(Credential<'_>) -> R) -> R {
        match self {
            Auth::AkSk {
                access_key,
                secret_key,
                security_token,
            } => f(Credential::AkSk {
                access_key,
                secret_key,
                security_token: security_token.as_ref(),
            }),
            Auth::Token(t) => f(Credential::Token(t)),
            Auth::Password(login) => {
                let token = login.token();
                f(Credential::Token(&token))
            }
        }
    }
}

/// One API request below the session's endpoint.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Request<'a> {
    pub(crate) method: Method,
    pub(crate) path: &'a str,
    pub(crate) query: &'a [(String, String)],
    pub(crate) body: Option<&'a [u8]>,
    /// When the whole request must be over (see [`Call::deadline`]).
    pub(crate) deadline: Option<Instant>,
}

pub(crate) struct Session {
    http: Http,
    endpoint: Url,
    project_id: String,
    auth: Auth,
    /// The user's cache (tokens, project ids, the last listing), when there is one.
    cache: Option<Cache>,
    /// Shared with every session of the run that uses the same credentials.
    guard: Arc<Guard>,
    /// The credentials' fingerprint (secrets included), the cache's key for "proven".
    fingerprint: Vec<String>,
}

/// What identifies a set of credentials, secrets included (only ever hashed into a cache
/// file's name, never written or printed).
fn fingerprint(access: &Access) -> Vec<String> {
    match access {
        Access::AkSk {
            access_key,
            secret_key,
            security_token,
        } => vec![
            "aksk".into(),
            access_key.clone(),
            secret_key.expose().to_string(),
            security_token
                .as_ref()
                .map(|t| t.expose().to_string())
                .unwrap_or_default(),
        ],
        Access::Token(t) => vec!["token".into(), t.expose().to_string()],
        Access::Password {
            iam,
            username,
            password,
            domain,
        } => vec![
            "password".into(),
            iam.to_string(),
            username.clone(),
            domain.clone().unwrap_or_default(),
            password.expose().to_string(),
        ],
    }
}

impl Session {
    /// Logs in if needed, finds the project id and the endpoint.
    pub(crate) fn connect(
        account: &Account,
        http: Http,
        cache: Option<Cache>,
        guard: Arc<Guard>,
    ) -> Result<Session, Error> {
        if guard.stopped() {
            return Err(Error::Stopped);
        }
        // Credentials a service accepted less than a day ago need no lone first request.
        let print = fingerprint(&account.access);
        let keys: Vec<&str> = print.iter().map(String::as_str).collect();
        if cache
            .as_ref()
            .is_some_and(|c| c.load_proven(&keys, std::time::SystemTime::now()))
        {
            guard.mark_proven();
        }
        // A login or a project lookup is a request with the credentials: one at a time until
        // they are proven, and its answer proves or condemns them for every session that
        // shares the guard.
        let sends = matches!(account.project, ProjectRef::Named { .. })
            || matches!(account.access, Access::Password { .. });
        let _turn = if sends { Some(guard.turn()?) } else { None };
        match Session::open(account, http, cache, guard.clone(), print) {
            Ok(session) => {
                if sends {
                    session.proved();
                }
                Ok(session)
            }
            Err(Error::Auth(e)) if e.status == 401 => {
                guard.mark_stopped();
                Err(Error::Auth(e))
            }
            Err(e) => Err(e),
        }
    }

    fn open(
        account: &Account,
        http: Http,
        cache: Option<Cache>,
        guard: Arc<Guard>,
        fingerprint: Vec<String>,
    ) -> Result<Session, Error> {
        let named = |credential: Credential<'_>, who: &str| match &account.project {
            ProjectRef::Id(id) => Ok(id.clone()),
            ProjectRef::Named { name, iam } => {
                discover_project(&http, credential, who, iam, name, cache.as_ref())
            }
        };
        let (auth, project_id, issued) = match &account.access {
            Access::AkSk {
                access_key,
                secret_key,
                security_token,
            } => {
                let project_id = named(
                    Credential::AkSk {
                        access_key,
                        secret_key,
                        security_token: security_token.as_ref(),
                    },
                    access_key,
                )?;
                let auth = Auth::AkSk {
                    access_key: access_key.clone(),
                    secret_key: secret_key.clone(),
                    security_token: security_token.clone(),
                };
                (auth, project_id, None)
            }
            Access::Token(t) => {
                let who = format!("token:{}", &sha256_hex(t.expose().as_bytes())[..16]);
                let project_id = named(Credential::Token(t), &who)?;
                (Auth::Token(t.clone()), project_id, None)
            }
            Access::Password {
                iam,
                username,
                password,
                domain,
            } => {
                let (login, issued) = PasswordLogin::start(
                    &http,
                    iam,
                    username,
                    password,
                    domain.as_deref(),
                    &account.project,
                    cache.clone(),
                )?;
                let project_id = match (&account.project, &issued.project_id) {
                    (ProjectRef::Id(id), _) => id.clone(),
                    (_, Some(id)) => checked_project_id(id, iam)?.to_string(),
                    (_, None) => {
                        return Err(Error::unavailable(format!(
                            "IAM at {iam} issued a token without a project id"
                        )));
                    }
                };
                (Auth::Password(Box::new(login)), project_id, Some(issued))
            }
        };
        let endpoint = resolve_endpoint(account, issued.as_ref())?;
        Ok(Session {
            http,
            endpoint,
            project_id,
            auth,
            cache,
            guard,
            fingerprint,
        })
    }

    pub(crate) fn cache(&self) -> Option<&Cache> {
        self.cache.as_ref()
    }

    pub(crate) fn project_id(&self) -> &str {
        &self.project_id
    }

    pub(crate) fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    /// True once any request succeeded: the credentials work, so fanning out is safe.
    pub(crate) fn proven(&self) -> bool {
        self.guard.proven()
    }

    /// True after a final authentication failure: nothing more is sent.
    pub(crate) fn stopped(&self) -> bool {
        self.guard.stopped()
    }

    /// The credentials worked: every session sharing them may fan out, and the next runs
    /// need not try them alone first.
    fn proved(&self) {
        if !self.guard.proven() {
            self.guard.mark_proven();
            if let Some(c) = &self.cache {
                let keys: Vec<&str> = self.fingerprint.iter().map(String::as_str).collect();
                c.store_proven(&keys, std::time::SystemTime::now());
            }
        }
    }

    pub(crate) fn send(&self, req: Request<'_>) -> Result<Reply, Error> {
        if self.stopped() {
            return Err(Error::Stopped);
        }
        // Until the credentials are proven, one request at a time across every session that
        // shares them (five refused signatures lock an AK/SK).
        let _turn = if self.guard.proven() {
            None
        } else {
            Some(self.guard.turn()?)
        };
        let mut result = self.send_once(req);
        if let (Err(Error::Auth(e)), Auth::Password(login)) = (&result, &self.auth)
            && e.status == 401
        {
            let generation = login.generation();
            result = login
                .relogin(&self.http, generation)
                .and_then(|()| self.send_once(req));
        }
        match &result {
            Ok(_) => self.proved(),
            // A 401 stops every worker (five bad signatures lock the key); a 403 is about one
            // resource (a per-image refusal), and is the caller's to judge.
            Err(Error::Auth(e)) if e.status == 401 => self.guard.mark_stopped(),
            Err(_) => {}
        }
        result
    }

    /// The projects the credentials may use, asked of IAM at `iam` (`--all-projects`).
    pub(crate) fn auth_projects(&self, iam: &Url) -> Result<Vec<crate::api::iam::Project>, Error> {
        if self.stopped() {
            return Err(Error::Stopped);
        }
        let _turn = if self.guard.proven() {
            None
        } else {
            Some(self.guard.turn()?)
        };
        let result = self
            .auth
            .with_credential(|c| crate::api::iam::auth_projects(&self.http, iam, c));
        match &result {
            Ok(_) => self.proved(),
            Err(Error::Auth(e)) if e.status == 401 => self.guard.mark_stopped(),
            Err(_) => {}
        }
        result
    }

    fn send_once(&self, req: Request<'_>) -> Result<Reply, Error> {
        self.auth.with_credential(|credential| {
            self.http.send(&Call {
                method: req.method,
                base: &self.endpoint,
                path: req.path,
                query: req.query,
                body: req.body,
                project_id: Some(&self.project_id),
                credential,
                deadline: req.deadline,
            })
        })
    }
}
