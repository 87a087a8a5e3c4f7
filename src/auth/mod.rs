//! Proving who we are: the AK/SK signer and the cache of IAM tokens and project ids.
pub mod cache;
pub mod signer;
