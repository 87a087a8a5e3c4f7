//! Issue 13, class 5: Nothing lost, nothing faked: a listing page that does not parse is an
//! error (retried, then exit 5), never an empty list or "nothing to accept"; a failed write to
//! stdout is an error; under `--json`, exits 1 and 130 still write the document, also when the
//! listing itself failed.

use super::server::{HostileServer, Reply, Request};
use super::*;
use serde_json::json;

/// A listing whose pending page is always `body` (bytes as given).
fn unreadable_listing(body: Vec<u8>) -> HostileServer {
    HostileServer::start(move |r: &Request| {
        if r.is("GET", "/v2/images") {
            Reply::raw_json(200, body.clone())
        } else {
            not_found(r)
        }
    })
}

fn listings(server: &HostileServer) -> usize {
    server.count(|r| r.is("GET", "/v2/images"))
}

#[track_caller]
fn assert_status_fails(body: Vec<u8>) {
    let server = unreadable_listing(body);
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args([
        "--retries",
        "1",
        "status",
        "--member-status",
        "pending",
        "-o",
        "plain",
    ]);
    let o = run(cmd, QUICK);
    o.code(5);
    assert!(o.stdout.is_empty(), "{}", o.describe());
    assert!(
        listings(&server) >= 2,
        "an unreadable page is retried ({} requests); {}",
        listings(&server),
        o.describe()
    );
}

fn page_with_raw_name(name_bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "{{\"images\":[{{\"id\":\"{}\",\"owner\":\"{OWNER}\",\"name\":\"",
        image_id(1)
    )
    .into_bytes();
    body.extend_from_slice(name_bytes);
    body.extend_from_slice(b"\"}]}");
    body
}

#[test]
fn a_listing_page_with_an_invalid_utf8_byte_is_an_error() {
    assert_status_fails(page_with_raw_name(b"bad-\xff-byte"));
}

#[test]
fn a_listing_page_with_a_lone_surrogate_escape_is_an_error() {
    assert_status_fails(page_with_raw_name(b"lone-\\ud800-surrogate"));
}

#[test]
fn a_deeply_nested_listing_page_is_an_error() {
    let depth = 3000;
    let body = format!("{{\"images\":{}{}}}", "[".repeat(depth), "]".repeat(depth));
    assert_status_fails(body.into_bytes());
}

#[test]
fn accept_all_pending_on_an_unreadable_listing_is_not_nothing_to_do() {
    let server = unreadable_listing(page_with_raw_name(b"bad-\xff-byte"));
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["--retries", "1", "accept", "--all-pending"]);
    let o = run(cmd, QUICK);
    o.code(5);
    assert!(
        !o.stderr.contains("nothing to accept"),
        "an unreadable listing is not 'nothing to do'; {}",
        o.describe()
    );
    assert_eq!(server.count(|r| r.method == "PUT"), 0);
}

#[test]
fn a_failed_write_to_stdout_is_an_error() {
    let server = HostileServer::start(pending_listing(vec![image(&image_id(1), "one")]));
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["status", "--member-status", "pending", "-o", "plain"]);
    let o = spawn_with(cmd, Input::Null, Out::File("/dev/full".into())).finish(QUICK);
    assert!(
        o.code.is_some_and(|c| c != 0),
        "writing stdout failed, so the run failed; {}",
        o.describe()
    );
    let said = o.stderr.to_lowercase();
    assert!(
        said.contains("output") || said.contains("stdout") || said.contains("write"),
        "a message says the output could not be written; {}",
        o.describe()
    );
}

/// The listing is refused with a 400 (exit 1).
fn refused_listing() -> HostileServer {
    HostileServer::start(|r: &Request| {
        if r.is("GET", "/v2/images") {
            Reply::json(
                400,
                &json!({"error_code": "IMG.0002", "error_msg": "The parameter is invalid."}),
            )
        } else {
            not_found(r)
        }
    })
}

#[test]
fn json_exit_1_still_writes_the_document_when_the_status_listing_fails() {
    let server = refused_listing();
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["status", "--member-status", "pending", "--json"]);
    let o = run(cmd, QUICK);
    o.code(1);
    let doc = parse_json(&o.stdout);
    assert!(doc["images"].is_array(), "{}", o.describe());
}

#[test]
fn json_exit_1_still_writes_the_document_when_the_all_pending_listing_fails() {
    let server = refused_listing();
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(["accept", "--all-pending", "--json"]);
    let o = run(cmd, QUICK);
    o.code(1);
    let doc = parse_json(&o.stdout);
    assert!(
        doc["images"].is_array() && doc["jobs"].is_array(),
        "{}",
        o.describe()
    );
}

fn hanging_listing() -> HostileServer {
    HostileServer::start(|r: &Request| {
        if r.is("GET", "/v2/images") {
            Reply::json(200, &page(vec![], None)).hang()
        } else {
            not_found(r)
        }
    })
}

#[track_caller]
fn interrupted_json(args: &[&str]) -> Value {
    let server = hanging_listing();
    let home = Home::new();
    let mut cmd = home.aksk(&server);
    cmd.args(args);
    let sp = arrived(&server, spawn(cmd, Input::Null), |r| {
        r.is("GET", "/v2/images")
    });
    sp.signal(libc::SIGINT);
    let o = sp.finish(Duration::from_secs(5));
    o.code(130);
    parse_json(&o.stdout)
}

#[test]
fn json_exit_130_still_writes_the_document_when_status_is_interrupted_while_listing() {
    let doc = interrupted_json(&["status", "--member-status", "pending", "--json"]);
    assert!(doc["images"].is_array(), "{doc}");
}

#[test]
fn json_exit_130_still_writes_the_document_when_accept_is_interrupted_while_listing() {
    let doc = interrupted_json(&["accept", "--all-pending", "--json"]);
    assert!(doc["images"].is_array() && doc["jobs"].is_array(), "{doc}");
}
