//! The fault matrix: each emulator fault, what the client does about it, the exit code, the
//! message, and the job ids that are still printed.

use crate::common::*;
use ims_share::emulator::seed::images as img;
use ims_share::emulator::state::Token;
use ims_share::emulator::{Knobs, seed};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn knobs(k: Knobs) -> Fixture {
    Fixture::with(seeded(), k)
}

fn faults_seen(f: &Fixture, fault: &str) -> usize {
    f.requests()
        .iter()
        .filter(|q| q.fault == Some(fault))
        .count()
}

#[test]
fn throttling_is_retried_after_retry_after() {
    let f = knobs(Knobs {
        throttle_every: Some(2),
        ..Knobs::default()
    });
    let r = run(f.cmd().args(["accept", "--json", img::UBUNTU, img::RHEL]));
    r.code(0);
    assert!(faults_seen(&f, "throttle") >= 1);
    let out: ChangeOut = r.json();
    assert!(out.images.iter().all(|i| i.status == "accepted"));
}

#[test]
fn throttling_without_retries_is_exit_5() {
    let f = knobs(Knobs {
        throttle_every: Some(1),
        ..Knobs::default()
    });
    let r = run(f.cmd().args(["--retries", "0", "accept", img::UBUNTU]));
    r.code(5);
    assert!(r.stderr.contains("HTTP 429 APIGW.0308"), "{}", r.stderr);
    assert!(r.stderr.contains("after 1 attempt"), "{}", r.stderr);
    assert!(r.stderr.contains("hint:"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn a_503_burst_is_ridden_out() {
    let f = knobs(Knobs {
        unavailable_every: Some(2),
        ..Knobs::default()
    });
    run(f.cmd().args(["accept", img::UBUNTU, img::RHEL])).code(0);
    assert!(faults_seen(&f, "unavailable") >= 1);
}

#[test]
fn a_service_that_keeps_failing_is_exit_5_naming_every_attempt() {
    let f = knobs(Knobs {
        unavailable_every: Some(1),
        ..Knobs::default()
    });
    // One member status: one listing (a full `status` runs three at once, each retried).
    let r = run(f
        .cmd()
        .args(["--retries", "2", "status", "--member-status", "pending"]));
    r.code(5);
    assert!(
        r.stderr.contains(
            "failed after 3 attempts: HTTP 503 APIGW.0203 (3 times); the last answer: The backend service is unavailable."
        ),
        "{}",
        r.stderr
    );
    assert_eq!(f.requests().len(), 3);
    assert!(r.stdout.is_empty());
}

#[test]
fn a_dropped_connection_is_retried() {
    let f = knobs(Knobs {
        drop_every: Some(2),
        ..Knobs::default()
    });
    run(f.cmd().args(["accept", img::UBUNTU])).code(0);
    assert!(faults_seen(&f, "drop") >= 1);
}

#[test]
fn a_response_slower_than_the_timeout_is_exit_5() {
    let f = knobs(Knobs {
        slow_every: Some(1),
        slow_for: Some(Duration::from_secs(3)),
        ..Knobs::default()
    });
    let r = run(f.cmd().args([
        "--request-timeout",
        "200ms",
        "--retries",
        "1",
        "status",
        img::UBUNTU,
    ]));
    r.code(5);
    assert!(
        r.stderr.contains("no response within 200ms"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn an_html_502_page_becomes_a_clean_message() {
    let f = knobs(Knobs {
        html_error_every: Some(1),
        ..Knobs::default()
    });
    let r = run(f.cmd().args(["--retries", "1", "accept", img::UBUNTU]));
    r.code(5);
    assert!(r.stderr.contains("HTTP 502"), "{}", r.stderr);
    assert!(!r.stderr.contains("<html>"), "{}", r.stderr);
    assert!(r.stdout.is_empty());
    let g = knobs(Knobs {
        html_error_every: Some(3),
        ..Knobs::default()
    });
    run(g.cmd().args(["accept", img::UBUNTU])).code(0);
}

#[test]
fn truncated_json_is_retried_then_exit_5() {
    let f = knobs(Knobs {
        truncate_every: Some(2),
        ..Knobs::default()
    });
    run(f.cmd().args(["status", "--json"])).code(0);
    assert!(faults_seen(&f, "truncate") >= 1);
    let g = knobs(Knobs {
        truncate_every: Some(1),
        ..Knobs::default()
    });
    let r = run(g.cmd().args(["--retries", "1", "status"]));
    r.code(5);
    assert!(r.stderr.contains("not valid JSON"), "{}", r.stderr);
}

#[test]
fn a_401_in_the_middle_of_a_wait_is_exit_3_and_the_job_id_survives() {
    let mut s = seeded();
    s.tokens.push(Token {
        token: "MIIexpiring-token".into(),
        user: seed::USERNAME.into(),
        domain: seed::DOMAIN.into(),
        project_id: ME.into(),
        expires_ms: u64::MAX / 2,
        uses: 0,
    });
    let f = Fixture::with(
        s,
        Knobs {
            token_uses: Some(2),
            job_duration: Some(Duration::from_secs(60)),
            ..Knobs::default()
        },
    );
    let r = run(f
        .bare()
        .env("IMS_SHARE_ENDPOINT", f.url())
        .env("OS_TOKEN", "MIIexpiring-token")
        .env("OS_PROJECT_ID", ME)
        .args(["accept", "--json", img::UBUNTU]));
    r.code(3);
    assert!(r.stdout.is_empty(), "stdout stays empty on exit 3");
    let job = f.emu.with_state(|s| s.jobs[0].id.clone());
    assert!(
        r.stderr.contains(&format!("submitted job {job}")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains(&format!("resume with: ims-share wait {job}")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("token has expired"), "{}", r.stderr);
}

#[test]
fn a_job_that_never_finishes_is_exit_4_with_its_id() {
    let f = knobs(Knobs {
        job_duration: Some(Duration::from_secs(3600)),
        ..Knobs::default()
    });
    let r = run(f
        .cmd()
        .args(["accept", "--timeout", "1s", "-o", "plain", img::UBUNTU]));
    r.code(4);
    let job = f.emu.with_state(|s| s.jobs[0].id.clone());
    assert_eq!(r.stdout, format!("{}\tsubmitted\t{job}\t\t\n", img::UBUNTU));
    assert!(
        r.stderr
            .contains(&format!("resume with: ims-share wait {job}")),
        "{}",
        r.stderr
    );
}

#[test]
fn a_wrong_key_with_concurrency_8_sends_exactly_one_request() {
    let (state, ids) = many_pending(16);
    let f = Fixture::with(state, Knobs::default());
    let r = run(f
        .cmd()
        .env("HUAWEICLOUD_SDK_SK", "wrong")
        .args(["accept", "--mode", "per-image", "--concurrency", "8"])
        .args(&ids));
    r.code(3);
    assert_eq!(f.requests().len(), 1);
    assert!(
        r.stderr.contains("16 not sent") || r.stderr.contains("15 not sent"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_refused_signature_with_a_distant_clock_says_so() {
    let f = {
        let emu = ims_share::emulator::Emulator::start(
            ims_share::emulator::Store::memory(seeded()),
            ims_share::emulator::Config {
                clock_offset_secs: 3600,
                ..ims_share::emulator::Config::default()
            },
        )
        .unwrap();
        Fixture {
            emu,
            home: tempfile::tempdir().unwrap(),
        }
    };
    let r = run(f.cmd().args(["status"]));
    r.code(3);
    assert!(
        r.stderr.contains("clock is 1h ahead of this machine's"),
        "{}",
        r.stderr
    );
}

/// Spawns the binary with piped output; returns it and a reader of its stderr.
fn spawn(
    f: &Fixture,
    args: &[&str],
) -> (std::process::Child, BufReader<std::process::ChildStderr>) {
    let mut child = f
        .process(env!("CARGO_BIN_EXE_ims-share"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    (child, stderr)
}

fn sigint(child: &std::process::Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn ctrl_c_during_a_wait_prints_the_job_ids_and_exits_130() {
    let f = knobs(Knobs {
        job_duration: Some(Duration::from_secs(3600)),
        ..Knobs::default()
    });
    let (child, mut stderr) = spawn(&f, &["accept", "--json", img::UBUNTU, img::RHEL]);
    let mut seen = String::new();
    let mut line = String::new();
    while stderr.read_line(&mut line).unwrap() > 0 {
        seen.push_str(&line);
        if line.starts_with("submitted job ") {
            break;
        }
        line.clear();
    }
    let job = f.emu.with_state(|s| s.jobs[0].id.clone());
    assert!(seen.contains(&format!("submitted job {job}")), "{seen}");
    sigint(&child);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{rest}");
    let doc: ChangeOut =
        serde_json::from_slice(&out.stdout).expect("the whole JSON document, no partial line");
    assert!(
        doc.images
            .iter()
            .all(|i| i.status == "submitted" && i.job_id.as_deref() == Some(job.as_str()))
    );
    assert!(
        rest.contains(&format!("resume with: ims-share wait {job}")),
        "{rest}"
    );
}

#[test]
fn ctrl_c_while_a_batch_put_is_in_flight_says_a_job_may_exist() {
    let f = knobs(Knobs {
        slow_every: Some(1),
        slow_for: Some(Duration::from_secs(30)),
        ..Knobs::default()
    });
    // A reject: an accept by id lists the pending images first, and this test needs the
    // batch PUT to be the request in flight.
    let (child, mut stderr) = spawn(&f, &["reject", "-o", "plain", img::UBUNTU]);
    let started = Instant::now();
    while f.emu.in_flight() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the PUT never arrived"
        );
        std::thread::yield_now();
    }
    sigint(&child);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{rest}");
    assert!(rest.contains("a job may have been created"), "{rest}");
    assert!(rest.contains("ims-share status"), "{rest}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{}\tsubmitted\t\t\t\n", img::UBUNTU)
    );
}

#[test]
fn ctrl_c_while_a_sync_batch_put_is_in_flight_says_a_job_may_exist() {
    // The listing is the first request, the batch PUT the second: only the PUT hangs.
    let f = knobs(Knobs {
        slow_every: Some(2),
        slow_for: Some(Duration::from_secs(30)),
        ..Knobs::default()
    });
    let policy = f.path("policy.toml");
    std::fs::write(
        &policy,
        "[policy]\n[[policy.rule]]\nowner = \"2b7e4d9a1c3f5e8b0a6d2c4e6f8a0b1c\"\naction = \"reject\"\n",
    )
    .unwrap();
    let policy = policy.display().to_string();
    let (child, mut stderr) = spawn(&f, &["-v", "sync", "--policy", &policy, "-o", "plain"]);
    // `-v` traces each request just before it is sent: once the PUT's line is out, Ctrl-C
    // lands while it is on the wire (the emulator holds it for 30 s).
    let mut line = String::new();
    while !line.starts_with("> PUT") {
        line.clear();
        let read = std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
        assert!(read > 0, "the PUT was never sent");
    }
    sigint(&child);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{rest}");
    assert!(rest.contains("a job may have been created"), "{rest}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("{}\t", img::DEBIAN)) && stdout.contains("submitted"),
        "{stdout}"
    );
}
