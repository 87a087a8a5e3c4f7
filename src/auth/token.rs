//! A token IAM issued, as the session uses it and the cache keeps it.

use crate::secret::Secret;
use std::time::SystemTime;

/// A token IAM issued, with what came with it.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: Secret,
    pub expires_at: Option<SystemTime>,
    pub project_id: Option<String>,
    /// `image` endpoints of the catalog: (region, interface, url).
    pub image_endpoints: Vec<CatalogEndpoint>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CatalogEndpoint {
    pub region: Option<String>,
    pub interface: Option<String>,
    pub url: String,
}
