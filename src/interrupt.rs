//! Ctrl-C: one flag for the whole process, and sleeps that wake up when it is set.
//!
//! The handler only records the interrupt; the code that owns the run decides what to print
//! (every job id submitted so far) and exits with 130.

use crate::sync::lock;
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

struct Flag {
    set: Mutex<bool>,
    changed: Condvar,
}

fn flag() -> &'static Flag {
    static FLAG: OnceLock<Flag> = OnceLock::new();
    FLAG.get_or_init(|| Flag {
        set: Mutex::new(false),
        changed: Condvar::new(),
    })
}

/// Installs the Ctrl-C handler once. Later calls do nothing.
pub(crate) fn install() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        // If a handler cannot be installed, Ctrl-C keeps its default meaning (terminate).
        let _ = ctrlc::set_handler(trigger);
    });
}

/// Marks the process as interrupted and wakes every sleeper.
pub(crate) fn trigger() {
    let f = flag();
    *lock(&f.set) = true;
    f.changed.notify_all();
}

pub(crate) fn is_set() -> bool {
    *lock(&flag().set)
}

/// Sleeps for `duration`, or less if Ctrl-C comes first. Returns `false` when interrupted.
pub(crate) fn sleep(duration: Duration) -> bool {
    let f = flag();
    let deadline = Instant::now() + duration;
    let mut set = lock(&f.set);
    while !*set {
        let now = Instant::now();
        if now >= deadline {
            return true;
        }
        set = f
            .changed
            .wait_timeout(set, deadline - now)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
    false
}

/// Waits until Ctrl-C (used by the foreground sandbox server).
#[cfg(feature = "sandbox")]
pub(crate) fn wait() {
    let f = flag();
    let mut set = lock(&f.set);
    while !*set {
        set = f.changed.wait(set).unwrap_or_else(|e| e.into_inner());
    }
}
