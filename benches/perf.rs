//! `cargo bench`: the performance goals of ims-share, measured.
//!
//! Starts the emulator in this process with the latency each row asks for, runs the release
//! binary against it, and prints one row per goal: measured, ideal, ratio, peak RSS of the
//! ims-share process (from wait4), and whether the goal is met. Takes about two minutes.

use ims_share::emulator::state::{State, image, now_ms};
use ims_share::emulator::{Config, Emulator, Knobs, Store, seed};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const BIN: &str = env!("CARGO_BIN_EXE_ims-share");

struct Row {
    what: String,
    measured: String,
    ideal: String,
    ratio: Option<f64>,
    goal: String,
    rss_kb: Option<u64>,
    ok: bool,
}

struct Measured {
    elapsed: Duration,
    exited_at: SystemTime,
    code: i32,
    rss_kb: u64,
    stdout: String,
}

/// Runs the binary against the emulator and reaps it with wait4, for its peak RSS.
#[allow(clippy::zombie_processes)] // reaped by wait4, not Child::wait, to read its rusage
fn measure(url: &str, home: &std::path::Path, args: &[&str]) -> Measured {
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("IMS_SHARE_ENDPOINT", url)
        .env("HUAWEICLOUD_SDK_AK", seed::ACCESS_KEY)
        .env("HUAWEICLOUD_SDK_SK", seed::SECRET_KEY)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", seed::PROJECT_ID)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the release binary runs");
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child, which std has not reaped.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "wait4 failed");
    Measured {
        elapsed: started.elapsed(),
        exited_at: SystemTime::now(),
        code: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
        rss_kb: usage.ru_maxrss as u64,
        stdout,
    }
}

fn pending(n: usize) -> (State, Vec<String>) {
    let mut s = seed::account(now_ms());
    s.images.clear();
    s.members.clear();
    let now = now_ms();
    let mut ids = Vec::new();
    for i in 0..n {
        let id = format!("{:08x}-0000-4000-8000-{:012x}", i + 1, i + 1);
        s.share(
            image(
                &id,
                &format!("bench-image-{i:05}"),
                seed::PLATFORM_PROJECT,
                now - i as u64,
            ),
            seed::PROJECT_ID,
            "pending",
        );
        ids.push(id);
    }
    (s, ids)
}

fn emulator(state: State, knobs: Knobs) -> Emulator {
    Emulator::start(
        Store::memory(state),
        Config {
            knobs,
            ..Config::default()
        },
    )
    .expect("the emulator starts")
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn startup(args: &[&str]) -> Row {
    let home = tempfile::tempdir().unwrap();
    let mut times: Vec<Duration> = (0..51)
        .map(|_| {
            let m = measure("http://127.0.0.1:9", home.path(), args);
            assert_eq!(m.code, 0);
            m.elapsed
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    Row {
        what: format!("ims-share {} (median of 51)", args.join(" ")),
        measured: format!("{:.2} ms", median.as_secs_f64() * 1000.0),
        ideal: "-".into(),
        ratio: None,
        goal: "< 5 ms".into(),
        rss_kb: None,
        ok: median < Duration::from_millis(5),
    }
}

fn per_image() -> Row {
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

fn batch() -> (Row, Row) {
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

fn wait_overshoot(job_secs: u64) -> Row {
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

fn status(images: usize) -> (Row, u64) {
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

fn binary_size() -> Row {
    let bytes = std::fs::metadata(BIN).unwrap().len();
    Row {
        what: "release binary size".into(),
        measured: format!("{:.2} MB", bytes as f64 / 1024.0 / 1024.0),
        ideal: "-".into(),
        ratio: None,
        goal: "< 10 MB".into(),
        rss_kb: None,
        ok: bytes < 10 * 1024 * 1024,
    }
}

#[allow(clippy::print_stdout)]
fn main() {
    // `cargo bench` passes --bench; a filter argument is not supported, every row runs.
    let started = Instant::now();
    let mut rows = vec![
        startup(&["--version"]),
        startup(&["accept", "--help"]),
        per_image(),
    ];
    let (batch_time, batch_rss) = batch();
    rows.push(batch_time);
    rows.push(batch_rss);
    for t in [2, 10, 60] {
        rows.push(wait_overshoot(t));
    }
    let (big, big_rss) = status(5000);
    let (_, small_rss) = status(500);
    rows.push(big);
    rows.push(Row {
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
    });
    rows.push(binary_size());

    let header = [
        "what", "measured", "ideal", "ratio", "goal", "peak RSS", "met",
    ];
    let table: Vec<[String; 7]> = rows
        .iter()
        .map(|r| {
            [
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
            ]
        })
        .collect();
    println!("| {} |", header.join(" | "));
    println!(
        "|{}|",
        header.iter().map(|_| "---").collect::<Vec<_>>().join("|")
    );
    for row in &table {
        println!("| {} |", row.join(" | "));
    }
    println!(
        "\n{} of {} goals met; benchmark took {:.0} s",
        rows.iter().filter(|r| r.ok).count(),
        rows.len(),
        started.elapsed().as_secs_f64()
    );
}
