//! Proving who we are: the credentials, the AK/SK signer, issued tokens and their cache.
pub(crate) mod cache;
pub(crate) mod credentials;
pub(crate) mod signer;
pub(crate) mod token;
pub(crate) mod trust;

pub(crate) use credentials::Credentials;
