//! `cargo bench`: the performance goals of ims-share, measured.
//!
//! Starts the emulator in this process with the latency each row asks for (over plain http, or
//! over TLS with a private CA), runs the release binary against it, and prints one row per
//! goal: measured, ideal, ratio, peak RSS of the ims-share process (from wait4), and whether
//! the goal is met. Rows that compare with `curl` run it on the same emulator. Takes about
//! three and a half minutes once built, two of them for the `targets` rows (50 single-target
//! runs of over 2 s each, the reference of the 50-target run).
//!
//! - `harness`: running the binary, the emulator, the rows
//! - `spawn`: the small helper process that runs and reaps each program (for a true peak RSS)
//! - `startup`: start-up and binary size
//! - `change`: accept and wait over plain http (per-image, batch, wait overshoot)
//! - `status`: listings (pages, memory, the three member statuses at once)
//! - `transport`: one accept against curl (http, TLS), per-image accept over TLS (issue 17)
//! - `limits`: linear cost on hostile input (issue 13)
//! - `targets`: many targets in one run against a loop of single-target runs (issue 14)
//!
//! `IMS_SHARE_BENCH_ONLY` runs only some groups of rows: a comma-separated list of the module
//! names above (`startup`, `change`, `status`, `transport`, `limits`, `targets`), e.g.
//! `IMS_SHARE_BENCH_ONLY=targets cargo bench`. Unset or empty, every row runs; an unknown name
//! stops the benchmark before any row.

mod change;
mod harness;
mod limits;
mod spawn;
mod startup;
mod status;
mod targets;
mod transport;

use harness::{Row, find_program};
use std::time::Instant;

/// The groups of rows, in the order they run.
const GROUPS: [&str; 6] = [
    "startup",
    "change",
    "status",
    "transport",
    "limits",
    "targets",
];

/// The groups `IMS_SHARE_BENCH_ONLY` names (every group when it is unset or empty).
fn chosen() -> Vec<&'static str> {
    let only = std::env::var("IMS_SHARE_BENCH_ONLY").unwrap_or_default();
    let names: Vec<&str> = only
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return GROUPS.to_vec();
    }
    for name in &names {
        assert!(
            GROUPS.contains(name),
            "IMS_SHARE_BENCH_ONLY: no group {name:?} (the groups: {})",
            GROUPS.join(", ")
        );
    }
    GROUPS.into_iter().filter(|g| names.contains(g)).collect()
}

#[allow(clippy::print_stdout)]
fn main() {
    // The helper that runs every program (see `spawn`) is this binary run again.
    spawn::serve_if_helper();
    let groups = chosen();
    let want = |group: &str| groups.contains(&group);
    spawn::start();
    // `cargo bench` passes --bench and any filter argument: both are ignored; the groups come
    // from IMS_SHARE_BENCH_ONLY.
    let started = Instant::now();
    let mut notes = Vec::new();
    let mut rows = Vec::new();
    if want("startup") {
        rows.push(startup::startup(&["--version"]));
        rows.push(startup::startup(&["accept", "--help"]));
    }
    if want("change") {
        rows.push(change::per_image());
        let (batch_time, batch_rss) = change::batch();
        rows.push(batch_time);
        rows.push(batch_rss);
        for t in [2, 10, 60] {
            rows.push(change::wait_overshoot(t));
        }
    }
    if want("status") {
        let (big, big_rss) = status::status(5000);
        let (_, small_rss) = status::status(500);
        rows.push(big);
        rows.push(status::memory(big_rss, small_rss));
    }
    if want("startup") {
        rows.push(startup::binary_size());
    }

    // Issue 17: the transport.
    if want("transport") {
        match find_program("curl") {
            Some(curl) => {
                rows.extend(transport::plain_accept(&curl));
                rows.push(transport::tls_accept(&curl));
            }
            None => notes.push(
                "curl is not on PATH: the rows comparing one accept with curl (plain http and TLS) were skipped",
            ),
        }
    }
    if want("status") {
        rows.push(status::three_listings());
    }
    if want("transport") {
        rows.push(transport::per_image_tls());
    }

    // Issue 13: linear cost on hostile input.
    if want("limits") {
        rows.push(limits::huge_name());
        rows.push(limits::dry_run_ids());
    }

    // Issue 14: many targets in one run.
    if want("targets") {
        rows.extend(targets::rows());
    }

    spawn::stop();
    print_table(&rows);
    for note in notes {
        println!("\nnote: {note}");
    }
    println!(
        "\n{} of {} goals met; benchmark took {:.0} s",
        rows.iter().filter(|r| r.ok).count(),
        rows.len(),
        started.elapsed().as_secs_f64()
    );
}

#[allow(clippy::print_stdout)]
fn print_table(rows: &[Row]) {
    let header = [
        "what", "measured", "ideal", "ratio", "goal", "peak RSS", "met",
    ];
    println!("| {} |", header.join(" | "));
    println!(
        "|{}|",
        header.iter().map(|_| "---").collect::<Vec<_>>().join("|")
    );
    for r in rows {
        let cells = [
            r.what.clone(),
            r.measured.clone(),
            r.ideal.clone(),
            r.ratio
                .map(|x| format!("{x:.2}"))
                .unwrap_or_else(|| "-".into()),
            r.goal.clone(),
            r.rss_kb
                .map(|k| format!("{:.1} MB", k as f64 / 1024.0))
                .unwrap_or_else(|| "-".into()),
            if r.ok { "yes" } else { "NO" }.into(),
        ];
        println!("| {} |", cells.join(" | "));
    }
}
