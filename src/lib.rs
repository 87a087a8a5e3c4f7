//! ims-share: accept or reject images shared with you on Huawei Cloud, Open Telekom Cloud
//! (IMS) and OpenStack (Glance v2). The binary is `src/main.rs`; this library holds everything
//! so that the integration tests and the benchmark can start the emulator in-process.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod api;
pub mod app;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod error;
pub mod interrupt;
pub mod model;
pub mod output;
pub mod poll;
pub mod pool;
pub mod redact;
pub mod render;
pub mod sandbox;
pub mod secret;
pub mod settings;
