//! Settings from the config file, the environment and flags; the errors that stop a run
//! before anything is sent.

use crate::common::*;
use ims_share::emulator::seed;
use ims_share::emulator::seed::images as img;

fn sandbox_profile(f: &Fixture) -> String {
    format!(
        "default_profile = \"emu\"\n\n[profiles.emu]\nims_endpoint = \"{}\"\nproject_id = \"{ME}\"\naccess_key = \"{}\"\nsecret_key = \"{}\"\n",
        f.url(),
        seed::ACCESS_KEY,
        seed::SECRET_KEY
    )
}

#[test]
fn the_default_profile_of_the_config_file_is_used() {
    let f = Fixture::new();
    f.write_config(&sandbox_profile(&f), 0o600);
    run(f.bare().args(["accept", img::UBUNTU])).code(0);
    assert_eq!(f.member_status(img::UBUNTU), "accepted");
}

#[test]
fn unknown_keys_are_named_with_their_line() {
    let f = Fixture::new();
    let path = f.write_config(
        "[profiles.emu]\nregion = \"eu-de\"\nsecret_kee = \"x\"\n",
        0o600,
    );
    let r = run(f.bare().args(["status"]));
    r.code(2);
    assert!(r.stderr.contains("secret_kee"), "{}", r.stderr);
    assert!(r.stderr.contains("line 3"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&path.display().to_string()),
        "{}",
        r.stderr
    );
    assert!(f.requests().is_empty());
}

#[test]
fn a_named_config_file_must_exist() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .args(["--config", "/nonexistent/ims.toml", "status"]));
    r.code(2);
    assert!(
        r.stderr.contains("/nonexistent/ims.toml does not exist"),
        "{}",
        r.stderr
    );
    let r = run(f
        .cmd()
        .env("IMS_SHARE_CONFIG", "/nonexistent/env.toml")
        .args(["status"]));
    r.code(2);
    assert!(r.stderr.contains("/nonexistent/env.toml"), "{}", r.stderr);
}

#[test]
fn no_credentials_says_what_to_add() {
    let f = Fixture::new();
    let r = run(f.bare().env("IMS_SHARE_ENDPOINT", f.url()).args(["status"]));
    r.code(2);
    assert!(r.stderr.contains("no credentials found"), "{}", r.stderr);
    assert!(
        r.stderr.contains("hint:") && r.stderr.contains("HUAWEICLOUD_SDK_AK"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    assert!(f.requests().is_empty());
}

#[test]
fn an_unknown_profile_lists_the_known_ones() {
    let f = Fixture::new();
    f.write_config(&sandbox_profile(&f), 0o600);
    let r = run(f.bare().args(["--profile", "prod", "status"]));
    r.code(2);
    assert!(r.stderr.contains("no profile 'prod'"), "{}", r.stderr);
    assert!(r.stderr.contains("profiles there: emu"), "{}", r.stderr);
    let r = run(f.bare().env("IMS_SHARE_PROFILE", "nope").args(["status"]));
    r.code(2);
    assert!(
        r.stderr.contains("no profile 'nope' (IMS_SHARE_PROFILE)"),
        "{}",
        r.stderr
    );
}

#[test]
fn flags_beat_the_profile() {
    let f = Fixture::new();
    f.write_config(&format!(
            "default_profile = \"emu\"\n[profiles.emu]\nims_endpoint = \"http://127.0.0.1:1\"\nproject_id = \"{ME}\"\naccess_key = \"{}\"\nsecret_key = \"{}\"\n",
            seed::ACCESS_KEY,
            seed::SECRET_KEY
        ), 0o600);
    run(f
        .bare()
        .args(["--endpoint", &f.url(), "accept", img::UBUNTU]))
    .code(0);
}

#[test]
fn plain_http_is_refused_off_loopback() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .env("IMS_SHARE_ENDPOINT", "http://ims.example.com")
        .args(["status"]));
    r.code(2);
    assert!(r.stderr.contains("plain-http"), "{}", r.stderr);
}

#[test]
fn bad_durations_are_usage_errors() {
    let f = Fixture::new();
    let r = run(f.cmd().args([
        "wait",
        "--timeout",
        "30",
        "ffffffffffffffffffffffffffffffff",
    ]));
    r.code(2);
    assert!(r.stderr.contains("no unit"), "{}", r.stderr);
    assert!(f.requests().is_empty());
}

#[test]
fn help_and_version_need_no_config() {
    let f = Fixture::new();
    f.write_config("this is not toml", 0o600);
    let r = run(f.bare().args(["--version"]));
    r.code(0);
    assert!(r.stdout.starts_with("ims-share "));
    let r = run(f.bare().args(["accept", "--help"]));
    r.code(0);
    assert!(
        r.stdout.contains("--all-pending") && r.stdout.contains("Examples:"),
        "{}",
        r.stdout
    );
}

#[test]
fn no_ids_at_all_is_a_usage_error() {
    let f = Fixture::new();
    let r = run(f.cmd().args(["accept"]));
    r.code(2);
    assert!(r.stderr.contains("nothing to accept"), "{}", r.stderr);
    let r = run(f.cmd().args(["accept", "--all-pending", img::UBUNTU]));
    r.code(2);
    assert!(f.requests().is_empty());
}
