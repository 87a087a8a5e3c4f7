//! Issue 13, class 3: Secrets stay secret on every path: a config file that fails to parse
//! names the file, the line and the key, never the value; a configured secret or a token issued
//! at run time that a server echoes back (in an error body or a header) is redacted on stderr
//! and in `-vv` traces.

use super::server::{HostileServer, Reply, Request};
use super::*;
use serde_json::json;

const VALUE: &str = "Zq8-leaky-secret-value-41f7";

/// A config whose line 4 is broken; `--config FILE --profile x status`.
fn broken_config(line4: &str) -> (Home, PathBuf, Outcome, HostileServer) {
    let server = HostileServer::start(pending_listing(vec![]));
    let home = Home::new();
    let text = format!(
        "[profiles.x]\nims_endpoint = \"{}\"\naccess_key = \"{AK}\"\n{line4}\nproject_id = \"{PROJECT}\"\n",
        server.url()
    );
    let path = home.config("broken.toml", &text);
    let mut cmd = home.bare();
    cmd.arg("--config")
        .arg(&path)
        .args(["--profile", "x", "status"]);
    let o = run(cmd, QUICK);
    (home, path, o, server)
}

#[track_caller]
fn assert_parse_error_without_value(line4: &str, key: &str, secret: &str) {
    let (_home, path, o, server) = broken_config(line4);
    o.code(2);
    assert!(
        !o.stderr.contains(secret) && !o.stdout.contains(secret),
        "the secret value is echoed; {}",
        o.describe()
    );
    assert!(
        o.stderr.contains(&path.display().to_string()),
        "the file is named; {}",
        o.describe()
    );
    assert!(
        o.stderr.contains("line 4") || o.stderr.contains(":4:") || o.stderr.contains(":4,"),
        "the line is named; {}",
        o.describe()
    );
    assert!(o.stderr.contains(key), "the key is named; {}", o.describe());
    assert!(server.requests().is_empty(), "nothing is sent");
}

#[test]
fn a_misspelt_key_with_a_secret_value_is_not_echoed() {
    assert_parse_error_without_value(&format!("secret_kye = \"{VALUE}\""), "secret_kye", VALUE);
}

#[test]
fn an_unquoted_secret_is_not_echoed() {
    assert_parse_error_without_value(&format!("secret_key = {VALUE}"), "secret_key", VALUE);
}

#[test]
fn a_numeric_secret_is_not_echoed() {
    assert_parse_error_without_value(
        "secret_key = 918273645546372819",
        "secret_key",
        "918273645546372819",
    );
}

#[test]
fn a_duplicate_secret_key_is_not_echoed() {
    // The second `secret_key` is on line 4.
    let server = HostileServer::start(pending_listing(vec![]));
    let home = Home::new();
    let text = format!(
        "[profiles.x]\nims_endpoint = \"{}\"\nsecret_key = \"{VALUE}\"\nsecret_key = \"{VALUE}-2\"\naccess_key = \"{AK}\"\n",
        server.url()
    );
    let path = home.config("dup.toml", &text);
    let mut cmd = home.bare();
    cmd.arg("--config")
        .arg(&path)
        .args(["--profile", "x", "status"]);
    let o = run(cmd, QUICK);
    o.code(2);
    assert!(
        !o.stderr.contains(VALUE) && !o.stdout.contains(VALUE),
        "the secret value is echoed; {}",
        o.describe()
    );
    assert!(
        o.stderr.contains(&path.display().to_string()),
        "{}",
        o.describe()
    );
    assert!(
        o.stderr.contains("line 4") || o.stderr.contains(":4:") || o.stderr.contains(":4,"),
        "the line is named; {}",
        o.describe()
    );
    assert!(o.stderr.contains("secret_key"), "{}", o.describe());
    assert!(server.requests().is_empty());
}

#[test]
fn an_unquoted_password_is_not_echoed() {
    assert_parse_error_without_value(&format!("password = {VALUE}"), "password", VALUE);
}

fn assert_absent(secret: &str, o: &Outcome) {
    assert!(
        !o.stderr.contains(secret) && !o.stdout.contains(secret),
        "{secret} leaked; {}",
        o.describe()
    );
}

#[test]
fn the_secret_key_echoed_in_an_error_body_is_redacted() {
    let server = HostileServer::start(|r: &Request| {
        if r.is("GET", "/v2/images") {
            Reply::json(
                401,
                &json!({"error_code": "APIGW.0301",
                        "error_msg": format!("Incorrect IAM authentication information: secret {SK} does not match"),
                        "request_id": format!("req-{SK}")}),
            )
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    for verbosity in [None, Some("-v"), Some("-vv")] {
        let mut cmd = home.aksk(&server);
        cmd.args(verbosity);
        cmd.args(["status", "--member-status", "pending"]);
        let o = run(cmd, QUICK);
        o.code(3);
        assert!(o.stderr.contains("APIGW.0301"), "{}", o.describe());
        assert_absent(SK, &o);
    }
}

#[test]
fn the_secret_key_echoed_in_a_response_header_is_redacted() {
    let server = HostileServer::start(|r: &Request| {
        if r.is("GET", "/v2/images") {
            Reply::json(
                400,
                &json!({"error_code": "IMG.0001", "error_msg": "refused"}),
            )
            .header("X-Request-Id", SK)
            .header("X-Echo", SK)
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    for verbosity in [None, Some("-vv")] {
        let mut cmd = home.aksk(&server);
        cmd.args(verbosity);
        cmd.args(["status", "--member-status", "pending"]);
        let o = run(cmd, QUICK);
        o.code(1);
        assert!(o.stderr.contains("IMG.0001"), "{}", o.describe());
        assert_absent(SK, &o);
    }
}

const ISSUED: &str = "MIIissued-at-run-time-token-5d2e8c71";

#[test]
fn a_token_issued_at_run_time_and_echoed_back_is_redacted() {
    let server = HostileServer::start(|r: &Request| {
        if r.is("POST", "/v3/auth/tokens") {
            login_reply(ISSUED, PROJECT)
        } else if r.is("GET", "/v2/images") {
            Reply::json(
                400,
                &json!({"error_code": "IMG.0001",
                        "error_msg": format!("token {ISSUED} is not allowed here"),
                        "token_echo": ISSUED}),
            )
            .header("X-Request-Id", ISSUED)
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    for verbosity in [None, Some("-vv")] {
        let mut cmd = home.password(&server.url(), &server.url());
        cmd.args(verbosity);
        cmd.args(["status", "--member-status", "pending"]);
        let o = run(cmd, QUICK);
        o.code(1);
        assert!(o.stderr.contains("IMG.0001"), "{}", o.describe());
        assert_absent(ISSUED, &o);
        assert_absent(PASSWORD, &o);
    }
}

#[test]
fn a_password_echoed_by_iam_is_redacted() {
    let server = HostileServer::start(|r: &Request| {
        if r.is("POST", "/v3/auth/tokens") {
            Reply::json(
                401,
                &json!({"error": {"code": 401, "title": "Unauthorized",
                        "message": format!("The password {PASSWORD} is wrong for {USERNAME}")}}),
            )
            .header("X-Request-Id", PASSWORD)
        } else {
            not_found(r)
        }
    });
    let home = Home::new();
    for verbosity in [None, Some("-vv")] {
        let mut cmd = home.password(&server.url(), &server.url());
        cmd.args(verbosity);
        cmd.args(["status", "--member-status", "pending"]);
        let o = run(cmd, QUICK);
        o.code(3);
        assert!(o.stderr.contains("401"), "{}", o.describe());
        assert_absent(PASSWORD, &o);
    }
}
