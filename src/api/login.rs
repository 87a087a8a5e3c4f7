//! A password login to IAM: the token in use, shared by the workers of a run, renewed once
//! when the service refuses it, and kept in the cache for the next run.

use crate::api::account::ProjectRef;
use crate::api::client::Http;
use crate::api::iam::{self, Scope};
use crate::auth::cache::Cache;
use crate::auth::token::IssuedToken;
use crate::error::Error;
use crate::secret::Secret;
use crate::sync::lock;
use reqwest::Url;
use std::sync::Mutex;
use std::time::SystemTime;

pub(crate) struct PasswordLogin {
    iam: Url,
    username: String,
    password: Secret,
    domain: Option<String>,
    scope: Scope,
    cache: Option<Cache>,
    key: Vec<String>,
    /// The token in use and a generation number, so that several workers hitting the same
    /// expired token cause one login, not one each.
    current: Mutex<(u64, Secret)>,
}

impl PasswordLogin {
    /// Logs in, or takes a token from the cache that is still good.
    pub(crate) fn start(
        http: &Http,
        iam: &Url,
        username: &str,
        password: &Secret,
        domain: Option<&str>,
        project: &ProjectRef,
        cache: Option<Cache>,
    ) -> Result<(PasswordLogin, IssuedToken), Error> {
        let scope = match project {
            ProjectRef::Id(id) => Scope::ProjectId(id.clone()),
            ProjectRef::Named { name, .. } => Scope::ProjectName(name.clone()),
        };
        let scope_key = match &scope {
            Scope::ProjectId(id) => format!("id:{id}"),
            Scope::ProjectName(n) => format!("name:{n}"),
        };
        let login = PasswordLogin {
            key: vec![
                iam.to_string(),
                domain.unwrap_or_default().to_string(),
                username.to_string(),
                scope_key,
            ],
            iam: iam.clone(),
            username: username.to_string(),
            password: password.clone(),
            domain: domain.map(str::to_string),
            scope,
            cache,
            current: Mutex::new((0, Secret::new(""))),
        };
        let cached = login
            .cache
            .as_ref()
            .and_then(|c| c.load_token(&login.key(), SystemTime::now()));
        let issued = match cached {
            Some(t) => {
                http.redact(t.token.expose());
                t
            }
            None => login.login(http)?,
        };
        *lock(&login.current) = (0, issued.token.clone());
        Ok((login, issued))
    }

    fn key(&self) -> Vec<&str> {
        self.key.iter().map(String::as_str).collect()
    }

    /// The token in use.
    pub(crate) fn token(&self) -> Secret {
        lock(&self.current).1.clone()
    }

    pub(crate) fn generation(&self) -> u64 {
        lock(&self.current).0
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
        http.redact(token.token.expose());
        if let Some(cache) = &self.cache {
            // A cache that cannot be written costs a login next time, nothing more.
            let _ = cache.store_token(&self.key(), &token);
        }
        Ok(token)
    }

    /// Logs in again after the service refused the token of `failed_generation`; a no-op when
    /// another worker already did.
    pub(crate) fn relogin(&self, http: &Http, failed_generation: u64) -> Result<(), Error> {
        let mut current = lock(&self.current);
        if current.0 != failed_generation {
            return Ok(());
        }
        if let Some(cache) = &self.cache {
            cache.forget_token(&self.key());
        }
        let token = self.login(http)?;
        *current = (current.0 + 1, token.token);
        Ok(())
    }
}
