//! Issue 13, class 7: the cost stays linear on hostile input. A table with a 1 MB image name
//! against one with a 100 KB name, and a `--dry-run` of 100,000 ids on standard input against
//! 10,000: ten times the input may cost up to ten times as much, not a hundred.

use crate::harness::{Measured, Row, emulator, image_id, ims, mb, median, pending, reap, secs};
use ims_share::emulator::Knobs;
use ims_share::emulator::seed;
use ims_share::emulator::state::{image, now_ms};
use std::time::Duration;

const RUNS: usize = 5;

/// A name of `len` characters: words and spaces, as a layout that wraps would break them.
fn long_name(len: usize) -> String {
    "hostile-image-name ".chars().cycle().take(len).collect()
}

/// `status -o table` with COLUMNS=80 and stdout not a terminal (a file), so the table is laid
/// out for 80 columns, against an emulator whose one pending image has a very long name.
fn table_run(url: &str, home: &std::path::Path) -> Measured {
    let mut cmd = ims(url, home, &["status", "-o", "table"]);
    cmd.env("COLUMNS", "80").env("NO_COLOR", "1");
    let m = reap(&cmd, None);
    m.expect_code(0, "status -o table");
    assert!(
        m.stdout.lines().all(|l| l.chars().count() <= 80),
        "the table fits 80 columns"
    );
    m
}

pub fn huge_name() -> Row {
    let (big_len, small_len) = (1_000_000, 100_000);
    let start = |len: usize| {
        let (mut state, _) = pending(0);
        state.share(
            image(
                &image_id(1),
                &long_name(len),
                seed::PLATFORM_PROJECT,
                now_ms(),
            ),
            seed::PROJECT_ID,
            "pending",
        );
        emulator(state, Knobs::default())
    };
    let (big, small) = (start(big_len), start(small_len));
    let home = tempfile::tempdir().unwrap();
    let (mut large, mut little) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        large.push(table_run(&big.url(), home.path()));
        little.push(table_run(&small.url(), home.path()));
    }
    row(
        "table (status -o table, COLUMNS=80) of an image named with 1,000,000 characters vs 100,000",
        &large,
        &little,
    )
}

pub fn dry_run_ids() -> Row {
    let emu = emulator(pending(0).0, Knobs::default());
    let home = tempfile::tempdir().unwrap();
    let ids = |n: usize| -> Vec<u8> {
        let mut text = String::with_capacity(n * 37);
        for i in 1..=n {
            text.push_str(&image_id(i));
            text.push('\n');
        }
        text.into_bytes()
    };
    let run = |n: usize| {
        let cmd = ims(
            &emu.url(),
            home.path(),
            &["accept", "--dry-run", "-o", "plain", "-"],
        );
        let m = reap(&cmd, Some(ids(n)));
        m.expect_code(0, "accept --dry-run -");
        assert!(m.stdout.contains(&image_id(n)), "the last id is planned");
        m
    };
    let (mut large, mut little) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        large.push(run(100_000));
        little.push(run(10_000));
    }
    let puts = emu.requests().iter().filter(|r| r.method == "PUT").count();
    assert_eq!(puts, 0, "a dry run sends no write");
    row(
        "accept --dry-run of 100,000 ids on stdin vs 10,000",
        &large,
        &little,
    )
}

/// Ten times the input against the input: medians of wall time (CPU shown too) and peak RSS.
fn row(what: &str, large: &[Measured], little: &[Measured]) -> Row {
    let wall = |runs: &[Measured]| median(runs.iter().map(|m| m.elapsed).collect());
    let cpu = |runs: &[Measured]| median(runs.iter().map(|m| m.cpu).collect());
    let rss = |runs: &[Measured]| runs.iter().map(|m| m.rss_kb).max().unwrap_or(0);
    let (big, small) = (wall(large), wall(little));
    let ratio = big.as_secs_f64() / small.as_secs_f64().max(1e-6);
    let cpu_ratio = cpu(large).as_secs_f64() / cpu(little).as_secs_f64().max(1e-6);
    Row {
        what: format!(
            "{what} (median of {RUNS}; CPU {} vs {}, ratio {cpu_ratio:.2}; peak RSS {} vs {})",
            ms_or_s(cpu(large)),
            ms_or_s(cpu(little)),
            mb(rss(large)),
            mb(rss(little))
        ),
        measured: secs(big),
        ideal: format!("{} x 10 = {} (linear)", secs(small), secs(small * 10)),
        ratio: Some(ratio),
        goal: "ratio <= 10 (linear, not quadratic)".into(),
        rss_kb: Some(rss(large)),
        ok: ratio <= 10.0,
    }
}

fn ms_or_s(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        secs(d)
    }
}
