//! ims-share: accept or reject images shared with you on Huawei Cloud, Open Telekom Cloud
//! (IMS) and OpenStack (Glance v2). The binary is `src/main.rs`; this library holds everything,
//! private but for what the binary, the integration tests and the benchmark need: the program
//! itself ([`app::main`]), the emulator they run it against ([`emulator`]), and the command
//! line definition (for the completion scripts). docs/ARCHITECTURE.md maps the modules.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub(crate) mod api;
pub mod app;
pub(crate) mod auth;
pub(crate) mod bounded;
pub mod cli;
pub(crate) mod commands;
pub(crate) mod domain;
#[cfg(feature = "sandbox")]
pub mod emulator;
pub(crate) mod error;
pub(crate) mod interrupt;
pub(crate) mod journal;
pub(crate) mod output;
pub(crate) mod poll;
pub(crate) mod pool;
pub(crate) mod redact;
pub(crate) mod render;
pub(crate) mod report;
pub(crate) mod secret;
pub(crate) mod settings;
pub(crate) mod sync;
pub(crate) mod text;
