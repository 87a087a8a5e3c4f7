//! A connection to one account: the HTTP client, how requests are authenticated, the project,
//! and the IMS (or Glance) endpoint.
//!
//! It owns the two rules about authentication failures: a 401 on a token IAM issued leads to
//! one fresh login and one retry; any other 401 or 403 is final and stops every worker of the
//! run (five bad AK/SK signatures lock the key for five minutes).

use crate::api::client::{Call, Credential, Http, Method, Reply};
use crate::api::iam::{self, IssuedToken, Scope};
use crate::auth::cache::Cache;
use crate::error::Error;
use crate::secret::Secret;
use crate::settings::CloudTarget;
use crate::settings::endpoints::Cloud;
use crate::settings::sources::Credentials;
use reqwest::Url;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

enum Auth {
    AkSk {
        access_key: String,
        secret_key: Secret,
        security_token: Option<Secret>,
    },
    Token(Secret),
    Password(Box<PasswordLogin>),
}

struct PasswordLogin {
    iam: Url,
    username: String,
    password: Secret,
    domain: Option<String>,
    scope: Scope,
    cache: Option<Cache>,
    key: Vec<String>,
    /// The token in use and a generation number, so that several workers hitting the same
    /// expired token cause one login, not one each.
    current: Mutex<(u64, IssuedToken)>,
}

impl PasswordLogin {
    fn key(&self) -> Vec<&str> {
        self.key.iter().map(String::as_str).collect()
    }

    fn login(&self, http: &Http) -> Result<IssuedToken, Error> {
        let token = iam::login(
            http,
            &self.iam,
            &self.username,
            &self.password,
            self.domain.as_deref(),
            &self.scope,
        )?;
        if let Some(cache) = &self.cache {
            // A cache that cannot be written costs a login next time, nothing more.
            let _ = cache.store_token(&self.key(), &token);
        }
        Ok(token)
    }

    fn relogin(&self, http: &Http, failed_generation: u64) -> Result<(), Error> {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        if current.0 != failed_generation {
            return Ok(()); // another worker already logged in again
        }
        if let Some(cache) = &self.cache {
            cache.forget_token(&self.key());
        }
        let token = self.login(http)?;
        *current = (current.0 + 1, token);
        Ok(())
    }
}

/// One API request below the session's endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: Method,
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub body: Option<&'a [u8]>,
}

pub struct Session {
    http: Http,
    endpoint: Url,
    project_id: String,
    cloud: Option<Cloud>,
    auth: Auth,
    stopped: AtomicBool,
    proven: AtomicBool,
}

impl Session {
    /// A session on the emulator: AK/SK with a known project.
    pub fn sandbox(
        http: Http,
        endpoint: Url,
        access_key: &str,
        secret_key: &str,
        project_id: &str,
    ) -> Session {
        Session {
            http,
            endpoint,
            project_id: project_id.to_string(),
            cloud: None,
            auth: Auth::AkSk {
                access_key: access_key.to_string(),
                secret_key: Secret::new(secret_key),
                security_token: None,
            },
            stopped: AtomicBool::new(false),
            proven: AtomicBool::new(false),
        }
    }

    /// Logs in if needed, finds the project id and the endpoint.
    pub fn connect(
        target: &CloudTarget,
        http: Http,
        cache: Option<Cache>,
    ) -> Result<Session, Error> {
        let (auth, issued) = match &target.credentials {
            Credentials::AkSk {
                access_key,
                secret_key,
                security_token,
            } => (
                Auth::AkSk {
                    access_key: access_key.clone(),
                    secret_key: secret_key.clone(),
                    security_token: security_token.clone(),
                },
                None,
            ),
            Credentials::Token(t) => (Auth::Token(t.clone()), None),
            Credentials::Password {
                username,
                password,
                domain,
            } => {
                let login =
                    password_login(target, username, password, domain.as_deref(), cache.clone())?;
                let key = login.key();
                let cached = login
                    .cache
                    .as_ref()
                    .and_then(|c| c.load_token(&key, SystemTime::now()));
                let token = match cached {
                    Some(t) => t,
                    None => login.login(&http)?,
                };
                let issued = token.clone();
                *login.current.lock().unwrap_or_else(|e| e.into_inner()) = (0, token);
                (Auth::Password(Box::new(login)), Some(issued))
            }
        };
        let project_id = match (
            &target.project_id,
            issued.as_ref().and_then(|t| t.project_id.clone()),
        ) {
            (Some(p), _) => p.clone(),
            (None, Some(p)) => p,
            (None, None) => discover_project(target, &http, &auth, cache.as_ref())?,
        };
        let endpoint = resolve_endpoint(target, issued.as_ref())?;
        Ok(Session {
            http,
            endpoint,
            project_id,
            cloud: target.cloud,
            auth,
            stopped: AtomicBool::new(false),
            proven: AtomicBool::new(false),
        })
    }

    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    pub fn cloud(&self) -> Option<Cloud> {
        self.cloud
    }

    /// True once any request succeeded: the credentials work, so fanning out is safe.
    pub fn proven(&self) -> bool {
        self.proven.load(Ordering::SeqCst)
    }

    /// True after a final authentication failure: nothing more is sent.
    pub fn stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    pub fn send(&self, req: Request<'_>) -> Result<Reply, Error> {
        if self.stopped() {
            return Err(Error::Stopped);
        }
        let mut result = self.send_once(req);
        if let (Err(Error::Auth(e)), Auth::Password(login)) = (&result, &self.auth)
            && e.status == 401
        {
            let generation = login.current.lock().unwrap_or_else(|e| e.into_inner()).0;
            result = login
                .relogin(&self.http, generation)
                .and_then(|()| self.send_once(req));
        }
        match &result {
            Ok(_) => self.proven.store(true, Ordering::SeqCst),
            Err(Error::Auth(_)) => self.stopped.store(true, Ordering::SeqCst),
            Err(_) => {}
        }
        result
    }

    fn send_once(&self, req: Request<'_>) -> Result<Reply, Error> {
        let token_guard;
        let credential = match &self.auth {
            Auth::AkSk {
                access_key,
                secret_key,
                security_token,
            } => Credential::AkSk {
                access_key,
                secret_key,
                security_token: security_token.as_ref(),
            },
            Auth::Token(t) => Credential::Token(t),
            Auth::Password(login) => {
                token_guard = login
                    .current
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .1
                    .token
                    .clone();
                Credential::Token(&token_guard)
            }
        };
        self.http.send(&Call {
            method: req.method,
            base: &self.endpoint,
            path: req.path,
            query: req.query,
            body: req.body,
            project_id: Some(&self.project_id),
            credential,
        })
    }
}

fn password_login(
    target: &CloudTarget,
    username: &str,
    password: &Secret,
    domain: Option<&str>,
    cache: Option<Cache>,
) -> Result<PasswordLogin, Error> {
    let iam = target
        .iam_endpoint
        .as_ref()
        .map(|s| s.value.clone())
        .ok_or_else(|| Error::usage("a password login needs an IAM endpoint"))?;
    let scope = if let Some(id) = &target.project_id {
        Scope::ProjectId(id.clone())
    } else if let Some(name) = target.project_name.as_ref().or(target.region.as_ref()) {
        Scope::ProjectName(name.clone())
    } else {
        return Err(Error::usage_hint(
            "a password login needs a project: none of project_id, project_name or region is set",
            "set region (the project of that name is used), project_name or project_id in the profile",
        ));
    };
    let scope_key = match &scope {
        Scope::ProjectId(id) => format!("id:{id}"),
        Scope::ProjectName(n) => format!("name:{n}"),
    };
    Ok(PasswordLogin {
        key: vec![
            iam.to_string(),
            domain.unwrap_or_default().to_string(),
            username.to_string(),
            scope_key,
        ],
        iam,
        username: username.to_string(),
        password: password.clone(),
        domain: domain.map(str::to_string),
        scope,
        cache,
        current: Mutex::new((
            0,
            IssuedToken {
                token: Secret::new(""),
                expires_at: None,
                project_id: None,
                image_endpoints: Vec::new(),
            },
        )),
    })
}

fn discover_project(
    target: &CloudTarget,
    http: &Http,
    auth: &Auth,
    cache: Option<&Cache>,
) -> Result<String, Error> {
    let Some(name) = target.project_name.as_ref().or(target.region.as_ref()) else {
        return Err(Error::usage_hint(
            "no project id: set project_id, or a region to look the project up by name",
            "project_id is in the console under My Credentials > API Credentials; or set region",
        ));
    };
    let Some(iam) = target.iam_endpoint.as_ref().map(|s| &s.value) else {
        return Err(Error::usage_hint(
            format!("no project id, and no IAM endpoint to look up project '{name}'"),
            "set project_id, or iam_endpoint (or cloud and region) in the profile",
        ));
    };
    let (credential, who) = match auth {
        Auth::AkSk {
            access_key,
            secret_key,
            security_token,
        } => (
            Credential::AkSk {
                access_key,
                secret_key,
                security_token: security_token.as_ref(),
            },
            access_key.clone(),
        ),
        Auth::Token(t) => (
            Credential::Token(t),
            format!(
                "token:{}",
                &crate::auth::signer::sha256_hex(t.expose().as_bytes())[..16]
            ),
        ),
        Auth::Password(_) => unreachable!("a password login gives the project id"),
    };
    let key = [iam.as_str(), who.as_str(), name.as_str()];
    if let Some(id) = cache.and_then(|c| c.load_project(&key)) {
        return Ok(id);
    }
    let found = iam::projects_named(http, iam, credential, name)?;
    match found.as_slice() {
        [one] => {
            if let Some(c) = cache {
                let _ = c.store_project(&key, &one.id);
            }
            Ok(one.id.clone())
        }
        [] => Err(Error::usage_hint(
            format!("IAM at {iam} knows no project named '{name}' for these credentials"),
            "check the region, or set project_id (or project_name for a sub-project such as eu-de_myproject)",
        )),
        several => Err(Error::usage_hint(
            format!(
                "{} projects are named '{name}': {}",
                several.len(),
                several
                    .iter()
                    .map(|p| format!("{} ({})", p.id, p.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "choose one with project_id in the profile or --project-id",
        )),
    }
}

fn resolve_endpoint(target: &CloudTarget, issued: Option<&IssuedToken>) -> Result<Url, Error> {
    let from_catalog = issued
        .and_then(|t| iam::pick_image_endpoint(&t.image_endpoints, target.region.as_deref()))
        .map(|e| crate::settings::endpoint_url(&e.url, "the image endpoint of the token catalog"))
        .transpose()?;
    // The Swiss IMS host name is not confirmed (IMS-API.md §12): trust the catalog over the table.
    let table_is_a_guess = target.cloud == Some(Cloud::OtcSwiss)
        && target
            .ims_endpoint
            .as_ref()
            .is_some_and(|e| e.origin.starts_with("cloud "));
    match (&target.ims_endpoint, from_catalog) {
        (Some(_), Some(catalog)) if table_is_a_guess => Ok(catalog),
        (Some(configured), _) => Ok(configured.value.clone()),
        (None, Some(catalog)) => Ok(catalog),
        (None, None) => Err(Error::usage_hint(
            "no IMS endpoint: the configuration gives none and the token's catalog has no image service",
            "set ims_endpoint in the profile, IMS_SHARE_ENDPOINT, or --endpoint",
        )),
    }
}
