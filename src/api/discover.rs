//! What a connection finds out before its first request: the project id (asked of IAM by
//! name, and cached) and the IMS endpoint (configured, or from the token's catalog).

use crate::api::account::Account;
use crate::api::client::Http;
use crate::api::endpoint::endpoint_url;
use crate::api::iam;
use crate::api::request::Credential;
use crate::auth::cache::Cache;
use crate::auth::token::IssuedToken;
use crate::domain::valid_project_id;
use crate::error::Error;
use reqwest::Url;
use std::time::SystemTime;

/// The id of the project named `name`, asked of IAM with the request credentials.
/// `who` names the credentials in the cache key (an access key, or a hash of the token).
pub(super) fn discover_project(
    http: &Http,
    credential: Credential<'_>,
    who: &str,
    iam: &Url,
    name: &str,
    cache: Option<&Cache>,
) -> Result<String, Error> {
    let key = [iam.as_str(), who, name];
    if let Some(id) = cache.and_then(|c| c.load_project(&key, SystemTime::now())) {
        return Ok(id);
    }
    let found = iam::projects_named(http, iam, credential, name)?;
    match found.as_slice() {
        [one] => {
            checked_project_id(&one.id, iam)?;
            if let Some(c) = cache {
                let _ = c.store_project(&key, &one.id, SystemTime::now());
            }
            Ok(one.id.clone())
        }
        [] => Err(Error::config(
            format!("IAM at {iam} knows no project named '{name}' for these credentials"),
            "check the region, or set project_id (or project_name for a sub-project such as eu-de_myproject)",
        )),
        several => Err(Error::config(
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

/// A project id from IAM goes into URLs and headers: it must look like one, as a project id
/// the user gives must.
pub(super) fn checked_project_id<'a>(id: &'a str, iam: &Url) -> Result<&'a str, Error> {
    if valid_project_id(id) {
        Ok(id)
    } else {
        Err(Error::unavailable(format!(
            "IAM at {iam} answered an invalid project id '{}': not used",
            id.escape_debug()
        )))
    }
}

/// The IMS endpoint: the configured one, else the image endpoint of the token's catalog.
pub(super) fn resolve_endpoint(
    account: &Account,
    issued: Option<&IssuedToken>,
) -> Result<Url, Error> {
    let from_catalog = issued
        .and_then(|t| iam::pick_image_endpoint(&t.image_endpoints, account.region.as_deref()))
        .map(|e| {
            endpoint_url(&e.url, "the image endpoint of the token catalog").map_err(|e| match e {
                Error::Usage { message, hint } => Error::Config { message, hint },
                other => other,
            })
        })
        .transpose()?;
    match (&account.ims_endpoint, from_catalog) {
        (Some(_), Some(catalog)) if account.ims_endpoint_is_a_guess => Ok(catalog),
        (Some(configured), _) => Ok(configured.clone()),
        (None, Some(catalog)) => Ok(catalog),
        (None, None) => Err(Error::config(
            "no IMS endpoint: the configuration gives none and the token's catalog has no image service",
            "set ims_endpoint in the profile, IMS_SHARE_ENDPOINT, or --endpoint",
        )),
    }
}
