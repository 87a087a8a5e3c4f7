//! The sandbox as a product: `--sandbox` with its persisted account, and `ims-share sandbox`
//! with its fault knobs.

use crate::common::*;
use ims_share::emulator::seed;
use ims_share::emulator::seed::images as img;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn sandboxed(f: &Fixture, state: &std::path::Path) -> assert_cmd::Command {
    let mut cmd = f.bare();
    cmd.arg("--sandbox").arg("--sandbox-state").arg(state);
    cmd
}

#[test]
fn two_invocations_share_the_account() {
    let f = Fixture::new();
    let state = f.path("state/sandbox.json");
    let before = run(sandboxed(&f, &state).args(["status", "--json"]));
    before.code(0);
    let listed: ImagesOut = before.json();
    assert_eq!(
        listed
            .images
            .iter()
            .filter(|i| i.member_status == "pending")
            .count(),
        6
    );
    run(sandboxed(&f, &state).args(["accept", img::UBUNTU])).code(0);
    let after: ImagesOut = run(sandboxed(&f, &state).args(["status", "--json"])).json();
    let ubuntu = after
        .images
        .iter()
        .find(|i| i.image_id == img::UBUNTU)
        .unwrap();
    assert_eq!(ubuntu.member_status, "accepted");
}

#[test]
fn the_default_state_lives_in_the_data_directory_and_reset_restores_it() {
    let f = Fixture::new();
    run(f.bare().args(["--sandbox", "reject", img::RHEL])).code(0);
    let state = f.path(".local/share/ims-share/sandbox.json");
    assert!(state.exists(), "{}", state.display());
    let r = run(f.bare().args(["sandbox", "--reset"]));
    r.code(0);
    let listed: ImagesOut = run(f.bare().args(["--sandbox", "status", "--json"])).json();
    let rhel = listed
        .images
        .iter()
        .find(|i| i.image_id == img::RHEL)
        .unwrap();
    assert_eq!(rhel.member_status, "pending");
}

#[test]
fn no_wait_then_wait_in_a_new_process() {
    let f = Fixture::new();
    let state = f.path("s.json");
    let r = run(sandboxed(&f, &state).args(["accept", "--no-wait", "-o", "plain", img::WINDOWS]));
    r.code(0);
    let job = r.stdout.trim().to_string();
    assert!(is_job_id(&job));
    let w = run(sandboxed(&f, &state).args(["wait", "--json", &job]));
    w.code(0);
    assert_eq!(w.json::<JobsOut>().jobs[0].status, "success");
}

#[test]
fn concurrent_invocations_do_not_corrupt_the_state() {
    let f = Fixture::new();
    let state = f.path("shared.json");
    run(sandboxed(&f, &state).args(["status"])).code(0);
    let spawn = |args: &[&str]| -> Child {
        Command::new(env!("CARGO_BIN_EXE_ims-share"))
            .arg("--sandbox")
            .arg("--sandbox-state")
            .arg(&state)
            .args(args)
            .env_clear()
            .env("HOME", f.home())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children = vec![
        spawn(&["accept", "--mode", "per-image", img::UBUNTU, img::RHEL]),
        spawn(&["reject", "--mode", "per-image", img::WINDOWS, img::DEBIAN]),
        spawn(&["accept", img::NGINX_ACCEPTED]),
        spawn(&["status"]),
    ];
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = std::fs::read_to_string(&state).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).expect("the state file is whole JSON");
    let listed: ImagesOut = run(sandboxed(&f, &state).args(["status", "--json"])).json();
    let status = |id: &str| {
        listed
            .images
            .iter()
            .find(|i| i.image_id == id)
            .unwrap()
            .member_status
            .clone()
    };
    assert_eq!(status(img::UBUNTU), "accepted");
    assert_eq!(status(img::RHEL), "accepted");
    assert_eq!(status(img::WINDOWS), "rejected");
    assert_eq!(status(img::DEBIAN), "rejected");
}

#[test]
fn a_torn_state_file_is_reported_with_the_fix() {
    let f = Fixture::new();
    let state = f.path("torn.json");
    std::fs::write(
        &state,
        "{\"version\": 1, \"region\": \"eu-de\", \"projects\": [",
    )
    .unwrap();
    let r = run(sandboxed(&f, &state).args(["status"]));
    r.code(2);
    assert!(r.stderr.contains("is damaged"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&state.display().to_string()),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("ims-share sandbox --reset"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"));
    run(f
        .bare()
        .arg("sandbox")
        .arg("--reset")
        .arg("--state")
        .arg(&state))
    .code(0);
    run(sandboxed(&f, &state).args(["status"])).code(0);
}

/// `ims-share sandbox` in the background; stops it with SIGINT when dropped.
struct Served {
    child: Option<Child>,
    url: String,
    banner: String,
}

impl Served {
    fn start(f: &Fixture, args: &[&str]) -> Served {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ims-share"));
        cmd.arg("sandbox").args(["--listen", "127.0.0.1:0"]);
        if !args.contains(&"--seed") {
            cmd.arg("--state").arg(f.path("served.json"));
        }
        let mut child = cmd
            .args(args)
            .env_clear()
            .env("HOME", f.home())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut banner = String::new();
        let mut line = String::new();
        while stdout.read_line(&mut line).unwrap() > 0 {
            banner.push_str(&line);
            if line.starts_with("Press Ctrl-C") {
                break;
            }
            line.clear();
        }
        let url = banner
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .expect("the banner names the URL")
            .to_string();
        Served {
            child: Some(child),
            url,
            banner,
        }
    }

    fn stop(mut self) -> (i32, String) {
        let child = self.child.take().unwrap();
        Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn client(timeout: Duration) -> reqwest::blocking::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .build()
        .unwrap()
}

fn get(url: &str, timeout: Duration) -> Result<reqwest::blocking::Response, reqwest::Error> {
    client(timeout)
        .get(format!(
            "{url}/v2/images?visibility=shared&member_status=pending"
        ))
        .header("X-Auth-Token", seed::TOKEN)
        .header("Accept", "application/json")
        .send()
}

#[test]
fn the_served_sandbox_prints_how_to_use_it_logs_and_stops_on_ctrl_c() {
    let f = Fixture::new();
    let s = Served::start(&f, &[]);
    assert!(
        s.banner
            .contains(&format!("export IMS_SHARE_ENDPOINT={}", s.url)),
        "{}",
        s.banner
    );
    assert!(
        s.banner
            .contains(&format!("export HUAWEICLOUD_SDK_AK={}", seed::ACCESS_KEY))
    );
    assert!(s.banner.contains("[profiles.sandbox]"));
    let r = run(f
        .bare()
        .env("IMS_SHARE_ENDPOINT", &s.url)
        .env("HUAWEICLOUD_SDK_AK", seed::ACCESS_KEY)
        .env("HUAWEICLOUD_SDK_SK", seed::SECRET_KEY)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", seed::PROJECT_ID)
        .args(["accept", img::UBUNTU]));
    r.code(0);
    let (code, log) = s.stop();
    assert_eq!(code, 0);
    assert!(log.contains("PUT /v1/cloudimages/members -> 200"), "{log}");
    assert!(log.contains("sandbox stopped"), "{log}");
    // The served state persisted.
    let listed: ImagesOut = run(f
        .bare()
        .arg("--sandbox")
        .arg("--sandbox-state")
        .arg(f.path("served.json"))
        .args(["status", "--json"]))
    .json();
    assert_eq!(
        listed
            .images
            .iter()
            .find(|i| i.image_id == img::UBUNTU)
            .unwrap()
            .member_status,
        "accepted"
    );
}

#[test]
fn the_served_sandbox_listens_on_loopback_only_unless_allowed() {
    let f = Fixture::new();
    let r = run(f.bare().args(["sandbox", "--listen", "0.0.0.0:0"]));
    r.code(2);
    assert!(
        r.stderr.contains("not a loopback address") && r.stderr.contains("--allow-remote"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_knob_has_its_documented_effect() {
    let f = Fixture::new();
    let short = Duration::from_millis(300);
    let long = Duration::from_secs(10);

    let s = Served::start(&f, &["--throttle-every", "1"]);
    let r = get(&s.url, long).unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "1");
    assert!(r.text().unwrap().contains("APIGW.0308"));
    drop(s);

    let s = Served::start(&f, &["--unavailable-every", "1"]);
    assert_eq!(get(&s.url, long).unwrap().status().as_u16(), 503);
    drop(s);

    let s = Served::start(&f, &["--drop-every", "1"]);
    assert!(
        get(&s.url, long).is_err(),
        "the connection closes without an answer"
    );
    drop(s);

    let s = Served::start(&f, &["--html-error-every", "1"]);
    let r = get(&s.url, long).unwrap();
    assert_eq!(r.status().as_u16(), 502);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    drop(s);

    let s = Served::start(&f, &["--slow-every", "2", "--slow-for", "30s"]);
    assert!(get(&s.url, short).is_ok(), "the first request is not slow");
    assert!(
        get(&s.url, short).unwrap_err().is_timeout(),
        "the second one is"
    );
    drop(s);

    let s = Served::start(&f, &["--latency", "30s"]);
    assert!(get(&s.url, short).unwrap_err().is_timeout());
    drop(s);

    let s = Served::start(&f, &["--truncate-every", "1"]);
    let text = get(&s.url, long).unwrap().text().unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(&text).is_err(),
        "{text}"
    );
    drop(s);

    let s = Served::start(&f, &["--job-duration", "1h"]);
    let env_cmd = |url: &str| {
        let mut c = f.bare();
        c.env("IMS_SHARE_ENDPOINT", url)
            .env("HUAWEICLOUD_SDK_AK", seed::ACCESS_KEY)
            .env("HUAWEICLOUD_SDK_SK", seed::SECRET_KEY)
            .env("HUAWEICLOUD_SDK_PROJECT_ID", seed::PROJECT_ID);
        c
    };
    let job = run(env_cmd(&s.url).args(["accept", "--no-wait", img::RHEL]))
        .stdout
        .trim()
        .to_string();
    let seen: JobsOut = run(env_cmd(&s.url).args(["status", "--json", "--job", &job])).json();
    assert!(matches!(seen.jobs[0].status.as_str(), "init" | "running"));
    drop(s);

    let s = Served::start(&f, &["--token-uses", "1"]);
    let login = client(long)
        .post(format!("{}/v3/auth/tokens", s.url))
        .body(
            serde_json::json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {
                "name": seed::USERNAME, "password": seed::PASSWORD, "domain": {"name": seed::DOMAIN}}}},
                "scope": {"project": {"name": seed::REGION}}}})
            .to_string(),
        )
        .send()
        .unwrap();
    assert_eq!(login.status().as_u16(), 201);
    let token = login.headers()["x-subject-token"]
        .to_str()
        .unwrap()
        .to_string();
    let use_it = || {
        client(long)
            .get(format!("{}/v2/images?visibility=shared", s.url))
            .header("X-Auth-Token", &token)
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(use_it(), 200);
    assert_eq!(use_it(), 401, "expired after one use");
    drop(s);
}

#[test]
fn a_custom_seed_is_served_from_memory() {
    let f = Fixture::new();
    let (state, ids) = many_pending(3);
    let seed_file = f.path("seed.json");
    std::fs::write(&seed_file, serde_json::to_string(&state).unwrap()).unwrap();
    let before = std::fs::read_to_string(&seed_file).unwrap();
    let s = Served::start(&f, &["--seed", seed_file.to_str().unwrap()]);
    assert!(s.banner.contains("seed.json (in memory)"), "{}", s.banner);
    let r = run(f
        .bare()
        .env("IMS_SHARE_ENDPOINT", &s.url)
        .env("HUAWEICLOUD_SDK_AK", seed::ACCESS_KEY)
        .env("HUAWEICLOUD_SDK_SK", seed::SECRET_KEY)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", seed::PROJECT_ID)
        .args(["accept", "--all-pending", "--json"]));
    r.code(0);
    assert_eq!(r.json::<ChangeOut>().images.len(), ids.len());
    drop(s);
    assert_eq!(
        std::fs::read_to_string(&seed_file).unwrap(),
        before,
        "the seed file is not changed"
    );
}

/// No snapshot or fixture in the repository holds a configured secret.
#[test]
fn no_snapshot_holds_a_secret() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let secrets = [
        seed::SECRET_KEY,
        seed::PASSWORD,
        "temporary-secret",
        "wrong-secret",
    ];
    let mut checked = 0;
    let mut stack = vec![root.join("src"), root.join("tests")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "snap") {
                let text = std::fs::read_to_string(&path).unwrap();
                for s in secrets {
                    assert!(!text.contains(s), "{} holds {s}", path.display());
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "there are snapshots to check");
}
