//! Issue 13, class 1: No terminal control from service text: names, owners, dates, member
//! fields, `fail_reason`, `error_code`, request ids, error bodies and job ids are shown with
//! their control characters escaped in table, plain and stderr output; plain rows stay one line
//! per record and one field per tab; JSON carries the original text; stderr lines are capped.

use super::server::{HostileServer, Reply, Request};
use super::*;
use serde_json::json;

/// Three images whose name, owner and date carry every kind of control character.
fn hostile_images() -> Vec<Value> {
    let mut a = image(&image_id(1), NASTY);
    a["owner"] = json!(format!("{OWNER}\u{1b}[2J\r\nowner"));
    let mut b = image(&image_id(2), "plain-name");
    b["updated_at"] = json!("2026-11-21\u{9b}1m\u{1b}]0;title\u{7}");
    let c = image(
        &image_id(3),
        "line1\u{b}line2\u{c}line3\u{85}line4\u{2028}line5\u{2029}line6\rline7\nline8",
    );
    vec![a, b, c]
}

fn listing_server() -> HostileServer {
    HostileServer::start(pending_listing(hostile_images()))
}

#[test]
fn status_plain_rows_stay_one_line_and_five_fields_with_hostile_names() {
    let server = listing_server();
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["status", "--member-status", "pending", "-o", "plain"]);
    let o = run(cmd, QUICK);
    o.code(0);
    assert_no_controls("plain stdout", &o.stdout);
    assert_no_controls("stderr", &o.stderr);
    assert_plain_rows(&o.stdout, 3, 5);
    assert_no_forged_line("plain stdout", &o.stdout);
    for n in 1..=3 {
        assert!(o.stdout.contains(&image_id(n)), "{}", o.describe());
    }
}

#[test]
fn status_table_shows_no_raw_control_characters() {
    let server = listing_server();
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["status", "--member-status", "pending", "-o", "table"]);
    let o = run(cmd, QUICK);
    o.code(0);
    assert_no_controls("table stdout", &o.stdout);
    assert_no_controls("stderr", &o.stderr);
    assert_no_forged_line("table stdout", &o.stdout);
    assert!(o.stdout.contains(&image_id(1)), "{}", o.describe());
    assert!(
        o.stdout.contains("evil"),
        "the visible text stays: {}",
        o.describe()
    );
}

#[test]
fn status_json_stays_valid_and_carries_the_original_text() {
    let server = listing_server();
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["status", "--member-status", "pending", "--json"]);
    let o = run(cmd, QUICK);
    o.code(0);
    let doc = parse_json(&o.stdout);
    let images = doc["images"].as_array().expect("images[]");
    assert_eq!(images.len(), 3, "{}", o.describe());
    let original = hostile_images();
    for (got, want) in images.iter().zip(&original) {
        assert_eq!(got["image_id"], want["id"]);
        assert_eq!(got["name"], want["name"], "JSON carries the name as sent");
        assert_eq!(got["owner"], want["owner"]);
        assert_eq!(got["updated_at"], want["updated_at"]);
    }
    assert_no_controls("stderr", &o.stderr);
}

#[test]
fn pending_names_listed_on_stderr_and_in_the_dry_run_table_are_escaped() {
    let server = listing_server();
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["accept", "--all-pending", "--dry-run", "-o", "plain"]);
    let o = run(cmd, QUICK);
    o.code(0);
    assert_eq!(
        server.count(|r| r.method == "PUT"),
        0,
        "a dry run sends no write"
    );
    assert_no_controls("stderr (the list of pending images)", &o.stderr);
    assert_no_forged_line("stderr", &o.stderr);
    assert_no_controls("plain stdout", &o.stdout);

    let mut cmd = home.aksk(&server);
    cmd.args(["accept", "--all-pending", "--dry-run", "-o", "table"]);
    let o = run(cmd, QUICK);
    o.code(0);
    assert_no_controls("dry-run table", &o.stdout);
    assert_no_forged_line("dry-run table", &o.stdout);
    assert_no_controls("stderr", &o.stderr);
}

/// A job that FAILs with an error code and a reason full of escapes, the reason 20k long.
fn failing_job_server() -> HostileServer {
    HostileServer::start(|r: &Request| {
        if r.is("GET", &format!("/v1/{PROJECT}/jobs/{JOB}")) {
            Reply::json(
                200,
                &json!({
                    "job_id": JOB,
                    "job_type": format!("ims\u{1b}[2JJob\r\n{FORGED}"),
                    "status": "FAIL",
                    "begin_time": "2026-11-21T10:00:00Z\u{9b}1m",
                    "end_time": "",
                    "error_code": format!("IMG.0046{NASTY}"),
                    "fail_reason": format!("{NASTY}{}", "r".repeat(20_000)),
                    "entities": {}
                }),
            )
        } else {
            not_found(r)
        }
    })
}

#[test]
fn job_failure_text_is_escaped_and_capped_on_stderr() {
    let server = failing_job_server();
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["wait", "-o", "plain", JOB]);
    let o = run(cmd, QUICK);
    o.code(1);
    assert!(o.stderr.contains(JOB), "{}", o.describe());
    assert_no_controls("stderr", &o.stderr);
    assert_no_forged_line("stderr", &o.stderr);
    assert_lines_capped("stderr", &o.stderr);
    assert_no_controls("stdout", &o.stdout);
}

#[test]
fn job_rows_escape_failure_text_in_plain_table_and_keep_it_in_json() {
    let server = failing_job_server();
    let home = Home::new();

    let mut cmd = home.aksk(&server);
    cmd.args(["status", "--job", JOB, "-o", "plain"]);
    let o = run(cmd, QUICK);
    o.code(1);
    assert_no_controls("plain stdout", &o.stdout);
    assert_plain_rows(&o.stdout, 1, 7);
    assert_no_controls("stderr", &o.stderr);

    let mut cmd = home.aksk(&server);
    cmd.args(["status", "--job", JOB, "-o", "table"]);
    let o = run(cmd, QUICK);
    o.code(1);
    assert_no_controls("table stdout", &o.stdout);
    assert_no_forged_line("table stdout", &o.stdout);

    let mut cmd = home.aksk(&server);
    cmd.args(["status", "--job", JOB, "--json"]);
    let o = run(cmd, QUICK);
    o.code(1);
    let doc = parse_json(&o.stdout);
    assert_eq!(
        doc["jobs"][0]["error_code"],
        json!(format!("IMG.0046{NASTY}"))
    );
    assert_eq!(
        doc["jobs"][0]["fail_reason"],
        json!(format!("{NASTY}{}", "r".repeat(20_000)))
    );
}

/// A batch whose job succeeds for one image and fails the other with hostile text.
fn per_image_failure_server() -> HostileServer {
    HostileServer::start(|r: &Request| {
        if r.is("PUT", "/v1/cloudimages/members") {
            Reply::json(200, &json!({"job_id": JOB}))
        } else if r.is("GET", &format!("/v1/{PROJECT}/jobs/{JOB}")) {
            Reply::json(
                200,
                &json!({
                    "job_id": JOB,
                    "job_type": "imsUpdateImageMembersJob",
                    "status": "SUCCESS",
                    "begin_time": "2026-11-21T10:00:00Z",
                    "end_time": "2026-11-21T10:00:02Z",
                    "entities": {"results": [
                        {"image_id": image_id(1), "project_id": PROJECT, "status": "success"},
                        {"image_id": image_id(2), "project_id": PROJECT, "status": "FAIL",
                         "error_code": format!("IMG\u{1b}[31m.0001{NASTY}"), "error_msg": NASTY}
                    ]}
                }),
            )
        } else {
            not_found(r)
        }
    })
}

#[test]
fn per_image_errors_from_a_job_are_escaped_in_rows_and_kept_in_json() {
    let server = per_image_failure_server();
    let home = Home::new();
    let ids = [image_id(1), image_id(2)];

    let mut cmd = home.aksk(&server);
    cmd.args(["accept", "-o", "plain"]).args(&ids);
    let o = run(cmd, QUICK);
    o.code(1);
    assert_no_controls("plain stdout", &o.stdout);
    assert_plain_rows(&o.stdout, 2, 5);
    assert_no_controls("stderr", &o.stderr);
    assert_no_forged_line("stderr", &o.stderr);
    assert_lines_capped("stderr", &o.stderr);

    let mut cmd = home.aksk(&server);
    cmd.args(["accept", "-o", "table"]).args(&ids);
    let o = run(cmd, QUICK);
    o.code(1);
    assert_no_controls("table stdout", &o.stdout);
    assert_no_forged_line("table stdout", &o.stdout);

    let mut cmd = home.aksk(&server);
    cmd.args(["accept", "--json"]).args(&ids);
    let o = run(cmd, QUICK);
    o.code(1);
    let doc = parse_json(&o.stdout);
    let put = server
        .requests()
        .into_iter()
        .find(|r| r.is("PUT", "/v1/cloudimages/members"))
        .expect("the batch PUT");
    assert_eq!(put.body_json()["project_id"], json!(PROJECT));
    let failed = doc["images"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["image_id"] == json!(image_id(2)))
        .cloned()
        .unwrap();
    assert_eq!(failed["error"]["message"], json!(NASTY));
}

#[test]
fn error_bodies_codes_and_request_ids_are_escaped_and_capped_on_stderr() {
    let server = HostileServer::start(|r: &Request| {
        if r.is("GET", "/v2/images") {
            Reply::json(
                400,
                &json!({
                    "error_code": format!("IMG.0027{NASTY}{}", "C".repeat(5000)),
                    "error_msg": format!("{NASTY}{}", "m".repeat(50_000)),
                    "request_id": format!("{NASTY}{}", "r".repeat(5000)),
                }),
            )
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["status", "--member-status", "pending"]);
    let o = run(cmd, QUICK);
    o.code(1);
    assert!(o.stderr.contains("400"), "{}", o.describe());
    assert_no_controls("stderr", &o.stderr);
    assert_no_forged_line("stderr", &o.stderr);
    assert_lines_capped("stderr", &o.stderr);
}

#[test]
fn a_throttling_code_full_of_escapes_is_escaped_in_the_retry_summary() {
    let server = HostileServer::start(|r: &Request| {
        if r.is("GET", "/v2/images") {
            Reply::json(
                503,
                &json!({"error_code": format!("APIGW.0203{NASTY}"), "error_msg": "busy"}),
            )
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["--retries", "1", "status", "--member-status", "pending"]);
    let o = run(cmd, QUICK);
    o.code(5);
    assert_no_controls("stderr", &o.stderr);
    assert_no_forged_line("stderr", &o.stderr);
    assert_lines_capped("stderr", &o.stderr);
}

#[test]
fn member_fields_of_status_image_are_escaped() {
    let id = image_id(7);
    let path = format!("/v2/images/{id}/members/{PROJECT}");
    let id2 = id.clone();
    let server = HostileServer::start(move |r: &Request| {
        if r.is("GET", &path) {
            Reply::json(
                200,
                &json!({
                    "image_id": id2,
                    "member_id": format!("{PROJECT}\r\n{FORGED}"),
                    "status": "pending\u{1b}[2J",
                    "created_at": NASTY,
                    "updated_at": "2026\u{85}11\u{2028}21\u{b}x",
                    "schema": "/v2/schemas/member"
                }),
            )
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["status", "-o", "plain", &id]);
    let o = run(cmd, QUICK);
    o.code(0);
    assert_no_controls("plain stdout", &o.stdout);
    assert_plain_rows(&o.stdout, 1, 5);
    assert_no_forged_line("plain stdout", &o.stdout);

    let mut cmd = home.aksk(&server);
    cmd.args(["status", "-o", "table", &id]);
    let o = run(cmd, QUICK);
    o.code(0);
    assert_no_controls("table stdout", &o.stdout);
    assert_no_forged_line("table stdout", &o.stdout);
}

#[test]
fn a_member_lookup_refused_with_hostile_text_is_escaped_on_stderr() {
    let id = image_id(8);
    let server = HostileServer::start(|r: &Request| {
        if r.path.starts_with("/v2/images/") {
            Reply::json(
                404,
                &json!({"code": "404 Not Found", "title": "Not Found",
                        "message": format!("Image {NASTY} not found.<br /><br />")}),
            )
            .header("X-Openstack-Request-Id", "req-\u{00e9}t\u{00e9}")
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["status", "-o", "plain", &id]);
    let o = run(cmd, QUICK);
    o.code(1);
    assert_no_controls("stderr", &o.stderr);
    assert_no_forged_line("stderr", &o.stderr);
    assert_no_controls("stdout", &o.stdout);
}

#[test]
fn a_job_id_full_of_escapes_from_the_server_is_refused_cleanly() {
    let server = HostileServer::start(|r: &Request| {
        if r.is("PUT", "/v1/cloudimages/members") {
            Reply::json(200, &json!({"job_id": NASTY}))
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["--retries", "0", "accept", "-o", "plain", &image_id(1)]);
    let o = run(cmd, QUICK);
    assert_ne!(o.code, Some(0), "{}", o.describe());
    assert_no_controls("stderr", &o.stderr);
    assert_no_forged_line("stderr", &o.stderr);
    assert_no_controls("stdout", &o.stdout);
    assert_eq!(
        server.count(|r| r.method == "GET" && r.path.contains("/jobs/")),
        0,
        "an unusable job id is never polled"
    );
}

#[test]
fn vv_traces_escape_and_cap_a_body_that_is_not_json() {
    let server = HostileServer::start(|r: &Request| {
        if r.is("GET", "/v2/images") {
            Reply::new(
                502,
                "text/html",
                format!("<html><body>{NASTY}{}</body></html>", "b".repeat(100_000)),
            )
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args([
        "-vv",
        "--retries",
        "0",
        "status",
        "--member-status",
        "pending",
    ]);
    let o = run(cmd, QUICK);
    o.code(5);
    assert_no_controls("-vv stderr", &o.stderr);
    assert_no_forged_line("-vv stderr", &o.stderr);
    assert_lines_capped("-vv stderr", &o.stderr);
}

#[test]
fn long_header_values_are_capped_on_stderr() {
    let long = format!("https://elsewhere.invalid/{}", "a".repeat(8000));
    let id = format!("req-{}", "i".repeat(8000));
    let server = HostileServer::start(move |r: &Request| {
        if r.is("GET", "/v2/images") && r.param("member_status").as_deref() == Some("pending") {
            Reply::json(302, &json!({})).header("Location", &long)
        } else if r.is("GET", "/v2/images") {
            Reply::json(400, &json!({"error_code": "IMG.0002", "error_msg": "no"}))
                .header("X-Request-Id", &id)
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    for status in ["pending", "accepted"] {
        let mut cmd = home.aksk(&server);
        cmd.args(["--retries", "0", "status", "--member-status", status]);
        let o = run(cmd, QUICK);
        assert_ne!(o.code, Some(0), "{}", o.describe());
        assert_lines_capped("stderr", &o.stderr);
    }
}
