//! Issue 13, class 6: The cache and the identity service are not trusted blindly: a cache
//! directory that is a symlink or writable by others, or a token file writable by others or
//! owned by someone else, is not used (and `-v` says so); the directory is kept 0700; a project
//! id from IAM is validated like user input.
//!
//! The token file's name is a hash the tests do not compute: a first run logs in and writes
//! it, then the test plants a token (and project id) of its own in that file and checks that
//! the second run does not send them.

use super::server::{HostileServer, Reply, Request};
use super::*;
use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use std::sync::atomic::{AtomicU64, Ordering};

const PLANTED: &str = "MIIplanted-by-someone-else-9a7c";
const PLANTED_PROJECT: &str = "a77ac4e1b2c3d4e5f60718293a4b5c6d";

/// IAM and IMS in one: each login issues a new token; the listing is empty.
fn identity_server() -> HostileServer {
    let logins = AtomicU64::new(0);
    HostileServer::start(move |r: &Request| {
        if r.is("POST", "/v3/auth/tokens") {
            let n = logins.fetch_add(1, Ordering::SeqCst) + 1;
            login_reply(&format!("MIIlogin-{n}"), PROJECT)
        } else if r.is("GET", "/v2/images") {
            Reply::json(200, &page(vec![], None))
        } else {
            not_found(r)
        }
    })
}

fn logins(server: &HostileServer) -> usize {
    server.count(|r| r.is("POST", "/v3/auth/tokens"))
}

fn status(home: &Home, server: &HostileServer, verbose: bool) -> Outcome {
    let mut cmd = home.password(&server.url(), &server.url());
    if verbose {
        cmd.arg("-v");
    }
    cmd.args(["status", "--member-status", "pending"]);
    run(cmd, QUICK)
}

/// Logs in once; returns the token file the run cached.
fn first_run(home: &Home, server: &HostileServer) -> PathBuf {
    status(home, server, false).code(0);
    assert_eq!(logins(server), 1);
    let files: Vec<PathBuf> = files_in(&home.cache_dir())
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("token-"))
        })
        .collect();
    assert_eq!(files.len(), 1, "one cached token: {files:?}");
    files[0].clone()
}

/// Replaces the cached token and project id with someone else's.
fn plant(file: &Path) {
    let mut v: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    v["token"] = json!(PLANTED);
    v["project_id"] = json!(PLANTED_PROJECT);
    std::fs::write(file, v.to_string()).unwrap();
}

/// The second run (with -v) logs in afresh and sends neither the planted token nor its project.
#[track_caller]
fn assert_not_trusted(home: &Home, server: &HostileServer, before: usize) {
    let o = status(home, server, true);
    let after: Vec<Request> = server.requests().into_iter().skip(before).collect();
    for r in &after {
        assert_ne!(
            r.header("x-auth-token"),
            Some(PLANTED),
            "the planted token was sent with {} {}; {}",
            r.method,
            r.path,
            o.describe()
        );
        assert_ne!(
            r.header("x-project-id"),
            Some(PLANTED_PROJECT),
            "the planted project id was sent; {}",
            o.describe()
        );
    }
    o.code(0);
    assert!(
        after.iter().any(|r| r.is("POST", "/v3/auth/tokens")),
        "a fresh login replaces the untrusted entry; {}",
        o.describe()
    );
    assert!(
        o.stderr.to_lowercase().contains("cache"),
        "-v says why the cache was not used; {}",
        o.describe()
    );
}

#[test]
fn a_symlinked_cache_directory_is_not_trusted() {
    let server = identity_server();
    let home = Home::new();
    let file = first_run(&home, &server);
    let elsewhere = home.path("someone-elses-dir");
    std::fs::rename(home.cache_dir(), &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, home.cache_dir()).unwrap();
    plant(&elsewhere.join(file.file_name().unwrap()));
    assert_not_trusted(&home, &server, server.requests().len());
}

#[test]
fn a_world_writable_cache_directory_is_not_trusted() {
    let server = identity_server();
    let home = Home::new();
    let file = first_run(&home, &server);
    plant(&file);
    std::fs::set_permissions(home.cache_dir(), std::fs::Permissions::from_mode(0o777)).unwrap();
    assert_not_trusted(&home, &server, server.requests().len());
}

#[test]
fn a_world_writable_token_file_is_not_used() {
    let server = identity_server();
    let home = Home::new();
    let file = first_run(&home, &server);
    plant(&file);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
    assert_not_trusted(&home, &server, server.requests().len());
}

#[test]
fn a_token_file_owned_by_someone_else_is_not_used() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: giving a file to another user needs root");
        return;
    }
    let server = identity_server();
    let home = Home::new();
    let file = first_run(&home, &server);
    plant(&file);
    std::os::unix::fs::chown(&file, Some(65534), Some(65534)).unwrap();
    assert_not_trusted(&home, &server, server.requests().len());
}

#[test]
fn an_existing_0755_cache_directory_is_tightened_to_0700() {
    let server = identity_server();
    let home = Home::new();
    std::fs::create_dir_all(home.cache_dir()).unwrap();
    std::fs::set_permissions(home.cache_dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    first_run(&home, &server);
    let mode = std::fs::metadata(home.cache_dir())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o700, "cache directory mode {mode:o}");
}

const PATH_PROJECT: &str = "../../v3/auth/tokens?a=";

#[track_caller]
fn assert_project_refused(o: &Outcome, server: &HostileServer, allowed: impl Fn(&Request) -> bool) {
    assert!(
        matches!(o.code, Some(2) | Some(5)),
        "exit 2 or 5 expected; {}",
        o.describe()
    );
    assert!(
        o.stderr.to_lowercase().contains("project"),
        "the message is about the project id; {}",
        o.describe()
    );
    let used: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| !allowed(r))
        .map(|r| {
            format!(
                "{} {}?{} x-project-id={:?}",
                r.method,
                r.path,
                r.query,
                r.header("x-project-id")
            )
        })
        .collect();
    assert!(
        used.is_empty(),
        "the project id from IAM was used: {used:?}; {}",
        o.describe()
    );
}

#[test]
fn a_project_id_from_the_login_that_is_a_path_is_refused() {
    let server = HostileServer::start(|r: &Request| {
        if r.is("POST", "/v3/auth/tokens") {
            login_reply("MIIlogin-path-project", PATH_PROJECT)
        } else {
            Reply::json(
                200,
                &json!({"job_id": JOB, "status": "SUCCESS", "images": []}),
            )
        }
    });
    let home = Home::new();
    let mut cmd = home.password(&server.url(), &server.url());
    cmd.args(["wait", JOB]);
    let o = run(cmd, QUICK);
    assert_project_refused(&o, &server, |r| r.is("POST", "/v3/auth/tokens"));
}

#[test]
fn a_project_id_discovered_through_iam_that_is_a_path_is_refused() {
    let server = HostileServer::start(|r: &Request| {
        if r.is("GET", "/v3/projects") {
            Reply::json(
                200,
                &json!({"projects": [{"id": PATH_PROJECT, "name": "eu-de", "domain_id": "d"}]}),
            )
        } else {
            Reply::json(
                200,
                &json!({"job_id": JOB, "status": "SUCCESS", "images": []}),
            )
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
        .args(["--region", "eu-de", "wait", JOB]);
    let o = run(cmd, QUICK);
    assert_project_refused(&o, &server, |r| r.is("GET", "/v3/projects"));
    // Nor is it cached for the next run.
    let cached: Vec<String> = files_in(&home.cache_dir())
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter(|t| t.contains("auth/tokens"))
        .collect();
    assert!(
        cached.is_empty(),
        "the bad project id was cached: {cached:?}"
    );
}
