//! Field readiness (issue 12): what a new user and the API documents found. Each test is named
//! after the finding it covers; each failed before its fix.

use crate::common::*;
use ims_share::emulator::Knobs;
use ims_share::emulator::seed::{self, images as img};

fn all_requests_with_path(f: &Fixture, path: &str) -> usize {
    f.requests().iter().filter(|q| q.path == path).count()
}

// 1. --vault-id reaches the service for every image accepted, in both modes.

#[test]
fn f01_a_vault_reaches_the_service_for_an_image_given_by_id() {
    let f = Fixture::new();
    run(f.cmd().args(["reject", img::POSTGRES_FULL_ECS])).code(0);
    let before = f.writes().len();
    let r = run(f.cmd().args([
        "accept",
        "--json",
        "--vault-id",
        seed::VAULT_ID,
        img::POSTGRES_FULL_ECS,
    ]));
    r.code(0);
    let out: ChangeOut = r.json();
    assert_eq!(out.image(img::POSTGRES_FULL_ECS).status, "accepted");
    let put = &f.writes()[before];
    assert_eq!(put.body_json()["vault_id"], seed::VAULT_ID);
    assert_eq!(f.member_status(img::POSTGRES_FULL_ECS), "accepted");
}

#[test]
fn f01_a_vault_reaches_the_service_per_image_and_the_dry_run_and_trace_say_where() {
    let f = Fixture::new();
    let dry = run(f.cmd().args([
        "accept",
        "--mode",
        "per-image",
        "--dry-run",
        "-o",
        "plain",
        "--vault-id",
        seed::VAULT_ID,
        img::POSTGRES_FULL_ECS,
        img::UBUNTU,
    ]));
    dry.code(0);
    assert_eq!(
        dry.stdout
            .matches(&format!("\"vault_id\":\"{}\"", seed::VAULT_ID))
            .count(),
        2,
        "both planned PUT bodies carry the vault:\n{}",
        dry.stdout
    );
    let r = run(f.cmd().args([
        "-v",
        "accept",
        "--mode",
        "per-image",
        "--vault-id",
        seed::VAULT_ID,
        img::POSTGRES_FULL_ECS,
    ]));
    r.code(0);
    assert!(
        r.stderr.contains("--vault-id") && r.stderr.contains("member PUT"),
        "{}",
        r.stderr
    );
    assert_eq!(f.writes()[0].body_json()["vault_id"], seed::VAULT_ID);
    assert_eq!(f.member_status(img::POSTGRES_FULL_ECS), "accepted");
}

// 2. A full-ECS image given by id without --vault-id: `vault_required`, as with --all-pending,
//    with at most one extra request per chunk.

#[test]
fn f02_a_full_ecs_image_by_id_without_a_vault_is_vault_required_and_not_sent() {
    let f = Fixture::new();
    let ids = [img::UBUNTU, img::POSTGRES_FULL_ECS, img::RHEL];
    let r = run(f.cmd().args(["accept", "--json"]).args(ids));
    r.code(1);
    let out: ChangeOut = r.json();
    let bad = out.image(img::POSTGRES_FULL_ECS);
    assert_eq!(bad.error.as_ref().unwrap().code, "vault_required");
    assert!(r.stderr.contains("--vault-id"), "the hint: {}", r.stderr);
    let puts = f.writes();
    assert_eq!(puts.len(), 1, "one request, without the full-ECS image");
    assert!(
        !puts[0].body_json()["images"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(img::POSTGRES_FULL_ECS))
    );
}

#[test]
fn f02_without_the_listing_mark_one_extra_request_settles_it() {
    let mut state = seeded();
    state.settings.mark_whole_images = false;
    let f = Fixture::with(state, Knobs::default());
    let ids = [img::UBUNTU, img::POSTGRES_FULL_ECS, img::RHEL, img::WINDOWS];
    let r = run(f.cmd().args(["accept", "--json"]).args(ids));
    r.code(1);
    let out: ChangeOut = r.json();
    assert_eq!(
        out.image(img::POSTGRES_FULL_ECS)
            .error
            .as_ref()
            .unwrap()
            .code,
        "vault_required"
    );
    for id in [img::UBUNTU, img::RHEL, img::WINDOWS] {
        assert_eq!(out.image(id).status, "accepted");
    }
    assert_eq!(f.writes().len(), 2, "the refused chunk, then the rest once");
}

// 3. Per-image mode: a 403 on one image is that image's failure.

#[test]
fn f03_a_403_on_one_image_fails_that_image_and_the_run_goes_on() {
    let f = Fixture::new();
    let r = run(f.cmd().args([
        "accept",
        "--mode",
        "per-image",
        "--json",
        img::OWN_APP,
        img::UBUNTU,
        img::RHEL,
    ]));
    r.code(1);
    let out: ChangeOut = r.json();
    let own = out.image(img::OWN_APP);
    assert_eq!(own.status, "failed");
    assert_eq!(own.error.as_ref().unwrap().code, "forbidden");
    assert_eq!(out.image(img::UBUNTU).status, "accepted");
    assert_eq!(out.image(img::RHEL).status, "accepted");
    // Every image refused: the credentials' fault, exit 3 with the permission hint.
    let only = run(f
        .cmd()
        .args(["accept", "--mode", "per-image", img::OWN_APP]));
    only.code(3);
    assert!(only.stderr.contains("permission"), "{}", only.stderr);
}

// 4. --member-id applies in batch mode: the body's project_id.

#[test]
fn f04_member_id_is_the_batch_body_project_id() {
    let f = Fixture::new();
    let r = run(f.cmd().args(["reject", "--member-id", OTHER, img::UBUNTU]));
    r.code(1); // the emulator refuses another project's membership (IMG.0067)
    let put = &f.writes()[0];
    assert_eq!(put.path, "/v1/cloudimages/members");
    assert_eq!(put.body_json()["project_id"], OTHER);
    assert!(r.stdout.contains("IMG.0067"), "{}", r.stdout);
}

// 5. Resume lines repeat the flags that chose the account, shell-quoted; pasted, they work.

#[test]
fn f05_the_resume_line_resumes_on_the_same_account() {
    let f = Fixture::new();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("my config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.work]\nims_endpoint = \"{}\"\nproject_id = \"{ME}\"\naccess_key = \"{}\"\nsecret_key = \"{}\"\n",
            f.url(),
            seed::ACCESS_KEY,
            seed::SECRET_KEY
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let r = run(f.bare().arg("--config").arg(&config).args([
        "--profile",
        "work",
        "reject",
        "--no-wait",
        img::UBUNTU,
    ]));
    r.code(0);
    let line = r
        .stderr
        .lines()
        .find_map(|l| {
            l.split_once("resume with: ")
                .map(|(_, cmd)| cmd.to_string())
        })
        .unwrap_or_else(|| panic!("no resume line: {}", r.stderr));
    assert!(line.contains("--profile work"), "{line}");
    assert!(
        line.contains("'"),
        "the path with a space is quoted: {line}"
    );
    let words = shell_words::split(&line).unwrap();
    assert_eq!(words[0], "ims-share");
    let resumed = run(f.bare().args(&words[1..]));
    resumed.code(0);
    assert_eq!(f.member_status(img::UBUNTU), "rejected");
}

// 6. `wait -` with empty input is nothing to do.

#[test]
fn f06_wait_with_an_empty_standard_input_is_nothing_to_do() {
    let f = Fixture::new();
    let r = run(f.cmd().args(["wait", "-"]).write_stdin(""));
    r.code(0);
    assert!(r.stdout.is_empty());
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("nothing to wait for"), "{}", r.stderr);
    assert!(f.requests().is_empty());
}

// 7. A chosen profile is not refused for a stale default_profile.

#[test]
fn f07_a_chosen_profile_wins_over_a_missing_default() {
    let f = Fixture::new();
    f.write_config(
        &format!(
            "default_profile = \"gone\"\n[profiles.here]\nims_endpoint = \"{}\"\nproject_id = \"{ME}\"\naccess_key = \"{}\"\nsecret_key = \"{}\"\n",
            f.url(),
            seed::ACCESS_KEY,
            seed::SECRET_KEY
        ),
        0o600,
    );
    let r = run(f
        .bare()
        .args(["--profile", "here", "status", "--member-status", "pending"]));
    r.code(0);
    assert!(
        r.stderr.contains("warning:") && r.stderr.contains("gone"),
        "{}",
        r.stderr
    );
}

// 8. A mistyped job id is `not_found`, in plain output too.

#[test]
fn f08_an_unknown_job_is_not_found_in_plain_output() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .args(["wait", "-o", "plain", "ffffffffffffffffffffffffffffffff"]));
    r.code(1);
    assert_eq!(
        r.stdout.split('\t').nth(1),
        Some("not_found"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("another project") || r.stderr.contains("region"),
        "{}",
        r.stderr
    );
}

// 9. --no-wait prints the summary, also when an image is vault_required.

#[test]
fn f09_no_wait_prints_its_summary() {
    let f = Fixture::new();
    let r = run(f.cmd().args(["accept", "--no-wait", "--all-pending"]));
    r.code(1);
    assert!(r.stderr.contains("accept of 6 images:"), "{}", r.stderr);
    assert!(r.stderr.contains("submitted"), "{}", r.stderr);
}

// 11. wait reports like accept; accept's jobs carry the job's fields.

#[test]
fn f11_wait_shows_each_image_of_its_jobs() {
    let f = Fixture::new();
    let job = run(f
        .cmd()
        .args(["accept", "--no-wait", "-q", img::UBUNTU, img::CENTOS_FAILS]))
    .stdout
    .trim()
    .to_string();
    let r = run(f.cmd().args(["wait", "-o", "plain", &job]));
    r.code(1);
    let rows: Vec<Vec<&str>> = r.stdout.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 2, "{}", r.stdout);
    let ubuntu = rows.iter().find(|r| r[0] == img::UBUNTU).unwrap();
    assert_eq!(ubuntu[1..3], ["accepted", job.as_str()]);
    let centos = rows.iter().find(|r| r[0] == img::CENTOS_FAILS).unwrap();
    assert_eq!(centos[1], "failed");
    assert_eq!(centos[3], "IMG.0046");
    let table = run(f.cmd().args(["wait", "-o", "table", &job]));
    assert!(
        table.stdout.contains("IMAGE") && table.stdout.contains("IMG.0046"),
        "{}",
        table.stdout
    );
    let json = run(f.cmd().args(["wait", "--json", &job]));
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let images = v["jobs"][0]["images"].as_array().unwrap();
    assert!(images.iter().any(|i| i["error"]["code"] == "IMG.0046"));
}

#[test]
fn f11_accept_json_jobs_carry_the_job_fields() {
    let f = Fixture::new();
    let r = run(f.cmd().args(["accept", "--json", img::CENTOS_FAILS]));
    r.code(1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["jobs"][0]["error_code"], "IMG.0046");
    assert!(v["jobs"][0]["end_time"].is_string());
    let jobs = &r.stdout[r.stdout.find("\"jobs\"").unwrap()..];
    let at = |k: &str| jobs.find(&format!("\"{k}\"")).unwrap();
    let order = [
        "job_id",
        "status",
        "error_code",
        "fail_reason",
        "begin_time",
        "end_time",
    ];
    assert!(order.windows(2).all(|w| at(w[0]) < at(w[1])), "{jobs}");
}

// 12. The listing's date column says whose date it is.

#[test]
fn f12_the_status_table_names_the_image_date() {
    let f = Fixture::new();
    let r = run(f.cmd().args(["status", "-o", "table"]));
    r.code(0);
    assert!(r.stdout.contains("IMAGE UPDATED"), "{}", r.stdout);
}

// 13. An empty result says so.

#[test]
fn f13_an_empty_listing_says_so() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .args(["status", "-o", "table", "--name", "no-such-*"]));
    r.code(0);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("no images shared with you named like 'no-such-*'"),
        "{}",
        r.stderr
    );
}

// 14. Error text: no status twice, the host named, identical attempts counted, the 404 hint.

#[test]
fn f14_a_connection_error_names_the_host() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .env("IMS_SHARE_ENDPOINT", "http://127.0.0.1:9")
        .args(["--retries", "1", "status", "--member-status", "pending"]));
    r.code(5);
    assert!(r.stderr.contains("127.0.0.1:9"), "{}", r.stderr);
    assert!(r.stderr.contains("(2 times)"), "{}", r.stderr);
}

#[test]
fn f14_no_status_twice_and_a_404_on_the_batch_put_has_a_hint() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .args(["status", "00000000-0000-4000-8000-000000000000"]));
    r.code(1);
    assert!(!r.stderr.contains("HTTP 404 HTTP 404"), "{}", r.stderr);
    let g = Fixture::new();
    let r = run(g
        .cmd()
        .env("IMS_SHARE_ENDPOINT", format!("{}/nothing-here", g.url()))
        .args(["reject", img::UBUNTU]));
    r.code(1);
    assert!(r.stderr.contains("--mode per-image"), "{}", r.stderr);
}

// 17. --help: global options under their own heading; the server's help without them.

#[test]
fn f17_help_headings() {
    let f = Fixture::new();
    let accept = run(f.bare().args(["accept", "--help"]));
    assert!(
        accept.stdout.contains("Global options:"),
        "{}",
        accept.stdout
    );
    let sandbox = run(f.bare().args(["sandbox", "--help"]));
    assert!(!sandbox.stdout.contains("--profile"), "{}", sandbox.stdout);
    assert!(
        sandbox.stdout.contains("--sandbox-state"),
        "{}",
        sandbox.stdout
    );
}

// 18. status has --owner and --name; a flag of another command says which one.

#[test]
fn f18_status_filters_and_flags_of_other_commands() {
    let f = Fixture::new();
    let r = run(f.cmd().args([
        "status",
        "--json",
        "--owner",
        seed::SECURITY_PROJECT,
        "--name",
        "*",
    ]));
    r.code(0);
    let out: ImagesOut = r.json();
    assert!(!out.images.is_empty());
    assert!(
        out.images
            .iter()
            .all(|i| i.owner.as_deref() == Some(seed::SECURITY_PROJECT))
    );
    let wrong = run(f.cmd().args(["status", "--vault-id", "x"]));
    wrong.code(2);
    assert!(
        wrong.stderr.contains("ims-share accept"),
        "{}",
        wrong.stderr
    );
    assert!(!wrong.stderr.contains("-- --vault-id"), "{}", wrong.stderr);
}

// 19. Words: one image is one image.

#[test]
fn f19_one_image_is_singular() {
    let f = Fixture::new();
    let r = run(f.cmd().args(["accept", img::UBUNTU]));
    r.code(0);
    assert!(
        r.stderr.contains("accept of 1 image: 1 accepted"),
        "{}",
        r.stderr
    );
    let bad = run(f.cmd().args(["accept", "d164b5df-0000"]));
    assert!(bad.stderr.contains("an image id"), "{}", bad.stderr);
}

// 20. Names as well as ids.

#[test]
fn f20_an_image_by_name() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .args(["accept", "--json", "rhel-9.5-golden-2026.11", img::UBUNTU]));
    r.code(0);
    let out: ChangeOut = r.json();
    assert_eq!(out.image(img::RHEL).status, "accepted");
    assert_eq!(out.image(img::UBUNTU).status, "accepted");
    let unknown = run(f.cmd().args(["reject", "ubuntu"]));
    unknown.code(2);
    assert!(
        unknown
            .stderr
            .contains("no image shared with you is named 'ubuntu'"),
        "{}",
        unknown.stderr
    );
    assert!(
        unknown.stderr.contains(img::UBUNTU),
        "the close candidates: {}",
        unknown.stderr
    );
    assert_eq!(all_requests_with_path(&f, "/v1/cloudimages/members"), 1);
    let status = run(f
        .cmd()
        .args(["status", "-o", "plain", "rhel-9.5-golden-2026.11"]));
    status.code(0);
    assert!(status.stdout.starts_with(img::RHEL), "{}", status.stdout);
}

// 21. The JSON keys in the order of PRODUCT.md; the files a release needs.

#[test]
fn f21_json_keys_in_document_order() {
    let f = Fixture::new();
    let r = run(f.cmd().args(["status", "--json", img::UBUNTU]));
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let _ = v;
    let text = r.stdout;
    let at = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
    assert!(at("image_id") < at("member_id") && at("member_id") < at("status"));
    assert!(at("status") < at("created_at") && at("created_at") < at("updated_at"));
}

#[test]
fn f21_release_files() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let license = std::fs::read_to_string(root.join("LICENSE")).unwrap();
    assert!(license.contains("Apache License") && license.contains("Version 2.0"));
    let example = std::fs::read_to_string(root.join("config.example.toml")).unwrap();
    assert!(example.ends_with('\n'));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("cargo install --locked --path ."));
}
