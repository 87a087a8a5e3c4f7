//! Locks that survive a panicking holder: the data behind them (job ids, outcomes) must still be
//! reported after a bug in one worker, so a poisoned lock is used as it is.

use std::sync::{Mutex, MutexGuard};

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
