//! Issue 13, class 2: Deadlines that hold: `--request-timeout` covers the whole request, body
//! included; `wait --timeout` ends on time with exit 4 and the job ids even while a poll is
//! stuck; Ctrl-C is honoured within a second or two at every stage (login, project discovery,
//! listing, polling).
//!
//! A "trickle" answer sends its headers at once, then one body byte every so often: a
//! per-read time-out never fires. The tests learn that a request is in flight from the
//! server (which records it as soon as it has read it), never by sleeping.

use super::server::{HostileServer, Reply, Request};
use super::*;
use serde_json::json;

/// A listing body of about 20 kB, sent one byte every 200 ms (over an hour).
fn trickled_listing() -> Reply {
    let images: Vec<Value> = (1..=100).map(|n| image(&image_id(n), "slow")).collect();
    Reply::json(200, &page(images, None)).trickle(secs(0.2))
}

#[test]
fn request_timeout_is_a_deadline_for_the_whole_body() {
    let server = HostileServer::start(|r: &Request| {
        if r.is("GET", "/v2/images") {
            trickled_listing()
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args([
        "--request-timeout",
        "2s",
        "--retries",
        "0",
        "status",
        "--member-status",
        "pending",
    ]);
    let o = run(cmd, QUICK);
    o.within(secs(2.0 + 3.0)).code(5);
    assert!(o.stdout.is_empty(), "{}", o.describe());
    assert!(
        o.stderr.contains("2s") || o.stderr.contains("time"),
        "the message names the time-out: {}",
        o.describe()
    );
}

fn job_poll_server(reply: fn() -> Reply) -> HostileServer {
    HostileServer::start(move |r: &Request| {
        if r.is("GET", &format!("/v1/{PROJECT}/jobs/{JOB}")) {
            reply()
        } else {
            not_found(r)
        }
    })
}

fn running_job_trickled() -> Reply {
    Reply::json(
        200,
        &json!({"job_id": JOB, "status": "RUNNING", "job_type": "imsUpdateImageMembersJob",
                "padding": "p".repeat(20_000)}),
    )
    .trickle(secs(0.2))
}

#[test]
fn wait_timeout_ends_on_time_while_a_poll_trickles() {
    let server = job_poll_server(running_job_trickled);
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["wait", "--timeout", "3s", "-o", "plain", JOB]);
    let o = run(cmd, QUICK);
    o.within(secs(3.0 + 2.5)).code(4);
    assert!(
        o.stdout.contains(JOB) || o.stderr.contains(JOB),
        "the job id is printed: {}",
        o.describe()
    );
    assert!(
        o.stderr.contains(&format!("ims-share wait {JOB}")),
        "the resume line: {}",
        o.describe()
    );
}

#[test]
fn wait_timeout_ends_on_time_while_a_poll_never_answers() {
    let server = job_poll_server(|| Reply::json(200, &json!({})).hang());
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["wait", "--timeout", "3s", "-o", "plain", JOB]);
    let o = run(cmd, QUICK);
    o.within(secs(3.0 + 2.5)).code(4);
    assert!(
        o.stderr.contains(&format!("ims-share wait {JOB}")),
        "the resume line: {}",
        o.describe()
    );
}

#[test]
fn wait_timeout_ends_on_time_with_json_while_headers_arrive_but_no_body() {
    let server = job_poll_server(|| {
        Reply::json(200, &json!({"job_id": JOB, "status": "RUNNING"})).hang_after_headers()
    });
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["wait", "--timeout", "3s", "--json", JOB]);
    let o = run(cmd, QUICK);
    o.within(secs(3.0 + 2.5)).code(4);
    let doc = parse_json(&o.stdout);
    assert_eq!(doc["jobs"][0]["job_id"], json!(JOB), "{}", o.describe());
}

/// Sends SIGINT once the server holds the request `pred` matches; the run must end with 130
/// within `limit` of the signal.
fn interrupt_when(
    server: &HostileServer,
    cmd: Command,
    pred: impl Fn(&Request) -> bool,
    limit: Duration,
) -> Outcome {
    let sp = arrived(server, spawn(cmd, Input::Null), pred);
    let at = Instant::now();
    sp.signal(libc::SIGINT);
    let o = sp.finish(Duration::from_secs(8));
    assert!(
        !o.killed && at.elapsed() <= limit,
        "Ctrl-C should end the run within {limit:?} (took {:.1?}); {}",
        at.elapsed(),
        o.describe()
    );
    o.code(130);
    o
}

#[test]
fn ctrl_c_during_a_trickled_login_exits_130_at_once() {
    let server = HostileServer::start(|r: &Request| {
        if r.is("POST", "/v3/auth/tokens") {
            let mut reply = login_reply("MIIslow-login-token", PROJECT);
            reply.body.extend(std::iter::repeat_n(b' ', 20_000));
            reply.trickle(secs(0.2))
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    let mut cmd = home.password(&server.url(), &server.url());
    cmd.args(["status", "--member-status", "pending"]);
    interrupt_when(&server, cmd, |r| r.is("POST", "/v3/auth/tokens"), secs(2.0));
}

#[test]
fn ctrl_c_during_project_discovery_exits_130_at_once() {
    let server = HostileServer::start(|r: &Request| {
        if r.is("GET", "/v3/projects") {
            Reply::json(
                200,
                &json!({"projects": [{"id": PROJECT, "name": "eu-de"}], "pad": "p".repeat(20_000)}),
            )
            .trickle(secs(0.2))
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    let mut cmd = home.bare();
    cmd.env("IMS_SHARE_ENDPOINT", server.url())
        .env("HUAWEICLOUD_SDK_AK", AK)
        .env("HUAWEICLOUD_SDK_SK", SK)
        .env(
            "HUAWEICLOUD_SDK_IAM_ENDPOINT",
            format!("{}/v3", server.url()),
        )
        .args(["--region", "eu-de", "status", "--member-status", "pending"]);
    interrupt_when(&server, cmd, |r| r.is("GET", "/v3/projects"), secs(2.0));
}

#[test]
fn ctrl_c_during_a_trickled_listing_exits_130_at_once() {
    let server = HostileServer::start(|r: &Request| {
        if r.is("GET", "/v2/images") {
            trickled_listing()
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["status", "--member-status", "pending", "-o", "plain"]);
    interrupt_when(&server, cmd, |r| r.is("GET", "/v2/images"), secs(2.0));
}

#[test]
fn ctrl_c_during_a_stuck_job_poll_exits_130_with_the_job_id() {
    let server = job_poll_server(running_job_trickled);
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["wait", "-o", "plain", JOB]);
    let o = interrupt_when(&server, cmd, |r| r.path.contains("/jobs/"), secs(2.0));
    assert!(
        o.stderr.contains(&format!("ims-share wait {JOB}")),
        "the resume line: {}",
        o.describe()
    );
}
