//! Files people already have: OpenStack's clouds.yaml and KooCLI's config.json; and output that
//! stays clean when piped.

use crate::common::*;
use ims_share::emulator::seed::images as img;
use ims_share::emulator::{Knobs, seed};

#[test]
fn a_clouds_yaml_entry_accepts_an_image() {
    let f = Fixture::with(lab_account(), Knobs::default());
    let dir = f.path(".config/openstack");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("clouds.yaml"),
        format!(
            "clouds:\n  lab:\n    auth:\n      auth_url: {}/v3\n      username: {}\n      project_name: lab-1\n      user_domain_name: {}\n    region_name: lab-1\n",
            f.url(),
            seed::USERNAME,
            seed::DOMAIN
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("secure.yaml"),
        format!(
            "clouds:\n  lab:\n    auth:\n      password: {}\n",
            seed::PASSWORD
        ),
    )
    .unwrap();
    let r = run(f
        .bare()
        .args(["--os-cloud", "lab", "accept", "--json", img::UBUNTU]));
    r.code(0);
    assert_eq!(f.member_status(img::UBUNTU), "accepted");
    let puts = f.writes();
    assert!(
        puts.iter()
            .any(|w| w.path == format!("/v2/images/{}/members/{ME}", img::UBUNTU)),
        "a plain OpenStack cloud goes per image"
    );
    // OS_CLOUD chooses it too.
    run(f
        .bare()
        .env("OS_CLOUD", "lab")
        .args(["status", "--member-status", "accepted"]))
    .code(0);
    let r = run(f.bare().args(["--os-cloud", "nope", "status"]));
    r.code(2);
    assert!(r.stderr.contains("clouds there: lab"), "{}", r.stderr);
}

#[test]
fn a_koocli_profile_accepts_an_image() {
    let f = Fixture::new();
    let dir = f.path(".hcloud");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.json"),
        serde_json::json!({
            "current": "default",
            "profiles": [
                {"name": "default", "mode": "AKSK", "accessKeyId": "WRONG", "secretAccessKey": "WRONG"},
                {"name": "emu", "mode": "AKSK", "accessKeyId": seed::ACCESS_KEY, "secretAccessKey": seed::SECRET_KEY,
                 "region": "cn-north-4", "projectId": ME}
            ]
        })
        .to_string(),
    )
    .unwrap();
    let r = run(f.bare().env("IMS_SHARE_ENDPOINT", f.url()).args([
        "--hcloud-profile",
        "emu",
        "accept",
        "--json",
        img::RHEL,
    ]));
    r.code(0);
    assert_eq!(f.member_status(img::RHEL), "accepted");
    assert_eq!(
        f.writes()[0].path,
        "/v1/cloudimages/members",
        "Huawei Cloud means batch"
    );
    let encrypted = f.path(".hcloud/config.json");
    std::fs::write(
        &encrypted,
        "{\"authEncrypt\": \"true\", \"profiles\": [{\"name\": \"emu\", \"accessKeyId\": \"x\"}]}",
    )
    .unwrap();
    let r = run(f.bare().args(["--hcloud-profile", "emu", "status"]));
    r.code(2);
    assert!(
        r.stderr.contains("is encrypted") && r.stderr.contains("--cli-auth-encrypt=false"),
        "{}",
        r.stderr
    );
}

#[test]
fn terraform_style_variables_work() {
    let f = Fixture::new();
    let r = run(f
        .bare()
        .env("IMS_SHARE_ENDPOINT", f.url())
        .env("HW_ACCESS_KEY", seed::ACCESS_KEY)
        .env("HW_SECRET_KEY", seed::SECRET_KEY)
        .env("HW_PROJECT_ID", ME)
        .args(["accept", img::WINDOWS]));
    r.code(0);
}

/// Every command's piped output holds no escape sequence, in every format.
#[test]
fn piped_output_has_no_escape_sequences() {
    let f = Fixture::new();
    let job = run(f
        .cmd()
        .args(["accept", "--no-wait", "-o", "plain", img::DEBIAN]))
    .stdout
    .trim()
    .to_string();
    let runs: Vec<Vec<&str>> = vec![
        vec!["status"],
        vec!["status", img::UBUNTU],
        vec!["status", "--job", &job],
        vec!["wait", &job],
        vec!["accept", img::UBUNTU],
        vec!["reject", "--mode", "per-image", img::RHEL],
        vec!["accept", "--all-pending", "--dry-run"],
        vec!["accept", "--all-pending"],
        vec!["accept", "bogus"],
        vec!["--help"],
        vec!["accept", "--help"],
    ];
    for args in runs {
        for format in ["table", "plain", "json"] {
            let r = run(f.cmd().args(["-o", format]).args(&args));
            for (name, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
                assert!(
                    !text.contains('\u{1b}'),
                    "{args:?} -o {format}: escape in {name}:\n{text}"
                );
                assert!(
                    !text.contains('\r'),
                    "{args:?} -o {format}: carriage return in {name}"
                );
            }
        }
    }
}
