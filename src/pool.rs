//! Bounded concurrency over the blocking client: threads pull work from a shared counter.
//!
//! The first item can be sent alone, so that bad credentials cost one refused request, not
//! one per worker (five bad AK/SK signatures lock the key for five minutes). Once `stop` says
//! so, no new item is started; items never started come back as `None`.

use crate::sync::lock;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub(crate) fn run<T: Sync, R: Send>(
    items: &[T],
    concurrency: usize,
    first_alone: bool,
    stop: &(dyn Fn() -> bool + Sync),
    work: &(dyn Fn(&T) -> R + Sync),
) -> Vec<Option<R>> {
    let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let take = || {
        if stop() {
            return None;
        }
        let i = next.fetch_add(1, Ordering::SeqCst);
        (i < items.len()).then_some(i)
    };
    let worker = || {
        while let Some(i) = take() {
            let r = work(&items[i]);
            *lock(&results[i]) = Some(r);
        }
    };
    if first_alone && let Some(i) = take() {
        let r = work(&items[i]);
        *lock(&results[i]) = Some(r);
    }
    let workers = concurrency.max(1).min(items.len());
    if workers <= 1 {
        worker();
    } else {
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(worker);
            }
        });
    }
    results
        .into_iter()
        .map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    #[test]
    fn every_item_once_in_order() {
        let items: Vec<u32> = (0..50).collect();
        let out = run(&items, 8, true, &|| false, &|x| x * 2);
        assert_eq!(out, items.iter().map(|x| Some(x * 2)).collect::<Vec<_>>());
    }

    #[test]
    fn concurrency_is_bounded() {
        let now = AtomicUsize::new(0);
        let max = AtomicUsize::new(0);
        let items: Vec<u32> = (0..40).collect();
        run(&items, 3, false, &|| false, &|_| {
            let n = now.fetch_add(1, Ordering::SeqCst) + 1;
            max.fetch_max(n, Ordering::SeqCst);
            std::thread::yield_now();
            now.fetch_sub(1, Ordering::SeqCst);
        });
        assert!(max.load(Ordering::SeqCst) <= 3);
    }

    #[test]
    fn a_failing_first_item_stops_the_rest() {
        let stopped = AtomicBool::new(false);
        let items: Vec<u32> = (0..10).collect();
        let out = run(&items, 8, true, &|| stopped.load(Ordering::SeqCst), &|x| {
            stopped.store(true, Ordering::SeqCst);
            *x
        });
        assert_eq!(out[0], Some(0));
        assert!(out[1..].iter().all(Option::is_none));
    }
}
