//! Where requests go: the emulator, or a cloud account settled from the layers of settings
//! (flags, the chosen source, the environment, the default profile, built-in defaults).

use super::config::ModeKey;
use super::endpoints::{self, Cloud};
use super::sources::{self, Layer, Sourced};
use super::task::Mode;
use crate::api::account::{Access, Account, ProjectRef};
use crate::api::endpoint::{endpoint_url, iam_base};
use crate::auth::Credentials;
use crate::domain::valid_project_id;
use crate::error::Error;
use reqwest::Url;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// The emulator, in this process, on a loopback port, with state in a file.
    #[cfg(feature = "sandbox")]
    Sandbox {
        state: PathBuf,
        /// The project named after this region (of the sandbox account's domain).
        region: Option<String>,
        project_id: Option<String>,
    },
    Cloud(Box<CloudTarget>),
}

/// A cloud account, ready to connect to.
#[derive(Debug, Clone)]
pub(crate) struct CloudTarget {
    pub(crate) account: Account,
    pub(crate) ca_bundle: Option<PathBuf>,
    pub(crate) default_mode: Mode,
    /// Every secret of the credentials, for the redactor.
    pub(crate) secrets: Vec<String>,
    /// IAM, for `--all-projects` (the projects of the credentials).
    pub(crate) iam_endpoint: Option<Url>,
    /// Where the credentials were read (`profile 'prod' of …`, `the environment`), for `-v`.
    pub(crate) credentials_from: String,
}

/// The cloud side as the layers settle it, each value with where it came from.
#[derive(Debug, Clone)]
pub(super) struct Resolved {
    pub(super) cloud: Option<Cloud>,
    pub(super) region: Option<String>,
    pub(super) project_id: Option<String>,
    pub(super) project_name: Option<String>,
    /// From the flag, profile, environment or cloud + region; `None` means "from the token catalog".
    pub(super) ims_endpoint: Option<Sourced<Url>>,
    pub(super) iam_endpoint: Option<Sourced<Url>>,
    pub(super) ca_bundle: Option<PathBuf>,
    pub(super) default_mode: Mode,
    pub(super) credentials: Credentials,
    pub(super) credentials_from: String,
}

/// Where a table endpoint's origin says it came from (see `resolve`).
const FROM_TABLE: &str = "cloud ";

impl Resolved {
    /// The account, once the project can be found: by id, or by name through IAM.
    pub(super) fn into_target(self) -> Result<CloudTarget, Error> {
        let iam = self.iam_endpoint.as_ref().map(|s| s.value.clone());
        let secrets = self.credentials.secrets();
        let access = match self.credentials {
            Credentials::AkSk {
                access_key,
                secret_key,
                security_token,
            } => Access::AkSk {
                access_key,
                secret_key,
                security_token,
            },
            Credentials::Token(t) => Access::Token(t),
            Credentials::Password {
                username,
                password,
                domain,
            } => Access::Password {
                iam: iam.clone().ok_or_else(|| {
                    Error::usage_hint(
                        format!(
                            "a password login ({}) needs an IAM endpoint",
                            self.credentials_from
                        ),
                        "set region (with cloud) or iam_endpoint in the profile, OS_AUTH_URL, or --iam-endpoint",
                    )
                })?,
                username,
                password,
                domain,
            },
        };
        let is_password = matches!(access, Access::Password { .. });
        let project = match (
            &self.project_id,
            self.project_name.as_ref().or(self.region.as_ref()),
        ) {
            (Some(id), _) => ProjectRef::Id(id.clone()),
            (None, None) if is_password => {
                return Err(Error::usage_hint(
                    "a password login needs a project: none of project_id, project_name or region is set",
                    "set region (the project of that name is used), project_name or project_id in the profile",
                ));
            }
            (None, None) => {
                return Err(Error::usage_hint(
                    "no project id: set project_id, or a region to look the project up by name",
                    "project_id is in the console under My Credentials > API Credentials; or set region",
                ));
            }
            (None, Some(name)) => match &iam {
                Some(iam) => ProjectRef::Named {
                    name: name.clone(),
                    iam: iam.clone(),
                },
                None => {
                    return Err(Error::usage_hint(
                        format!("no project id, and no IAM endpoint to look up project '{name}'"),
                        "set project_id, or iam_endpoint (or cloud and region) in the profile",
                    ));
                }
            },
        };
        // The Swiss IMS host name is not confirmed (IMS-API.md §12): trust the catalog over it.
        let ims_endpoint_is_a_guess = self.cloud == Some(Cloud::OtcSwiss)
            && self
                .ims_endpoint
                .as_ref()
                .is_some_and(|e| e.origin.starts_with(FROM_TABLE));
        Ok(CloudTarget {
            account: Account {
                cloud: self.cloud,
                region: self.region,
                project,
                ims_endpoint: self.ims_endpoint.map(|e| e.value),
                ims_endpoint_is_a_guess,
                access,
            },
            ca_bundle: self.ca_bundle,
            default_mode: self.default_mode,
            secrets,
            iam_endpoint: iam,
            credentials_from: self.credentials_from,
        })
    }
}

/// Settles the cloud side from layers, highest first (PRODUCT.md "Sources, highest first").
pub(super) fn resolve(layers: &[&Layer]) -> Result<Resolved, Error> {
    let (credentials, credentials_from, implied_cloud) = sources::resolve_credentials(layers)?;
    let region = sources::first(layers, |l| &l.region);
    let project_id = sources::first(layers, |l| &l.project_id);
    if let Some(p) = &project_id
        && !valid_project_id(&p.value)
    {
        return Err(Error::usage(format!(
            "invalid project id '{}' ({})",
            p.value.escape_debug(),
            p.origin
        )));
    }
    let project_name = sources::first(layers, |l| &l.project_name);
    let ims_raw = sources::first(layers, |l| &l.ims_endpoint);
    let iam_raw = sources::first(layers, |l| &l.iam_endpoint);
    let ca_bundle = sources::first(layers, |l| &l.ca_bundle).map(|c| c.value);
    let mode_key = sources::first(layers, |l| &l.mode);

    let cloud = sources::first(layers, |l| &l.cloud)
        .map(|c| c.value)
        .or_else(|| {
            region
                .as_ref()
                .and_then(|r| endpoints::cloud_of_region(&r.value))
                .filter(|c| *c != Cloud::Huaweicloud)
        })
        .or_else(|| {
            iam_raw
                .as_ref()
                .and_then(|u| endpoints::cloud_of_url(&u.value))
        })
        .or_else(|| {
            ims_raw
                .as_ref()
                .and_then(|u| endpoints::cloud_of_url(&u.value))
        })
        .or(implied_cloud)
        .or_else(|| {
            region
                .as_ref()
                .and_then(|r| endpoints::cloud_of_region(&r.value))
        });

    // A configured endpoint wins; else the table for cloud + region.
    let from_table = |table: fn(Cloud, &str) -> Option<String>| match (cloud, &region) {
        (Some(c), Some(r)) => table(c, &r.value).map(|u| {
            Sourced::new(
                Url::parse(&u).expect("table URLs parse"),
                format!("{FROM_TABLE}{c}, region {}", r.value),
            )
        }),
        _ => None,
    };
    let ims_endpoint = match &ims_raw {
        Some(raw) => Some(Sourced::new(
            endpoint_url(&raw.value, &raw.origin)?,
            raw.origin.clone(),
        )),
        None => from_table(endpoints::ims_endpoint),
    };
    let iam_endpoint = match &iam_raw {
        Some(raw) => Some(Sourced::new(
            iam_base(&raw.value, &raw.origin)?,
            raw.origin.clone(),
        )),
        None => from_table(endpoints::iam_endpoint),
    };
    let is_password = matches!(credentials, Credentials::Password { .. });
    if ims_endpoint.is_none() && !is_password {
        return Err(missing_endpoint(cloud, region.as_ref(), &credentials_from));
    }
    let default_mode = match mode_key.map(|m| m.value) {
        Some(ModeKey::Batch) => Mode::Batch,
        Some(ModeKey::PerImage) => Mode::PerImage,
        None if cloud == Some(Cloud::Openstack) => Mode::PerImage,
        None => Mode::Batch,
    };
    Ok(Resolved {
        cloud,
        region: region.map(|r| r.value),
        project_id: project_id.map(|p| p.value),
        project_name: project_name.map(|p| p.value),
        ims_endpoint,
        iam_endpoint,
        ca_bundle,
        default_mode,
        credentials,
        credentials_from,
    })
}

fn missing_endpoint(cloud: Option<Cloud>, region: Option<&Sourced<String>>, from: &str) -> Error {
    match (cloud, region) {
        (Some(c), Some(r)) if c != Cloud::Openstack => Error::usage_hint(
            format!("unknown region '{}' for cloud {c} ({})", r.value, r.origin),
            format!(
                "known regions: {}; or set ims_endpoint",
                endpoints::regions(c).join(", ")
            ),
        ),
        (Some(Cloud::Openstack), _) => Error::usage_hint(
            format!("no Glance endpoint for the OpenStack cloud of {from}"),
            "set ims_endpoint (the Glance URL) in the profile, IMS_SHARE_ENDPOINT, or --endpoint",
        ),
        _ => Error::usage_hint(
            "no IMS endpoint: neither a region nor an endpoint is set",
            "set cloud and region (e.g. cloud = \"otc\", region = \"eu-de\") in the profile, or --region, or ims_endpoint / IMS_SHARE_ENDPOINT / --endpoint",
        ),
    }
}
