//! Issue 14, many targets in one run: `accept --all-pending` over 50 targets (one profile x
//! eu-de, eu-nl x 25 projects each), 20 pending images per project, 50 ms latency, jobs of
//! 2 s, with `--all-projects --parallel 50`, against the same 50 targets run one at a time.
//!
//! The 50 single-target runs (`--region R --project-id ID accept --all-pending`, each against
//! a fresh emulator, so that every project's images are pending) give both references: the
//! slowest of them is the ideal of the 50-target run, and their sum is what a shell loop of
//! them costs (the loop's own overhead, a fork of sh per run, left out: in the loop's favour).
//! Every run's JSON is checked: a run that did not accept its 20 images fails the bench.

use crate::harness::{BIN, Measured, Row, mb, reap, secs};
use crate::spawn::Spec;
use ims_share::emulator::seed;
use ims_share::emulator::state::{Project, State, image, now_ms};
use ims_share::emulator::{Config, Emulator, Knobs, Store};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

const REGIONS: [&str; 2] = [seed::REGION, seed::NL_REGION];
/// Projects per region: the region's own project and 24 sub-projects.
const PER_REGION: usize = 25;
const IMAGES: usize = 20;
const PARALLEL: usize = 50;
const LATENCY: Duration = Duration::from_millis(50);
const JOB: Duration = Duration::from_secs(2);

/// One target: its region, project id and project name.
#[derive(Clone)]
struct Target {
    region: &'static str,
    id: String,
    name: String,
}

/// eu-de, eu-de_p01..eu-de_p24, eu-nl, eu-nl_p01..eu-nl_p24; the region projects keep the
/// seed's ids (the access key belongs to eu-de's).
fn targets() -> Vec<Target> {
    let mut all = Vec::new();
    for (r, region) in REGIONS.into_iter().enumerate() {
        for k in 0..PER_REGION {
            let (id, name) = match (r, k) {
                (0, 0) => (seed::PROJECT_ID.to_string(), region.to_string()),
                (_, 0) => (seed::NL_PROJECT.to_string(), region.to_string()),
                _ => (format!("b14{r:01x}{k:028x}"), format!("{region}_p{k:02}")),
            };
            all.push(Target { region, id, name });
        }
    }
    all
}

/// The account: the 50 projects in the access key's domain (no other project of that
/// domain), and 20 images of the platform team pending in each of them.
fn state(targets: &[Target]) -> State {
    let now = now_ms();
    let mut s = seed::account(now);
    s.images.clear();
    s.members.clear();
    s.jobs.clear();
    s.projects.retain(|p| p.domain != seed::DOMAIN);
    s.projects.extend(targets.iter().map(|t| Project {
        id: t.id.clone(),
        name: t.name.clone(),
        domain: seed::DOMAIN.into(),
    }));
    for i in 0..IMAGES {
        let id = crate::harness::image_id(i + 1);
        let img = image(
            &id,
            &format!("golden-image-{i:02}"),
            seed::PLATFORM_PROJECT,
            now - i as u64,
        );
        s.share(img, &targets[0].id, "pending");
        for t in &targets[1..] {
            s.add_member(&id, &t.id, "pending");
        }
    }
    s
}

/// A fresh emulator with every project's images pending, and a home whose config has one
/// profile pointing IMS and IAM at it with the seed's access key.
struct Setup {
    emu: Emulator,
    home: tempfile::TempDir,
    config: PathBuf,
}

fn setup(targets: &[Target]) -> Setup {
    let emu = Emulator::start(
        Store::memory(state(targets)),
        Config {
            knobs: Knobs {
                latency: Some(LATENCY),
                job_duration: Some(JOB),
                ..Knobs::default()
            },
            ..Config::default()
        },
    )
    .expect("the emulator starts");
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    let url = emu.url();
    std::fs::write(
        &config,
        format!(
            "[profiles.bench]\nregion = \"{}\"\nims_endpoint = \"{url}\"\niam_endpoint = \"{url}\"\n\
             access_key = \"{}\"\nsecret_key = \"{}\"\n",
            seed::REGION,
            seed::ACCESS_KEY,
            seed::SECRET_KEY
        ),
    )
    .unwrap();
    Setup { emu, home, config }
}

/// ims-share with the profile of `config` and nothing else from the environment.
fn run(home: &Path, config: &Path, args: &[&str]) -> Measured {
    let mut cmd = Spec::new(BIN);
    cmd.arg("--config")
        .arg(config)
        .args(["--profile", "bench"])
        .args(args)
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"));
    reap(&cmd, None)
}

/// How many images a single-target accept document says were accepted.
fn accepted(doc: &Value) -> usize {
    doc["images"]
        .as_array()
        .map(|a| a.iter().filter(|i| i["status"] == "accepted").count())
        .unwrap_or(0)
}

/// How many of `targets`' memberships are still pending in the emulator.
fn still_pending(emu: &Emulator, targets: &[Target]) -> usize {
    let ids: BTreeSet<&str> = targets.iter().map(|t| t.id.as_str()).collect();
    emu.with_state(|s| {
        s.members
            .iter()
            .filter(|m| ids.contains(m.member_id.as_str()) && m.status == "pending")
            .count()
    })
}

/// One target alone, against a fresh emulator.
fn single(targets: &[Target], t: &Target) -> Measured {
    let s = setup(targets);
    let m = run(
        s.home.path(),
        &s.config,
        &[
            "--region",
            t.region,
            "--project-id",
            &t.id,
            "accept",
            "--all-pending",
            "-o",
            "json",
        ],
    );
    m.expect_code(0, &format!("single-target accept in {}", t.name));
    let doc: Value = serde_json::from_str(&m.stdout).expect("one JSON document");
    assert_eq!(accepted(&doc), IMAGES, "{}: {}", t.name, m.stdout);
    assert_eq!(still_pending(&s.emu, std::slice::from_ref(t)), 0);
    m
}

/// The 50 targets in one run; checks every target's exit and images; (run, the requests it
/// sent by kind, most requests in flight at once).
fn many(targets: &[Target]) -> (Measured, String, usize) {
    let s = setup(targets);
    let regions = REGIONS.join(",");
    let parallel = PARALLEL.to_string();
    let m = run(
        s.home.path(),
        &s.config,
        &[
            "--region",
            &regions,
            "--all-projects",
            "--parallel",
            &parallel,
            "accept",
            "--all-pending",
            "-o",
            "json",
        ],
    );
    m.expect_code(0, "the 50-target accept");
    let doc: Value = serde_json::from_str(&m.stdout).expect("one JSON document");
    let runs = doc["targets"].as_array().expect("a targets array");
    let mut seen = BTreeSet::new();
    for t in runs {
        let name = t["target"]["project_name"].as_str().unwrap_or("?");
        assert_eq!(t["exit"], 0, "{name}: {t}");
        assert_eq!(accepted(t), IMAGES, "{name}: {t}");
        seen.insert(
            t["target"]["project_id"]
                .as_str()
                .unwrap_or("?")
                .to_string(),
        );
    }
    let wanted: BTreeSet<String> = targets.iter().map(|t| t.id.clone()).collect();
    assert_eq!(seen, wanted, "one target per project");
    assert_eq!(still_pending(&s.emu, targets), 0, "every image accepted");
    (m, requests(&s.emu), s.emu.max_in_flight())
}

/// Issue 15: `sync` over the same 50 targets, a policy that accepts the platform team's
/// images; checks that every target accepted its 20 images.
fn sync_many(targets: &[Target]) -> Measured {
    let s = setup(targets);
    let policy = s.home.path().join("policy.toml");
    std::fs::write(
        &policy,
        format!(
            "[policy]\ndefault = \"ignore\"\n\n[[policy.rule]]\nowner = \"{}\"\naction = \"accept\"\n",
            seed::PLATFORM_PROJECT
        ),
    )
    .unwrap();
    let regions = REGIONS.join(",");
    let parallel = PARALLEL.to_string();
    let m = run(
        s.home.path(),
        &s.config,
        &[
            "--region",
            &regions,
            "--all-projects",
            "--parallel",
            &parallel,
            "sync",
            "--policy",
            policy.to_str().unwrap(),
            "-o",
            "json",
        ],
    );
    m.expect_code(0, "the 50-target sync");
    let doc: Value = serde_json::from_str(&m.stdout).expect("one JSON document");
    let runs = doc["targets"].as_array().expect("a targets array");
    assert_eq!(runs.len(), targets.len());
    for t in runs {
        assert_eq!(accepted(t), IMAGES, "{t}");
    }
    assert_eq!(still_pending(&s.emu, targets), 0, "every image accepted");
    m
}

/// What the emulator was asked, by kind: "N requests: a IAM, b listings, c PUTs, d job polls".
fn requests(emu: &Emulator) -> String {
    let all = emu.requests();
    let count = |f: &dyn Fn(&str, &str) -> bool| {
        all.iter()
            .filter(|r| f(r.method.as_str(), r.path.as_str()))
            .count()
    };
    let iam = count(&|_, p| p.starts_with("/v3/"));
    let listings = count(&|m, p| m == "GET" && p == "/v2/images");
    let puts = count(&|m, _| m == "PUT");
    let polls = count(&|m, p| m == "GET" && p.contains("/jobs/"));
    let other = all.len() - iam - listings - puts - polls;
    format!(
        "{} requests: {iam} IAM, {listings} listings, {puts} PUTs, {polls} job polls, {other} other",
        all.len()
    )
}

/// The three rows of issue 14's goals.
pub fn rows() -> Vec<Row> {
    let targets = targets();
    assert_eq!(targets.len(), REGIONS.len() * PER_REGION);
    let alone: Vec<Measured> = targets.iter().map(|t| single(&targets, t)).collect();
    let slowest = alone.iter().map(|m| m.elapsed).max().unwrap();
    let fastest = alone.iter().map(|m| m.elapsed).min().unwrap();
    let loop_total: Duration = alone.iter().map(|m| m.elapsed).sum();
    let (m, requests, in_flight) = many(&targets);
    let synced = sync_many(&targets);
    let sync_ratio = synced.elapsed.as_secs_f64() / m.elapsed.as_secs_f64();
    let n = targets.len();
    let ratio = m.elapsed.as_secs_f64() / slowest.as_secs_f64();
    let speedup = loop_total.as_secs_f64() / m.elapsed.as_secs_f64();
    vec![
        Row {
            what: format!(
                "accept --all-pending over {n} targets (1 profile x 2 regions x {PER_REGION} projects), \
                 {IMAGES} pending each, 50 ms latency, jobs of 2 s, --all-projects --parallel {PARALLEL} \
                 (default 4; {requests}; max {in_flight} in flight; CPU {})",
                secs(m.cpu)
            ),
            measured: secs(m.elapsed),
            ideal: format!(
                "{} (slowest of {n} single-target runs; fastest {})",
                secs(slowest),
                secs(fastest)
            ),
            ratio: Some(ratio),
            goal: "ratio <= 1.25".into(),
            rss_kb: Some(m.rss_kb),
            ok: ratio <= 1.25,
        },
        Row {
            what: format!(
                "the same {n} targets as {n} single-target runs one after another (a shell loop's \
                 cost, sh left out; CPU {})",
                secs(alone.iter().map(|m| m.cpu).sum())
            ),
            measured: secs(loop_total),
            ideal: format!("{} (the {n}-target run above)", secs(m.elapsed)),
            ratio: Some(speedup),
            goal: "ratio >= 10 (ims-share 10x faster)".into(),
            rss_kb: alone.iter().map(|m| m.rss_kb).max(),
            ok: speedup >= 10.0,
        },
        Row {
            what: format!(
                "issue 15: sync over the same {n} targets (a policy accepting the platform team's \
                 images), --all-projects --parallel {PARALLEL}, vs the accept --all-pending above"
            ),
            measured: secs(synced.elapsed),
            ideal: format!("{} (accept --all-pending)", secs(m.elapsed)),
            ratio: Some(sync_ratio),
            goal: "ratio <= 1.25".into(),
            rss_kb: Some(synced.rss_kb),
            ok: sync_ratio <= 1.25,
        },
        Row {
            what: format!("peak RSS of the {n}-target run"),
            measured: mb(m.rss_kb),
            ideal: "-".into(),
            ratio: None,
            goal: "< 40 MB".into(),
            rss_kb: Some(m.rss_kb),
            ok: m.rss_kb < 40 * 1024,
        },
    ]
}
