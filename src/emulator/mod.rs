//! The emulator of the IMS, Glance and IAM APIs: what `--sandbox`, `ims-share sandbox` and the
//! integration tests talk to. It listens on loopback only unless told otherwise, and never
//! sends traffic anywhere.
//!
//! The one way in is [`Emulator::start`] with a [`Store`] (the account: in memory, or a file
//! shared by processes) and a [`Config`] (address, [`Knobs`] for faults). Inside, the server
//! (hyper) hands each request to the router, a pure function of the state, the request and the
//! clock: the gateway authenticates, then the IMS, Glance or IAM module answers.

mod gateway;
mod glance;
mod http;
mod iam;
mod ims;
mod record;
mod routes;
pub mod seed;
mod server;
pub mod state;
pub mod store;

pub use record::Recorded;
pub use server::{Config, Emulator, LogSink};
pub use store::{Keys, Store};

use std::time::Duration;

/// Ways to make the emulator slow or faulty, for testing scripts. "Every N" counts requests
/// from 1: with N = 3 the 3rd, 6th, 9th... request is hit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Knobs {
    pub latency: Option<Duration>,
    pub job_duration: Option<Duration>,
    pub throttle_every: Option<u64>,
    pub unavailable_every: Option<u64>,
    pub drop_every: Option<u64>,
    pub html_error_every: Option<u64>,
    pub slow_every: Option<u64>,
    pub slow_for: Option<Duration>,
    pub truncate_every: Option<u64>,
    pub token_uses: Option<u64>,
}

impl Knobs {
    /// The fault for request number `n`, if any; the first knob in this order wins.
    pub fn fault_for(&self, n: u64) -> Option<&'static str> {
        let hits = |every: Option<u64>| every.is_some_and(|e| e > 0 && n.is_multiple_of(e));
        if hits(self.drop_every) {
            Some("drop")
        } else if hits(self.throttle_every) {
            Some("throttle")
        } else if hits(self.unavailable_every) {
            Some("unavailable")
        } else if hits(self.html_error_every) {
            Some("html")
        } else if hits(self.slow_every) {
            Some("slow")
        } else if hits(self.truncate_every) {
            Some("truncate")
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_n_counts_from_one() {
        let k = Knobs {
            throttle_every: Some(3),
            drop_every: Some(6),
            ..Knobs::default()
        };
        let faults: Vec<Option<&str>> = (1..=6).map(|n| k.fault_for(n)).collect();
        assert_eq!(
            faults,
            vec![None, None, Some("throttle"), None, None, Some("drop")]
        );
    }
}
