//! End-to-end tests: the real binary against the emulator on 127.0.0.1.

mod architecture;
mod bad_input;
mod batch;
mod common;
mod completions;
mod config;
mod decide;
mod emulator;
mod examples;
mod faults;
mod field;
mod hostile;
mod identity;
mod interop;
mod per_image;
mod picker;
mod sandbox;
mod status;
mod sync;
mod targets;
mod tls;
