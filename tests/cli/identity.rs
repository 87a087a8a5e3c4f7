//! Credentials people actually have: IAM password logins with a token cache, project-id
//! discovery, temporary AK/SK, secrets from commands, and traces that never show a secret.

use crate::common::*;
use ims_share::emulator::seed::images as img;
use ims_share::emulator::state::{AccessKey, Project};
use ims_share::emulator::{Knobs, seed};

fn password_profile(f: &Fixture, extra: &str) -> String {
    format!(
        "default_profile = \"pw\"\n[profiles.pw]\nregion = \"lab-1\"\niam_endpoint = \"{}/v3\"\nusername = \"{}\"\npassword = \"{}\"\ndomain = \"{}\"\n{extra}",
        f.url(),
        seed::USERNAME,
        seed::PASSWORD,
        seed::DOMAIN
    )
}

fn logins(f: &Fixture) -> usize {
    f.requests()
        .iter()
        .filter(|q| q.method == "POST" && q.path == "/v3/auth/tokens")
        .count()
}

fn issued_tokens(f: &Fixture) -> Vec<String> {
    f.emu
        .with_state(|s| s.tokens.iter().map(|t| t.token.clone()).collect())
}

#[test]
fn a_password_profile_without_project_or_endpoint_accepts_and_caches_its_token() {
    let f = Fixture::with(lab_account(), Knobs::default());
    f.write_config(&password_profile(&f, ""), 0o600);
    let r = run(f.bare().args(["accept", "--json", img::UBUNTU]));
    r.code(0);
    assert_eq!(f.member_status(img::UBUNTU), "accepted");
    // Scoped by the region's project, and the project id came from the token.
    let login = f
        .requests()
        .into_iter()
        .find(|q| q.path == "/v3/auth/tokens")
        .unwrap();
    let body = login.body_json();
    assert_eq!(body["auth"]["scope"]["project"]["name"], "lab-1");
    assert_eq!(
        body["auth"]["identity"]["password"]["user"]["domain"]["name"],
        seed::DOMAIN
    );
    let put = f
        .writes()
        .into_iter()
        .find(|w| w.path == "/v1/cloudimages/members")
        .unwrap();
    assert_eq!(put.header("x-project-id"), Some(ME));
    assert_eq!(
        put.header("x-auth-token").map(|t| t.starts_with("MII")),
        Some(true)
    );

    run(f.bare().args(["status", "--member-status", "accepted"])).code(0);
    assert_eq!(logins(&f), 1, "the second command reused the cached token");

    let cache = f.path(".cache/ims-share");
    // One token (the cache also keeps the last listing, for completion).
    let files: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("token-")
        })
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let dir_mode = std::fs::metadata(&cache).unwrap().permissions().mode();
        assert_eq!(dir_mode & 0o077, 0, "the cache directory is private");
    }
}

#[test]
fn a_token_that_expires_mid_wait_leads_to_one_fresh_login() {
    let f = Fixture::with(
        lab_account(),
        Knobs {
            token_uses: Some(1),
            ..Knobs::default()
        },
    );
    f.write_config(&password_profile(&f, ""), 0o600);
    // A reject: no pending listing first, so the token's single use is the PUT's.
    let r = run(f.bare().args(["reject", "--json", img::UBUNTU, img::RHEL]));
    r.code(0);
    let out: ChangeOut = r.json();
    assert!(out.images.iter().all(|i| i.status == "rejected"));
    assert_eq!(logins(&f), 2, "one login, then one more after the 401");
    let refused: Vec<_> = f
        .requests()
        .into_iter()
        .filter(|q| q.status == 401)
        .collect();
    assert_eq!(refused.len(), 1);
}

#[test]
fn a_revoked_cached_token_is_replaced() {
    let f = Fixture::with(lab_account(), Knobs::default());
    f.write_config(&password_profile(&f, ""), 0o600);
    run(f.bare().args(["status", "--member-status", "pending"])).code(0);
    f.emu.with_state(|s| s.tokens.clear());
    run(f.bare().args(["accept", img::UBUNTU])).code(0);
    assert_eq!(logins(&f), 2);
}

#[test]
fn a_wrong_password_is_exit_3_with_a_clean_message() {
    let f = Fixture::with(lab_account(), Knobs::default());
    f.write_config(
        &password_profile(&f, "").replace(seed::PASSWORD, "not-the-password"),
        0o600,
    );
    let r = run(f.bare().args(["status"]));
    r.code(3);
    assert!(r.stderr.contains("HTTP 401"), "{}", r.stderr);
    assert!(r.stderr.contains("requires authentication"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("user '{}'", seed::USERNAME)),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("not-the-password"));
    assert!(r.stdout.is_empty());
    assert_eq!(logins(&f), 1, "a refused login is not repeated");
}

fn aksk_env(f: &Fixture, cmd: &mut assert_cmd::Command) {
    cmd.env("IMS_SHARE_ENDPOINT", f.url())
        .env("HUAWEICLOUD_SDK_AK", seed::ACCESS_KEY)
        .env("HUAWEICLOUD_SDK_SK", seed::SECRET_KEY)
        .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", format!("{}/v3", f.url()));
}

#[test]
fn aksk_without_a_project_id_finds_it_by_region_once() {
    let f = Fixture::new();
    let mut cmd = f.bare();
    aksk_env(&f, &mut cmd);
    run(cmd.args(["--region", "eu-de", "accept", img::UBUNTU])).code(0);
    let lookups: Vec<_> = f
        .requests()
        .into_iter()
        .filter(|q| q.path == "/v3/projects")
        .collect();
    assert_eq!(lookups.len(), 1);
    assert_eq!(lookups[0].raw_query, "name=eu-de");
    assert!(
        lookups[0].header("authorization").is_some(),
        "signed with AK/SK"
    );
    assert!(lookups[0].header("x-project-id").is_none());
    assert_eq!(f.writes()[0].header("x-project-id"), Some(ME));
    let mut again = f.bare();
    aksk_env(&f, &mut again);
    run(again.args(["--region", "eu-de", "status", "--member-status", "accepted"])).code(0);
    let lookups = f
        .requests()
        .into_iter()
        .filter(|q| q.path == "/v3/projects")
        .count();
    assert_eq!(lookups, 1, "the project id is cached");
}

#[test]
fn two_projects_of_that_name_is_exit_2_naming_both() {
    let mut s = seeded();
    s.projects.push(Project {
        id: "7777777777777777777777777777aaaa".into(),
        name: "eu-de".into(),
        domain: seed::DOMAIN.into(),
    });
    let f = Fixture::with(s, Knobs::default());
    let mut cmd = f.bare();
    aksk_env(&f, &mut cmd);
    let r = run(cmd.args(["--region", "eu-de", "accept", img::UBUNTU]));
    r.code(2);
    assert!(
        r.stderr.contains(ME) && r.stderr.contains("7777777777777777777777777777aaaa"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--project-id"), "{}", r.stderr);
    assert!(f.writes().is_empty());
}

#[test]
fn temporary_credentials_send_and_sign_the_security_token() {
    let mut s = seeded();
    s.access_keys.push(AccessKey {
        access_key: "TEMPAK00000000000001".into(),
        secret_key: "temporary-secret".into(),
        project_id: ME.into(),
        security_token: Some("gQpzZWN1cml0eXRva2VuLWV4YW1wbGU".into()),
    });
    let f = Fixture::with(s, Knobs::default());
    let base = |cmd: &mut assert_cmd::Command| {
        cmd.env("IMS_SHARE_ENDPOINT", f.url())
            .env("HUAWEICLOUD_SDK_AK", "TEMPAK00000000000001")
            .env("HUAWEICLOUD_SDK_SK", "temporary-secret")
            .env("HUAWEICLOUD_SDK_PROJECT_ID", ME);
    };
    let mut with_token = f.bare();
    base(&mut with_token);
    run(with_token
        .env(
            "HUAWEICLOUD_SDK_SECURITY_TOKEN",
            "gQpzZWN1cml0eXRva2VuLWV4YW1wbGU",
        )
        .args(["accept", img::UBUNTU]))
    .code(0);
    let put = &f.writes()[0];
    assert_eq!(
        put.header("x-security-token"),
        Some("gQpzZWN1cml0eXRva2VuLWV4YW1wbGU")
    );
    assert!(
        put.header("authorization")
            .unwrap()
            .contains("x-sdk-date;x-security-token")
    );
    let mut without = f.bare();
    base(&mut without);
    run(without.args(["accept", img::RHEL])).code(3);
}

#[test]
fn a_failing_secret_command_is_exit_2_with_its_message() {
    let f = Fixture::new();
    f.write_config(&format!(
            "default_profile = \"emu\"\n[profiles.emu]\nims_endpoint = \"{}\"\nproject_id = \"{ME}\"\naccess_key = \"{}\"\nsecret_key_command = \"sh -c 'echo the vault is sealed >&2; exit 7'\"\n",
            f.url(),
            seed::ACCESS_KEY
        ),
        0o600,
    );
    let r = run(f.bare().args(["accept", img::UBUNTU]));
    r.code(2);
    assert!(
        r.stderr.contains("secret_key_command in profile 'emu'"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("exit status 7") && r.stderr.contains("the vault is sealed"),
        "{}",
        r.stderr
    );
    assert!(f.requests().is_empty());
}

#[test]
fn a_secret_command_supplies_the_key() {
    let f = Fixture::new();
    f.write_config(&format!(
            "default_profile = \"emu\"\n[profiles.emu]\nims_endpoint = \"{}\"\nproject_id = \"{ME}\"\naccess_key = \"{}\"\nsecret_key_command = \"printf '%s\\\\n' {}\"\n",
            f.url(),
            seed::ACCESS_KEY,
            seed::SECRET_KEY
        ),
        0o600,
    );
    run(f.bare().args(["accept", img::UBUNTU])).code(0);
}

#[test]
fn a_readable_config_holding_a_secret_gets_a_warning() {
    let f = Fixture::new();
    let path = f.write_config(&format!(
            "default_profile = \"emu\"\n[profiles.emu]\nims_endpoint = \"{}\"\nproject_id = \"{ME}\"\naccess_key = \"{}\"\nsecret_key = \"{}\"\n",
            f.url(),
            seed::ACCESS_KEY,
            seed::SECRET_KEY
        ),
        0o644,
    );
    let r = run(f.bare().args(["status", "--member-status", "accepted"]));
    r.code(0);
    assert!(
        r.stderr.contains("warning:")
            && r.stderr.contains(&format!("chmod 600 {}", path.display())),
        "{}",
        r.stderr
    );
}

#[test]
fn traces_show_no_secret() {
    let f = Fixture::with(lab_account(), Knobs::default());
    f.write_config(&password_profile(&f, ""), 0o600);
    let r = run(f.bare().args(["-vv", "accept", img::UBUNTU]));
    r.code(0);
    let mut r2 = f.cmd();
    let aksk = run(r2.args(["-vv", "status", "--member-status", "accepted"]));
    aksk.code(0);
    let tokens = issued_tokens(&f);
    assert!(!tokens.is_empty());
    for secret in tokens
        .iter()
        .map(String::as_str)
        .chain([seed::PASSWORD, seed::SECRET_KEY])
    {
        for text in [&r.stderr, &r.stdout, &aksk.stderr, &aksk.stdout] {
            assert!(!text.contains(secret), "{secret} leaked:\n{text}");
        }
    }
    assert!(
        r.stderr.contains("> POST") && r.stderr.contains("/v3/auth/tokens"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("x-auth-token: (redacted)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("x-subject-token: (redacted)"),
        "{}",
        r.stderr
    );
    assert!(
        aksk.stderr.contains("authorization: (redacted)"),
        "{}",
        aksk.stderr
    );
    assert!(r.stderr.contains("request-id="), "{}", r.stderr);
}
