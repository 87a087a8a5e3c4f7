//! `status`: a long listing in pages, its memory, and the three listings (one per member
//! status) of a plain `status` against one.

use crate::harness::{Row, emulator, measure, median, pending, secs, shared};
use ims_share::emulator::Knobs;
use std::time::Duration;

pub fn status(images: usize) -> (Row, u64) {
    let (mut state, _) = pending(images);
    state.settings.page_limit = 100;
    let emu = emulator(
        state,
        Knobs {
            latency: Some(Duration::from_millis(20)),
            ..Knobs::default()
        },
    );
    let home = tempfile::tempdir().unwrap();
    let m = measure(
        &emu.url(),
        home.path(),
        &["status", "--member-status", "pending", "-o", "plain"],
    );
    assert_eq!(m.code, 0);
    assert_eq!(m.stdout.lines().count(), images);
    let pages = images / 100;
    let ideal = Duration::from_millis(20) * pages as u32;
    let ratio = m.elapsed.as_secs_f64() / ideal.as_secs_f64();
    let requests = emu.requests().len();
    let row = Row {
        what: format!(
            "status, {images} shared images, 100 per page, 20 ms latency ({requests} requests)"
        ),
        measured: secs(m.elapsed),
        ideal: format!("{} ({pages} x 20 ms)", secs(ideal)),
        ratio: Some(ratio),
        goal: "ratio <= 1.2".into(),
        rss_kb: Some(m.rss_kb),
        ok: ratio <= 1.2,
    };
    (row, m.rss_kb)
}

pub fn memory(big_rss: u64, small_rss: u64) -> Row {
    Row {
        what: "status memory: peak RSS over 5000 shared images vs 500".into(),
        measured: format!(
            "{:.1} MB vs {:.1} MB",
            big_rss as f64 / 1024.0,
            small_rss as f64 / 1024.0
        ),
        ideal: "-".into(),
        ratio: None,
        goal: "flat (within 2 MB)".into(),
        rss_kb: Some(big_rss),
        ok: big_rss <= small_rss + 2048,
    }
}

/// Issue 17: `status` (pending, accepted and rejected listed at once) against one listing of
/// the same size, 300 images per status, 100 per page, 50 ms latency; medians of interleaved
/// runs so that both see the same machine.
pub fn three_listings() -> Row {
    const PER_STATUS: usize = 300;
    const RUNS: usize = 7;
    let (mut state, _) = shared(&[
        (PER_STATUS, "pending"),
        (PER_STATUS, "accepted"),
        (PER_STATUS, "rejected"),
    ]);
    state.settings.page_limit = 100;
    let emu = emulator(
        state,
        Knobs {
            latency: Some(Duration::from_millis(50)),
            ..Knobs::default()
        },
    );
    let home = tempfile::tempdir().unwrap();
    let (mut all, mut one) = (Vec::new(), Vec::new());
    let mut rss = 0;
    for _ in 0..RUNS {
        let before = emu.requests().len();
        let m = measure(&emu.url(), home.path(), &["status", "-o", "plain"]);
        m.expect_code(0, "status");
        assert_eq!(m.stdout.lines().count(), 3 * PER_STATUS);
        let three_requests = emu.requests().len() - before;
        all.push((m.elapsed, three_requests));
        rss = rss.max(m.rss_kb);
        let before = emu.requests().len();
        let m = measure(
            &emu.url(),
            home.path(),
            &["status", "--member-status", "pending", "-o", "plain"],
        );
        m.expect_code(0, "status --member-status pending");
        assert_eq!(m.stdout.lines().count(), PER_STATUS);
        one.push((m.elapsed, emu.requests().len() - before));
    }
    let (three_requests, one_requests) = (all[0].1, one[0].1);
    let all = median(all.into_iter().map(|(t, _)| t).collect());
    let one = median(one.into_iter().map(|(t, _)| t).collect());
    let ratio = all.as_secs_f64() / one.as_secs_f64();
    Row {
        what: format!(
            "status, 3 listings of {PER_STATUS} (one per member status), 100 per page, 50 ms latency, \
             vs one listing ({three_requests} vs {one_requests} requests, median of {RUNS})"
        ),
        measured: secs(all),
        ideal: format!("{} (one listing, measured)", secs(one)),
        ratio: Some(ratio),
        goal: "ratio <= 1.2".into(),
        rss_kb: Some(rss),
        ok: ratio <= 1.2,
    }
}
