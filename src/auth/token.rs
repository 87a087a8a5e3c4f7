//! A token IAM issued, as the session uses it and the cache keeps it.

use crate::secret::Secret;
use std::time::SystemTime;

/// A token IAM issued, with what came with it.
#[derive(Debug, Clone)]
pub(crate) struct IssuedToken {
    pub(crate) token: Secret,
    pub(crate) expires_at: Option<SystemTime>,
    pub(crate) project_id: Option<String>,
    /// `image` endpoints of the catalog: (region, interface, url).
    pub(crate) image_endpoints: Vec<CatalogEndpoint>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct CatalogEndpoint {
    pub(crate) region: Option<String>,
    pub(crate) interface: Option<String>,
    pub(crate) url: String,
}
