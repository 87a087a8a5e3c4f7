//! Deciding with the facts (issue 16): `status --long` from the listing already fetched, and
//! owners by name from the config's `[owners]`.

use crate::common::*;
use ims_share::emulator::seed::{self, images as img};

const OWNERS: &str = r#"
[owners]
"9c1d7e3f5a2b4c6d8e0f1a3b5c7d9e1f" = "platform-team"
"2b7e4d9a1c3f5e8b0a6d2c4e6f8a0b1c" = "security"
"#;

fn listings(f: &Fixture) -> usize {
    f.requests()
        .iter()
        .filter(|q| q.path == "/v2/images")
        .count()
}

#[test]
fn long_plain_rows_carry_the_facts_and_leave_what_the_service_did_not_say_empty() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .args(["status", "--long", "--member-status", "pending"]));
    r.code(0);
    let rows: Vec<Vec<&str>> = r.stdout.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 6, "{}", r.stdout);
    for row in &rows {
        assert_eq!(row.len(), 13, "{row:?}");
    }
    let row = |id: &str| rows.iter().find(|r| r[0] == id).unwrap().clone();
    // image_id name owner member_status updated_at size_bytes disk_format os min_disk_gb
    // min_ram_mb created_at full_ecs owner_name
    let win = row(img::WINDOWS);
    assert_eq!(win[5], (14u64 * (1 << 30) + 205 * (1 << 20)).to_string());
    assert_eq!(
        &win[6..10],
        ["zvhd2", "Windows Server 2022 Standard 64bit", "60", "4096"]
    );
    assert_eq!(win[11], "false");
    assert_eq!(row(img::POSTGRES_FULL_ECS)[11], "true");
    // Debian's image has no size and no disk format yet: empty, not made up.
    let deb = row(img::DEBIAN);
    assert_eq!((deb[5], deb[6]), ("", ""));
    assert_eq!(deb[7], "Debian GNU/Linux 12 64bit");
    // No [owners]: no owner name.
    assert_eq!(deb[12], "");
    // Everything came from the pending listing: one request, none per image.
    assert_eq!(listings(&f), 1);
    assert_eq!(f.requests().len(), 1, "{:?}", f.requests());
}

#[test]
fn long_json_is_the_json_status_always_writes_with_nulls_for_the_absent() {
    let f = Fixture::new();
    let long: serde_json::Value = run(f.cmd().args(["status", "--long", "--json"]))
        .code(0)
        .json();
    let short: serde_json::Value = run(f.cmd().args(["status", "--json"])).code(0).json();
    assert_eq!(long, short, "--long changes no JSON");
    let images = long["images"].as_array().unwrap();
    let deb = images
        .iter()
        .find(|i| i["image_id"] == img::DEBIAN)
        .unwrap();
    assert_eq!(deb["size_bytes"], serde_json::Value::Null);
    assert_eq!(deb["disk_format"], serde_json::Value::Null);
    assert_eq!(deb["os"], "Debian GNU/Linux 12 64bit");
    assert_eq!(deb["min_disk_gb"], 20);
    assert_eq!(deb["owner_name"], serde_json::Value::Null);
    let pg = images
        .iter()
        .find(|i| i["image_id"] == img::POSTGRES_FULL_ECS)
        .unwrap();
    assert_eq!(pg["full_ecs"], true);
    assert_eq!(pg["size_bytes"], 38u64 << 30);
    // The keys in the order PRODUCT.md writes them: look at the text, not a parsed map.
    let text = run(f
        .cmd()
        .args(["status", "--json", img::POSTGRES_FULL_ECS, "--long"]))
    .code(0)
    .stdout
    .clone();
    let at = |key: &str| {
        text.find(&format!("\"{key}\":"))
            .unwrap_or_else(|| panic!("{key} in {text}"))
    };
    let order = [
        "image_id",
        "name",
        "owner",
        "member_status",
        "updated_at",
        "size_bytes",
        "disk_format",
        "os",
        "min_disk_gb",
        "min_ram_mb",
        "created_at",
        "full_ecs",
        "owner_name",
    ];
    for pair in order.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{pair:?} in {text}");
    }
}

#[test]
fn long_table_has_the_columns_when_wide_and_a_record_per_image_when_not() {
    let f = Fixture::new();
    let wide = run(f.cmd().env("COLUMNS", "200").args([
        "status",
        "--long",
        "-o",
        "table",
        "--member-status",
        "pending",
    ]));
    wide.code(0);
    let header = wide.stdout.lines().next().unwrap();
    for col in ["SIZE", "FORMAT", "OS", "MIN DISK", "MIN RAM", "CREATED"] {
        assert!(header.contains(col), "{header}");
    }
    let win = wide
        .stdout
        .lines()
        .find(|l| l.contains(img::WINDOWS))
        .unwrap();
    assert!(win.contains("14.2 GiB") && win.contains("60 GB") && win.contains("4096 MB"));
    let deb = wide
        .stdout
        .lines()
        .find(|l| l.contains(img::DEBIAN))
        .unwrap();
    assert!(deb.contains(" -  "), "absent size shown as -: {deb}");
    for line in wide.stdout.lines() {
        assert!(line.chars().count() <= 200, "{line}");
    }

    let narrow = run(f.cmd().env("COLUMNS", "100").args([
        "status",
        "--long",
        "-o",
        "table",
        "--member-status",
        "pending",
    ]));
    narrow.code(0);
    for line in narrow.stdout.lines() {
        assert!(line.chars().count() <= 100, "{line}");
    }
    let blocks: Vec<&str> = narrow.stdout.split("\n\n").collect();
    assert_eq!(blocks.len(), 6, "{}", narrow.stdout);
    let deb = blocks.iter().find(|b| b.starts_with(img::DEBIAN)).unwrap();
    assert!(deb.contains("MIN DISK       20 GB"), "{deb}");
    assert!(
        !deb.contains("SIZE"),
        "no size line for an image without one: {deb}"
    );
    let win = blocks.iter().find(|b| b.starts_with(img::WINDOWS)).unwrap();
    assert!(win.contains("SIZE           14.2 GiB"), "{win}");
}

#[test]
fn long_for_given_images_by_id_or_name_in_their_order() {
    let f = Fixture::new();
    let r = run(f.cmd().args([
        "status",
        "--long",
        "debian-12-cis-level1-2026.11",
        img::NGINX_ACCEPTED,
    ]));
    r.code(0);
    let ids: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(ids, [img::DEBIAN, img::NGINX_ACCEPTED]);
    assert_eq!(r.stdout.lines().next().unwrap().split('\t').count(), 13);
    // No member GET per image: the listings had it all.
    assert!(f.requests().iter().all(|q| q.path == "/v2/images"));
}

#[test]
fn long_for_an_image_no_listing_holds_says_so_and_exits_1() {
    let f = Fixture::new();
    let stranger = "00000000-0000-4000-8000-000000000001";
    let r = run(f.cmd().args(["status", "--long", img::UBUNTU, stranger]));
    r.code(1);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    assert!(r.stdout.starts_with(img::UBUNTU));
    assert!(
        r.stderr
            .contains(&format!("image {stranger}: not shared with you")),
        "{}",
        r.stderr
    );
}

#[test]
fn long_with_job_is_a_usage_error() {
    let f = Fixture::new();
    let r = run(f.cmd().args([
        "status",
        "--long",
        "--job",
        "ff8080814dbd65d7014dbe0d84db0013",
    ]));
    r.code(2);
    assert!(r.stderr.contains("--long"), "{}", r.stderr);
    assert!(f.requests().is_empty());
}

#[test]
fn owners_are_shown_by_name_and_accepted_by_name() {
    let f = Fixture::new();
    f.write_config(OWNERS, 0o600);
    let table = run(f
        .cmd()
        .env("COLUMNS", "160")
        .args(["status", "-o", "table"]));
    table.code(0);
    let deb = table
        .stdout
        .lines()
        .find(|l| l.contains(img::DEBIAN))
        .unwrap();
    assert!(deb.contains("security (2b7e4d9a)"), "{}", table.stdout);

    let json: serde_json::Value = run(f.cmd().args(["status", "--json"])).code(0).json();
    for i in json["images"].as_array().unwrap() {
        let want = if i["owner"] == seed::SECURITY_PROJECT {
            "security"
        } else {
            "platform-team"
        };
        assert_eq!(i["owner_name"], want, "{i}");
    }

    let by_name = run(f.cmd().args(["status", "--owner", "security"]));
    by_name.code(0);
    let ids: Vec<&str> = by_name
        .stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(ids, [img::DEBIAN, img::TEST_REJECTED]);

    let accept = run(f
        .cmd()
        .args(["accept", "--all-pending", "--owner", "security", "--json"]));
    accept.code(0);
    let out: ChangeOut = accept.json();
    assert_eq!(out.images.len(), 1);
    assert_eq!(out.image(img::DEBIAN).status, "accepted");
}

#[test]
fn an_unknown_owner_name_is_exit_2_listing_the_known_ones_before_any_request() {
    let f = Fixture::new();
    f.write_config(OWNERS, 0o600);
    for args in [
        &["status", "--owner", "secu"][..],
        &["accept", "--all-pending", "--owner", "secu"][..],
    ] {
        let r = run(f.cmd().args(args));
        r.code(2);
        assert!(r.stdout.is_empty());
        assert!(r.stderr.contains("'secu'"), "{}", r.stderr);
        assert!(
            r.stderr.contains(
                "known owners: platform-team (9c1d7e3f5a2b4c6d8e0f1a3b5c7d9e1f), security (2b7e4d9a1c3f5e8b0a6d2c4e6f8a0b1c)"
            ),
            "{}",
            r.stderr
        );
    }
    assert!(f.requests().is_empty());
}

#[test]
fn a_broken_owners_table_is_exit_2_naming_the_file() {
    let f = Fixture::new();
    for (text, says) in [
        (
            "[owners]\n\"factory\" = \"image-factory\"\n",
            "'factory' is not a project id",
        ),
        (
            "[owners]\n\"9c1d7e3f5a2b4c6d8e0f1a3b5c7d9e1f\" = \"a\"\n\"2b7e4d9a1c3f5e8b0a6d2c4e6f8a0b1c\" = \"a\"\n",
            "'a' names both",
        ),
        (
            "[owners]\n\"9c1d7e3f5a2b4c6d8e0f1a3b5c7d9e1f\" = 7\n",
            "expected a string",
        ),
    ] {
        let path = f.write_config(text, 0o600);
        let r = run(f.cmd().args(["status"]));
        r.code(2);
        assert!(r.stderr.contains(says), "{text}: {}", r.stderr);
        assert!(
            r.stderr.contains(&path.display().to_string()),
            "{text}: {}",
            r.stderr
        );
    }
    assert!(f.requests().is_empty());
}

#[test]
fn an_owners_key_in_upper_case_names_the_project_all_the_same() {
    let f = Fixture::new();
    f.write_config(
        "[owners]\n\"2B7E4D9A1C3F5E8B0A6D2C4E6F8A0B1C\" = \"security\"\n",
        0o600,
    );
    let r = run(f.cmd().args(["status", "--owner", "security"]));
    r.code(0);
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
}

#[test]
fn an_empty_dash_is_nothing_to_show_not_every_image() {
    let f = Fixture::new();
    for args in [
        &["status", "--long", "-", "-o", "json"][..],
        &["status", "-", "-o", "json"][..],
        &["status", "--job", "-", "-o", "json"][..],
    ] {
        let r = run(f.cmd().args(args).write_stdin(""));
        r.code(0);
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let list = doc
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(|v| v.as_array())
            .unwrap_or_else(|| panic!("{args:?}: {}", r.stdout));
        assert!(list.is_empty(), "{args:?}: {}", r.stdout);
        assert!(
            r.stderr.contains("nothing to show"),
            "{args:?}: {}",
            r.stderr
        );
    }
    assert_eq!(listings(&f), 0, "nothing was asked of the service");
}
