//! Accepting over plain http: per-image mode at concurrency 16, batch mode in chunks, and how
//! long `wait` overshoots the end of a job.

use crate::harness::{Row, emulator, measure, pending, secs};
use ims_share::emulator::Knobs;
use std::time::{Duration, UNIX_EPOCH};

pub fn per_image() -> Row {
    let (state, ids) = pending(500);
    let emu = emulator(
        state,
        Knobs {
            latency: Some(Duration::from_millis(50)),
            ..Knobs::default()
        },
    );
    let home = tempfile::tempdir().unwrap();
    let mut args = vec![
        "accept",
        "--mode",
        "per-image",
        "--concurrency",
        "16",
        "-o",
        "plain",
    ];
    args.extend(ids.iter().map(String::as_str));
    let m = measure(&emu.url(), home.path(), &args);
    assert_eq!(m.code, 0, "per-image accept failed");
    assert_eq!(m.stdout.lines().count(), 500);
    let ideal = Duration::from_millis(50) * 500 / 16;
    let ratio = m.elapsed.as_secs_f64() / ideal.as_secs_f64();
    Row {
        what: format!(
            "per-image accept, 500 images, 50 ms latency, --concurrency 16 (max {} in flight)",
            emu.max_in_flight()
        ),
        measured: secs(m.elapsed),
        ideal: format!("{} (500/16 x 50 ms)", secs(ideal)),
        ratio: Some(ratio),
        goal: "ratio <= 1.15".into(),
        rss_kb: Some(m.rss_kb),
        ok: ratio <= 1.15,
    }
}

pub fn batch() -> (Row, Row) {
    let (state, ids) = pending(1000);
    let emu = emulator(
        state,
        Knobs {
            latency: Some(Duration::from_millis(50)),
            job_duration: Some(Duration::from_secs(2)),
            ..Knobs::default()
        },
    );
    let home = tempfile::tempdir().unwrap();
    let mut args = vec!["accept", "--batch-size", "100", "-o", "plain"];
    args.extend(ids.iter().map(String::as_str));
    let m = measure(&emu.url(), home.path(), &args);
    assert_eq!(m.code, 0, "batch accept failed");
    let jobs = emu.with_state(|s| s.jobs.len());
    assert_eq!(jobs, 10);
    let ideal = Duration::from_secs(2);
    let allowed = ideal + Duration::from_millis(500) + ideal / 4;
    let time = Row {
        what: "batch accept, 1000 images in 10 chunks, jobs of 2 s, 50 ms latency".into(),
        measured: secs(m.elapsed),
        ideal: format!("{} (the job)", secs(ideal)),
        ratio: Some(m.elapsed.as_secs_f64() / ideal.as_secs_f64()),
        goal: format!("<= {} (job + 0.5 s + 0.25 x 2 s)", secs(allowed)),
        rss_kb: Some(m.rss_kb),
        ok: m.elapsed <= allowed,
    };
    let rss = Row {
        what: "peak RSS of the 1000-image batch accept".into(),
        measured: format!("{:.1} MB", m.rss_kb as f64 / 1024.0),
        ideal: "-".into(),
        ratio: None,
        goal: "< 20 MB".into(),
        rss_kb: Some(m.rss_kb),
        ok: m.rss_kb < 20 * 1024,
    };
    (time, rss)
}

pub fn wait_overshoot(job_secs: u64) -> Row {
    let (state, ids) = pending(1);
    let emu = emulator(
        state,
        Knobs {
            job_duration: Some(Duration::from_secs(job_secs)),
            ..Knobs::default()
        },
    );
    let home = tempfile::tempdir().unwrap();
    let submit = measure(
        &emu.url(),
        home.path(),
        &["accept", "--no-wait", "-o", "plain", &ids[0]],
    );
    assert_eq!(submit.code, 0);
    let job = submit.stdout.trim().to_string();
    let done_ms = emu.with_state(|s| s.jobs[0].submitted_ms + s.jobs[0].duration_ms);
    let m = measure(
        &emu.url(),
        home.path(),
        &["wait", "--timeout", "5m", "-o", "plain", &job],
    );
    assert_eq!(m.code, 0, "wait failed");
    let exited_ms = m.exited_at.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
    let overshoot = Duration::from_millis(exited_ms.saturating_sub(done_ms));
    let polls = emu
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with(&job))
        .count();
    let allowed = Duration::from_millis(500) + Duration::from_secs(job_secs) / 4;
    Row {
        what: format!("wait overshoot, job of {job_secs} s ({polls} polls)"),
        measured: secs(overshoot),
        ideal: "0 s".into(),
        ratio: None,
        goal: format!("<= {} and <= ~20 polls", secs(allowed)),
        rss_kb: Some(m.rss_kb),
        ok: overshoot <= allowed && polls <= 20,
    }
}
