//! Talking to the services: the HTTP client, the shapes of their answers, and one module per API.
pub mod client;
pub mod error_body;
pub mod glance;
pub mod iam;
pub mod ims;
pub mod model;
pub mod session;
