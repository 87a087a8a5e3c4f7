//! Policy sync (issue 15): the policy checked before any request, the plan in every format,
//! apply across targets, a second run that changes nothing, `--check`, vaults for full-ECS
//! images, `--include-decided`.

use crate::common::*;
use ims_share::emulator::seed::{self, images as img};
use serde_json::Value;

const OWNERS: &str = r#"
[owners]
"9c1d7e3f5a2b4c6d8e0f1a3b5c7d9e1f" = "platform-team"
"2b7e4d9a1c3f5e8b0a6d2c4e6f8a0b1c" = "security-team"
"e8f0a2c4b6d8e0f2a4c6b8d0e2f4a6c8" = "vendor-x"
"#;

/// The repository's example policy (the README's tour uses it).
fn example_policy() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/policy.toml"),
    )
    .unwrap()
}

fn write_policy(f: &Fixture, text: &str) -> String {
    let path = f.path("policy.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn sync(f: &Fixture, policy: &str, more: &[&str]) -> Run {
    run(f.cmd().args(["sync", "--policy", policy]).args(more))
}

/// Every project of the account, both regions: IAM is the emulator.
fn everywhere(f: &Fixture, policy: &str, more: &[&str]) -> Run {
    let url = f.url();
    run(f
        .cmd()
        .args([
            "--iam-endpoint",
            &url,
            "--region",
            "eu-de,eu-nl",
            "--all-projects",
            "sync",
            "--policy",
            policy,
        ])
        .args(more))
}

#[test]
fn an_invalid_policy_is_exit_2_naming_the_file_and_line_before_any_request() {
    let f = Fixture::new();
    let rule = |body: &str| format!("{OWNERS}\n[policy]\n\n[[policy.rule]]\n{body}\n");
    let cases = [
        (
            rule("action = \"accept\"\ncolour = \"red\""),
            "unknown field",
        ),
        (rule("owner = \"platform-team\""), "no action"),
        (rule(""), "the rule is empty"),
        (
            rule("owner = \"factory\"\naction = \"accept\""),
            "'factory' is neither a project id nor a name of [owners]",
        ),
        (
            rule(
                "action = \"reject\"\n\n[[policy.rule]]\nowner = \"vendor-x\"\naction = \"accept\"",
            ),
            "it can never match: rule 1 before it matches every image",
        ),
        (rule("name = \"[\"\naction = \"accept\""), "name = '['"),
        (
            rule(
                "name = \"*\"\naction = \"accept\"\n\n[[policy.rule]]\nname = \"x*\"\naction = \"reject\"",
            ),
            "it can never match: rule 1 before it matches every image",
        ),
        (
            rule("older_than = \"3\"\naction = \"accept\""),
            "older_than",
        ),
        (
            format!("{OWNERS}\n[policy]\ndefault = \"maybe\"\n"),
            "default = 'maybe' is not accept, reject or ignore",
        ),
    ];
    for (text, says) in cases {
        let path = write_policy(&f, &text);
        let r = sync(&f, &path, &[]);
        r.code(2);
        assert!(r.stderr.contains(says), "{says:?} in {}", r.stderr);
        assert!(r.stderr.contains(&path), "the file is named: {}", r.stderr);
        assert!(
            r.stderr.contains("line "),
            "the line is named: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
    // No policy at all.
    let r = run(f.cmd().args(["sync"]));
    r.code(2);
    assert!(r.stderr.contains("sync needs a policy"), "{}", r.stderr);
    assert!(f.requests().is_empty());
}

#[test]
fn the_plan_in_three_formats_sends_nothing() {
    let f = Fixture::new();
    let path = write_policy(&f, &example_policy());
    let plain = sync(&f, &path, &["--dry-run"]);
    plain.code(0);
    let rows: Vec<Vec<&str>> = plain
        .stdout
        .lines()
        .map(|l| l.split('\t').collect())
        .collect();
    // image_id name owner member_status rule action
    let row = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().clone();
    assert_eq!(row(img::POSTGRES_FULL_ECS)[4..], ["2", "accept"]);
    assert_eq!(row(img::UBUNTU)[4..], ["3", "accept"]);
    assert_eq!(row(img::CENTOS_FAILS)[4..], ["1", "ignore"]);
    assert!(
        plain.stderr.contains("5 changes to make (nothing sent)"),
        "{}",
        plain.stderr
    );

    let json: Value =
        serde_json::from_str(&sync(&f, &path, &["--dry-run", "--json"]).stdout).unwrap();
    assert_eq!(json["dry_run"], true);
    let ubuntu = json["images"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["image_id"] == img::UBUNTU)
        .unwrap();
    assert_eq!(ubuntu["rule"], "3");
    assert_eq!(ubuntu["label"], "images of our own teams");
    assert_eq!(ubuntu["action"], "accept");
    assert_eq!(ubuntu["change"], true);

    let table = run(f.cmd().env("COLUMNS", "200").args([
        "sync",
        "--policy",
        &path,
        "--dry-run",
        "-o",
        "table",
    ]));
    table.code(0);
    let header = table.stdout.lines().next().unwrap();
    for col in ["IMAGE", "NAME", "OWNER", "STATUS", "RULE", "ACTION"] {
        assert!(header.contains(col), "{header}");
    }
    assert!(
        table.stdout.contains("rule 3: images of our own teams"),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("platform-team (9c1d7e3f)"),
        "owners by name: {}",
        table.stdout
    );
    assert!(f.writes().is_empty(), "a plan sends no write");
}

#[test]
fn apply_across_targets_then_a_second_run_is_in_sync() {
    let f = Fixture::new();
    let path = write_policy(&f, &example_policy());
    let first = everywhere(&f, &path, &["-o", "json"]);
    first.code(0);
    let doc: Value = serde_json::from_str(&first.stdout).unwrap();
    let targets = doc["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 3);
    // The vendor's image is rejected wherever it was shared; our teams' images accepted.
    for project in [seed::PAYMENTS_PROJECT, seed::NL_PROJECT] {
        let status = |image: &str| {
            f.emu.with_state(|s| {
                s.member(image, project)
                    .map(|m| m.status.clone())
                    .unwrap_or_default()
            })
        };
        assert_eq!(status(img::VENDOR_TURBO), "rejected", "{project}");
        assert_eq!(status(img::UBUNTU), "accepted", "{project}");
    }
    let payments = targets
        .iter()
        .find(|t| t["target"]["project_id"] == seed::PAYMENTS_PROJECT)
        .unwrap();
    let vendor = payments["images"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["image_id"] == img::VENDOR_TURBO)
        .unwrap();
    assert_eq!(vendor["status"], "rejected");
    assert_eq!(vendor["action"], "reject");
    assert_eq!(vendor["rule"], "4");
    assert!(vendor["job_id"].is_string());
    assert!(first.stderr.contains("sync: "), "{}", first.stderr);

    let writes = f.writes().len();
    let second = everywhere(&f, &path, &[]);
    second.code(0);
    assert_eq!(f.writes().len(), writes, "a second run sends no change");
    assert_eq!(
        second.stderr.matches("in sync").count(),
        3,
        "{}",
        second.stderr
    );
}

#[test]
fn check_exits_6_while_changes_are_due_and_0_once_in_sync() {
    let f = Fixture::new();
    let path = write_policy(&f, &example_policy());
    sync(&f, &path, &["--check"]).code(6);
    assert!(f.writes().is_empty());
    sync(&f, &path, &[]).code(0);
    let r = sync(&f, &path, &["--check"]);
    r.code(0);
    assert!(r.stderr.contains("in sync"), "{}", r.stderr);
}

#[test]
fn a_full_ecs_image_goes_into_the_rules_vault_or_fails_without_one() {
    let with_vault = format!(
        "{OWNERS}\n[policy]\n[[policy.rule]]\nname = \"postgres-*\"\naction = \"accept\"\nvault_id = \"{}\"\n",
        seed::VAULT_ID
    );
    let f = Fixture::new();
    let path = write_policy(&f, &with_vault);
    sync(&f, &path, &[]).code(0);
    assert_eq!(f.member_status(img::POSTGRES_FULL_ECS), "accepted");
    assert!(
        f.writes()
            .iter()
            .any(|w| w.body_json()["vault_id"] == seed::VAULT_ID),
        "the rule's vault went with the request"
    );

    let without = format!(
        "{OWNERS}\n[policy]\n[[policy.rule]]\nname = \"postgres-*\"\naction = \"accept\"\n"
    );
    let f = Fixture::new();
    let path = write_policy(&f, &without);
    let r = sync(&f, &path, &["--json"]);
    r.code(1);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let row = &doc["images"][0];
    assert_eq!(row["image_id"], img::POSTGRES_FULL_ECS);
    assert_eq!(row["status"], "failed");
    assert_eq!(row["error"]["code"], "vault_required");
    assert_eq!(f.member_status(img::POSTGRES_FULL_ECS), "pending");
}

#[test]
fn include_decided_reapplies_the_policy_to_accepted_images() {
    let f = Fixture::new();
    // The platform team is no longer trusted.
    let path = write_policy(
        &f,
        &format!(
            "{OWNERS}\n[policy]\n[[policy.rule]]\nowner = \"platform-team\"\naction = \"reject\"\n"
        ),
    );
    sync(&f, &path, &[]).code(1); // the legacy image's job fails
    assert_eq!(
        f.member_status(img::NGINX_ACCEPTED),
        "accepted",
        "left alone"
    );
    let r = sync(&f, &path, &["--include-decided", "-o", "plain"]);
    assert_eq!(f.member_status(img::NGINX_ACCEPTED), "rejected");
    let nginx = r
        .stdout
        .lines()
        .find(|l| l.starts_with(img::NGINX_ACCEPTED))
        .unwrap();
    assert!(nginx.contains("\trejected\t"), "{nginx}");
    assert!(nginx.ends_with("\treject\t1"), "{nginx}");
}

#[test]
fn the_example_config_file_is_valid_policy_and_all() {
    let f = Fixture::new();
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let r = run(f
        .cmd()
        .args(["--config", example.to_str().unwrap(), "sync", "--dry-run"]));
    r.code(0);
    assert!(r.stdout.lines().count() >= 6, "{}", r.stdout);
    assert!(f.writes().is_empty());
}
