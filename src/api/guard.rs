//! The lock-out guard of one set of credentials, shared by every session that uses them (one
//! per target of a run over several projects or regions): five refused AK/SK signatures lock a
//! key for five minutes, whatever project they were sent for.
//!
//! Until a request with the credentials has succeeded, one session at a time may try them (the
//! others wait their turn); a success lets everyone go, a final 401 stops everyone.

use crate::error::Error;
use crate::sync::lock;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

#[derive(Debug, Default)]
struct State {
    proven: bool,
    stopped: bool,
    /// A session is trying the unproven credentials.
    probing: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Guard {
    state: Mutex<State>,
    changed: Condvar,
}

/// The right to try unproven credentials; given back when dropped.
pub(crate) struct Turn {
    guard: Option<Arc<Guard>>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Some(g) = &self.guard {
            lock(&g.state).probing = false;
            g.changed.notify_all();
        }
    }
}

impl Guard {
    pub(crate) fn new() -> Arc<Guard> {
        Arc::new(Guard::default())
    }

    pub(crate) fn proven(&self) -> bool {
        lock(&self.state).proven
    }

    pub(crate) fn stopped(&self) -> bool {
        lock(&self.state).stopped
    }

    pub(crate) fn mark_proven(&self) {
        let mut s = lock(&self.state);
        if !s.proven {
            s.proven = true;
            drop(s);
            self.changed.notify_all();
        }
    }

    pub(crate) fn mark_stopped(&self) {
        lock(&self.state).stopped = true;
        self.changed.notify_all();
    }

    /// Waits until this session may send: at once when the credentials are proven, else when
    /// no other session is trying them. [`Error::Stopped`] once they were refused;
    /// [`Error::Interrupted`] on Ctrl-C while waiting.
    pub(crate) fn turn(self: &Arc<Self>) -> Result<Turn, Error> {
        let mut s = lock(&self.state);
        loop {
            if s.stopped {
                return Err(Error::Stopped);
            }
            if s.proven {
                return Ok(Turn { guard: None });
            }
            if !s.probing {
                s.probing = true;
                return Ok(Turn {
                    guard: Some(self.clone()),
                });
            }
            if crate::interrupt::is_set() {
                return Err(Error::Interrupted);
            }
            // Woken by a change; the time-out only lets Ctrl-C be noticed.
            s = self
                .changed
                .wait_timeout(s, Duration::from_millis(50))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_probe_at_a_time_until_proven_then_everyone() {
        let g = Guard::new();
        let first = g.turn().unwrap();
        let waiter = {
            let g = g.clone();
            std::thread::spawn(move || g.turn().map(|_| g.proven()))
        };
        g.mark_proven();
        assert!(waiter.join().unwrap().unwrap());
        drop(first);
        assert!(g.turn().is_ok());
    }

    #[test]
    fn a_refusal_stops_the_waiters() {
        let g = Guard::new();
        let _first = g.turn().unwrap();
        let waiter = {
            let g = g.clone();
            std::thread::spawn(move || g.turn().err())
        };
        g.mark_stopped();
        assert!(matches!(waiter.join().unwrap(), Some(Error::Stopped)));
    }

    #[test]
    fn a_probe_that_ends_unproven_hands_over() {
        let g = Guard::new();
        let first = g.turn().unwrap();
        let waiter = {
            let g = g.clone();
            std::thread::spawn(move || g.turn().is_ok())
        };
        drop(first);
        assert!(waiter.join().unwrap());
    }
}
