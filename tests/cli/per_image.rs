//! Per-image mode, --all-pending, --dry-run, ids from standard input, plain OpenStack.

use crate::common::*;
use ims_share::emulator::seed::images as img;
use ims_share::emulator::{Knobs, seed};
use std::time::Duration;

const UNKNOWN: &str = "00000000-0000-4000-8000-000000000000";

#[test]
fn per_image_accept_with_one_unknown_image() {
    let f = Fixture::new();
    let r = run(f.cmd().args([
        "accept",
        "--mode",
        "per-image",
        "--json",
        img::UBUNTU,
        UNKNOWN,
        img::RHEL,
    ]));
    r.code(1);
    let out: ChangeOut = r.json();
    for id in [img::UBUNTU, img::RHEL] {
        let i = out.image(id);
        assert_eq!(i.status, "accepted");
        assert_eq!(i.member_id.as_deref(), Some(ME));
        assert!(i.created_at.is_some() && i.updated_at.is_some());
        assert!(i.job_id.is_none());
        assert_eq!(f.member_status(id), "accepted");
    }
    let bad = out.image(UNKNOWN);
    assert_eq!(bad.status, "failed");
    let e = bad.error.as_ref().unwrap();
    assert_eq!(e.code, "HTTP 404");
    assert_eq!(
        e.message,
        format!("Image {UNKNOWN} not found."),
        "the <br /> noise is gone"
    );
    assert!(out.jobs.is_empty());
    let puts = f.writes();
    assert_eq!(puts.len(), 3, "one PUT per image, nothing else written");
    assert!(
        puts.iter()
            .all(|p| p.path.starts_with("/v2/images/")
                && p.path.ends_with(&format!("/members/{ME}")))
    );
    assert_eq!(
        puts[0].body_json(),
        serde_json::json!({"status": "accepted"})
    );
    // One pending listing (to know which images are full-ECS) and the PUTs: no extra
    // request per image.
    let reads: Vec<_> = f
        .requests()
        .into_iter()
        .filter(|q| q.method == "GET")
        .collect();
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(reads[0].path, "/v2/images");
}

#[test]
fn per_image_reject_and_table() {
    let f = Fixture::new();
    let r = run(f.cmd().args([
        "reject",
        "--mode",
        "per-image",
        "-o",
        "table",
        img::UBUNTU,
        img::RHEL,
    ]));
    r.code(0);
    assert!(
        r.stdout.contains("CREATED") && r.stdout.contains("UPDATED"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.ends_with(&format!("member {ME}\n")),
        "one member goes under the table: {}",
        r.stdout
    );
    assert_eq!(r.stdout.matches("rejected").count(), 2);
    assert_eq!(f.member_status(img::RHEL), "rejected");
}

#[test]
fn concurrency_is_bounded() {
    let (state, ids) = many_pending(24);
    let f = Fixture::with(
        state,
        Knobs {
            latency: Some(Duration::from_millis(40)),
            ..Knobs::default()
        },
    );
    let r = run(f
        .cmd()
        .args([
            "accept",
            "--mode",
            "per-image",
            "--concurrency",
            "3",
            "-o",
            "plain",
        ])
        .args(&ids));
    r.code(0);
    assert_eq!(r.stdout.lines().count(), 24);
    let max = f.emu.max_in_flight();
    assert!(max <= 3, "the emulator saw {max} requests at once");
    assert!(max >= 2, "requests did run concurrently ({max})");
}

#[test]
fn no_wait_is_accepted_and_changes_nothing_per_image() {
    // Turn 2: one script works on every cloud; a per-image PUT has no job to wait for.
    let f = Fixture::new();
    let r = run(f.cmd().args([
        "accept",
        "--mode",
        "per-image",
        "--no-wait",
        "-o",
        "plain",
        img::UBUNTU,
    ]));
    r.code(0);
    assert!(
        r.stdout.starts_with(&format!("{}\taccepted", img::UBUNTU)),
        "{}",
        r.stdout
    );
    assert_eq!(f.member_status(img::UBUNTU), "accepted");
}

#[test]
fn member_id_overrides_the_project() {
    let f = Fixture::new();
    let r = run(f.cmd().args([
        "accept",
        "--mode",
        "per-image",
        "--member-id",
        OTHER,
        "--json",
        img::UBUNTU,
    ]));
    r.code(1);
    let out: ChangeOut = r.json();
    assert!(
        out.image(img::UBUNTU)
            .error
            .as_ref()
            .unwrap()
            .message
            .contains("not found in the member list")
    );
    assert!(f.writes()[0].path.ends_with(&format!("/members/{OTHER}")));
}

#[test]
fn all_pending_without_a_vault_skips_the_full_ecs_image() {
    let f = Fixture::new();
    let r = run(f.cmd().args(["accept", "--all-pending", "--json"]));
    r.code(1);
    let out: ChangeOut = r.json();
    assert_eq!(
        out.images.len(),
        6,
        "every pending image, not the one you own"
    );
    let whole = out.image(img::POSTGRES_FULL_ECS);
    assert_eq!(whole.status, "failed");
    assert_eq!(whole.error.as_ref().unwrap().code, "vault_required");
    assert!(whole.job_id.is_none());
    assert_eq!(out.image(img::CENTOS_FAILS).status, "failed");
    for id in [img::UBUNTU, img::RHEL, img::WINDOWS, img::DEBIAN] {
        assert_eq!(out.image(id).status, "accepted");
    }
    assert!(r.stderr.contains("--vault-id"), "{}", r.stderr);
    let bodies: Vec<serde_json::Value> = f.writes().iter().map(|w| w.body_json()).collect();
    assert_eq!(bodies.len(), 1);
    assert!(
        !bodies[0]["images"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(img::POSTGRES_FULL_ECS))
    );
    assert!(bodies[0].get("vault_id").is_none());
}

#[test]
fn all_pending_with_a_vault_sends_it_with_every_accept_request() {
    let f = Fixture::new();
    let r = run(f.cmd().args([
        "accept",
        "--all-pending",
        "--vault-id",
        seed::VAULT_ID,
        "--json",
    ]));
    r.code(1); // the image whose job fails still fails
    let out: ChangeOut = r.json();
    assert_eq!(out.image(img::POSTGRES_FULL_ECS).status, "accepted");
    assert_eq!(f.member_status(img::POSTGRES_FULL_ECS), "accepted");
    // Turn 2: with --vault-id, every accept request carries it (the API documents' examples
    // send it with batches that mix full-ECS and ordinary images).
    let writes = f.writes();
    assert_eq!(writes.len(), 1);
    let body = writes[0].body_json();
    assert_eq!(body["images"].as_array().unwrap().len(), 6);
    assert_eq!(body["vault_id"], seed::VAULT_ID);
}

#[test]
fn all_pending_per_image_with_owner_and_name_filters() {
    let f = Fixture::new();
    let r = run(f.cmd().args([
        "accept",
        "--all-pending",
        "--mode",
        "per-image",
        "--owner",
        OTHER,
        "--name",
        "*-2026.11",
        "--json",
    ]));
    r.code(1); // the full-ECS image needs a vault
    let out: ChangeOut = r.json();
    let mut ids: Vec<&str> = out.images.iter().map(|i| i.image_id.as_str()).collect();
    ids.sort();
    let mut want = vec![img::UBUNTU, img::RHEL, img::WINDOWS, img::POSTGRES_FULL_ECS];
    want.sort();
    assert_eq!(
        ids, want,
        "the Debian image belongs to another owner, CentOS does not match"
    );
    assert_eq!(
        out.image(img::POSTGRES_FULL_ECS)
            .error
            .as_ref()
            .unwrap()
            .code,
        "vault_required"
    );
}

#[test]
fn nothing_pending_is_nothing_to_do() {
    let (state, _) = many_pending(0);
    let f = Fixture::with(state, Knobs::default());
    let r = run(f.cmd().args(["accept", "--all-pending", "--json"]));
    r.code(0);
    assert!(r.stderr.contains("nothing to accept"), "{}", r.stderr);
    let out: ChangeOut = r.json();
    assert!(out.images.is_empty());
    assert!(f.writes().is_empty());
}

#[test]
fn dry_run_resolves_and_sends_no_write() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .args(["accept", "--all-pending", "--dry-run", "--json"]));
    r.code(0);
    let v: serde_json::Value = r.json();
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["requests"][0]["method"], "PUT");
    assert_eq!(
        v["requests"][0]["url"],
        format!("{}/v1/cloudimages/members", f.url())
    );
    assert_eq!(v["requests"][0]["body"]["status"], "accepted");
    assert_eq!(v["images"].as_array().unwrap().len(), 6);
    assert!(f.writes().is_empty(), "a dry run sends no write");
    assert!(!r.stdout.contains(seed::SECRET_KEY) && !r.stdout.contains("Signature"));
    let per = run(f.cmd().args([
        "reject",
        "--mode",
        "per-image",
        "--dry-run",
        "-o",
        "plain",
        img::UBUNTU,
    ]));
    per.code(0);
    assert!(
        per.stdout.starts_with(&format!(
            "PUT\t{}/v2/images/{}/members/{ME}\t{{\"status\":\"rejected\"}}",
            f.url(),
            img::UBUNTU
        )),
        "{}",
        per.stdout
    );
    assert!(f.writes().is_empty());
}

#[test]
fn ids_from_standard_input() {
    let f = Fixture::new();
    let input = format!(
        "# from a file\n{} {}\n\n  {}  # trailing comment\n",
        img::UBUNTU,
        img::RHEL,
        img::WINDOWS
    );
    let r = run(f.cmd().args(["accept", "-", "--json"]).write_stdin(input));
    r.code(0);
    let out: ChangeOut = r.json();
    assert_eq!(out.images.len(), 3);
    let empty = run(f.cmd().args(["accept", "-"]).write_stdin("\n# nothing\n"));
    empty.code(0);
    assert!(
        empty.stderr.contains("nothing to accept"),
        "{}",
        empty.stderr
    );
}

#[test]
fn the_jq_pipeline_accepts_what_is_pending() {
    let f = Fixture::new();
    let bin = env!("CARGO_BIN_EXE_ims-share");
    let script = format!(
        "'{bin}' status -o json | jq -r '.images[] | select(.member_status==\"pending\") | select(.whole_image|not) | .image_id' | '{bin}' accept - -o json"
    );
    let out = f
        .process("sh")
        .arg("-c")
        .arg(&script)
        .output()
        .expect("sh runs (jq must be installed: .ci/run installs it)");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: ChangeOut = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc.images.len(), 5);
    assert_eq!(
        doc.images.iter().filter(|i| i.status == "accepted").count(),
        4
    );
    assert_eq!(f.member_status(img::DEBIAN), "accepted");
}

#[test]
fn an_openstack_profile_is_per_image_and_sends_only_glance_parameters() {
    let f = Fixture::new();
    let dir = f.path(".config/ims-share");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[profiles.devstack]\ncloud = \"openstack\"\nims_endpoint = \"{}\"\nproject_id = \"{ME}\"\ntoken = \"{}\"\n",
            f.url(),
            seed::TOKEN
        ),
    )
    .unwrap();
    let r = run(f
        .bare()
        .args(["--profile", "devstack", "accept", "--all-pending", "--json"]));
    r.code(1);
    assert!(
        f.writes().iter().all(|w| w.path.starts_with("/v2/images/")),
        "per-image is the default"
    );
    for q in f
        .requests()
        .iter()
        .filter(|q| q.method == "GET" && q.path == "/v2/images")
    {
        for pair in q.raw_query.split('&') {
            let key = pair.split('=').next().unwrap();
            assert!(
                ["visibility", "member_status", "limit", "marker"].contains(&key),
                "sent {key}"
            );
        }
    }
    let r = run(f.bare().args([
        "--profile",
        "devstack",
        "accept",
        "--mode",
        "batch",
        img::UBUNTU,
    ]));
    r.code(2);
}
