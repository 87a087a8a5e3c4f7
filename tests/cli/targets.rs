//! Many targets in one run (issue 14): profiles x regions x projects, one report, the worst
//! exit code; the job journal that resumes any job on its own account.

use crate::common::*;
use ims_share::emulator::seed::{self, images as img};
use serde_json::Value;
use std::io::BufRead;
use std::process::Stdio;

/// `good` reaches the emulator, `bad` has keys it does not know, `down` points at a closed
/// port. All three name the emulator's IAM, so `--all-projects` can ask it.
fn profiles(f: &Fixture) -> String {
    let url = f.url();
    format!(
        r#"
[profiles.good]
region = "eu-de"
ims_endpoint = "{url}"
iam_endpoint = "{url}"
access_key = "{ak}"
secret_key = "{sk}"

[profiles.bad]
region = "eu-de"
ims_endpoint = "{url}"
iam_endpoint = "{url}"
access_key = "UNKNOWN0ACCESS0KEY01"
secret_key = "not-the-secret"

[profiles.down]
region = "eu-de"
ims_endpoint = "http://127.0.0.1:1"
iam_endpoint = "http://127.0.0.1:1"
access_key = "{ak}"
secret_key = "{sk}"
"#,
        ak = seed::ACCESS_KEY,
        sk = seed::SECRET_KEY,
    )
}

fn target_of(t: &Value) -> String {
    let part = |k: &str| t["target"][k].as_str().unwrap_or("-").to_string();
    format!(
        "{}/{}/{}",
        part("profile"),
        part("region"),
        t["target"]["project_name"]
            .as_str()
            .or(t["target"]["project_id"].as_str())
            .unwrap_or("-")
    )
}

#[test]
fn profiles_regions_and_projects_in_one_run_with_mixed_outcomes() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o600);
    let r = run(f.bare().args([
        "--profile",
        "good,bad,down",
        "--region",
        "eu-de,eu-nl",
        "--all-projects",
        "--retries",
        "0",
        "accept",
        "--all-pending",
        "-o",
        "json",
    ]));
    // The worst over the targets: 3 (bad keys) beats 5 (unreachable) beats 1 (a failed job).
    r.code(3);
    let doc: Value = serde_json::from_str(&r.stdout).expect("one JSON document");
    assert_eq!(doc["exit"], 3);
    let targets = doc["targets"].as_array().unwrap();
    let seen: Vec<(String, i64)> = targets
        .iter()
        .map(|t| (target_of(t), t["exit"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("good/eu-de/eu-de".to_string(), 1),
            ("good/eu-de/eu-de_payments".to_string(), 0),
            ("good/eu-nl/eu-nl".to_string(), 0),
            ("bad/eu-de/eu-de".to_string(), 3),
            ("bad/eu-nl/eu-nl".to_string(), 3),
            ("down/eu-de/eu-de".to_string(), 5),
            ("down/eu-nl/eu-nl".to_string(), 5),
        ]
    );
    // Each target carries its own accept document, the single-target shape.
    let payments = &targets[1];
    assert_eq!(payments["target"]["project_id"], seed::PAYMENTS_PROJECT);
    let accepted: Vec<&str> = payments["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert_eq!(accepted, ["accepted"; 3]);
    assert_eq!(payments["jobs"].as_array().unwrap().len(), 1);
    let main = &targets[0];
    let failed: Vec<&str> = main["images"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "failed")
        .map(|i| i["image_id"].as_str().unwrap())
        .collect();
    assert_eq!(failed.len(), 2, "the full-ECS image and the failing job");
    assert!(failed.contains(&img::CENTOS_FAILS));
    // One of the two bad targets was refused; the other, sharing its key, was not sent.
    let mut codes = [
        targets[3]["error"]["code"].as_str().unwrap(),
        targets[4]["error"]["code"].as_str().unwrap(),
    ];
    codes.sort();
    assert_eq!(codes, ["APIGW.0301", "not_sent"]);
    assert!(targets[5]["error"]["code"].is_string());
    assert_eq!(targets[5]["images"], Value::Array(Vec::new()));
    // What the service now holds: every project's pending images were accepted.
    for project in [seed::PAYMENTS_PROJECT, seed::NL_PROJECT] {
        let pending = f.emu.with_state(|s| {
            s.members
                .iter()
                .filter(|m| m.member_id == project && m.status == "pending")
                .count()
        });
        assert_eq!(pending, 0, "{project}");
    }
    // stderr: one summary per target, its name first, and one line for the run.
    for line in [
        "good/eu-de/eu-de: accept of 6 images: 4 accepted, 2 failed",
        "good/eu-de/eu-de_payments: accept of 3 images: 3 accepted",
        "bad/eu-de/eu-de: error: ",
        "down/eu-nl/eu-nl: error: ",
        "7 targets: 2 done, 5 with errors",
    ] {
        assert!(r.stderr.contains(line), "{line:?} in\n{}", r.stderr);
    }
    // Unknown keys are refused once per key, not once per target.
    let refused = f.requests().iter().filter(|q| q.status == 401).count();
    assert_eq!(refused, 1, "the bad key is tried by one target at a time");
}

#[test]
fn plain_rows_and_tables_start_with_the_target() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o600);
    let args = [
        "--profile",
        "good",
        "--all-projects",
        "status",
        "--member-status",
        "pending",
    ];
    let plain = run(f.bare().args(args));
    plain.code(0);
    let firsts: Vec<&str> = plain
        .stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(
        firsts.iter().filter(|t| **t == "good/eu-de/eu-de").count(),
        6
    );
    assert_eq!(
        firsts
            .iter()
            .filter(|t| **t == "good/eu-de/eu-de_payments")
            .count(),
        3
    );
    assert!(plain.stdout.lines().all(|l| l.split('\t').count() == 6));
    let table = run(f
        .bare()
        .env("COLUMNS", "160")
        .args(args)
        .args(["-o", "table"]));
    table.code(0);
    assert!(table.stdout.starts_with(" TARGET "), "{}", table.stdout);
    assert!(
        table.stdout.contains("good/eu-de/eu-de_payments"),
        "{}",
        table.stdout
    );
    for line in table.stdout.lines() {
        assert!(line.chars().count() <= 160, "{line}");
    }
}

#[test]
fn one_target_keeps_the_single_target_shapes() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o600);
    let r = run(f.bare().args(["--profile", "good", "status", "--json"]));
    r.code(0);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        doc.get("targets").is_none() && doc["images"].is_array(),
        "{doc}"
    );
}

#[test]
fn target_lists_are_checked_before_any_request() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o600);
    for (args, says) in [
        (
            &["--profile", "prod-*", "status"][..],
            "--profile 'prod-*' matches no profile",
        ),
        (
            &["--region", "eu-de,eu-nl", "--project-id", ME, "status"][..],
            "--project-id names one project",
        ),
        (
            &["--profile", "good,nope", "status"][..],
            "no profile 'nope'",
        ),
        (&["--region", "eu-de,,eu-nl", "status"][..], "empty item"),
    ] {
        let r = run(f.bare().args(args));
        r.code(2);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    assert!(f.requests().is_empty());
}

#[test]
fn a_job_submitted_under_a_profile_is_resumed_by_a_bare_wait() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o600);
    let submit = run(f
        .bare()
        .args(["--profile", "good", "reject", "--no-wait", img::UBUNTU]));
    submit.code(0);
    let job = submit.stdout.trim().to_string();
    assert!(is_job_id(&job), "{}", submit.stdout);
    // No profile, no credentials in the environment: only the journal knows the account.
    let w = run(f.bare().args(["-v", "wait", &job]));
    w.code(0);
    assert!(
        w.stdout
            .starts_with(&format!("{}\trejected\t{job}", img::UBUNTU)),
        "{}",
        w.stdout
    );
    assert!(w.stderr.contains("(from the journal)"), "{}", w.stderr);
    let jobs = run(f.bare().args(["jobs", "-o", "json"]));
    jobs.code(0);
    let doc: Value = serde_json::from_str(&jobs.stdout).unwrap();
    let entry = &doc["jobs"][0];
    assert_eq!(entry["job_id"], job.as_str());
    assert_eq!(entry["action"], "reject");
    assert_eq!(entry["last_status"], "success");
    assert_eq!(entry["target"]["profile"], "good");
    assert_eq!(entry["image_ids"][0], img::UBUNTU);
    assert!(
        !jobs.stdout.contains(seed::SECRET_KEY),
        "no secret in the journal"
    );
}

#[test]
fn the_journal_is_private_and_can_be_turned_off() {
    let f = Fixture::new();
    run(f.cmd().args(["reject", "--no-wait", img::UBUNTU])).code(0);
    let path = f.path(".local/share/ims-share/jobs.jsonl");
    let jobs = |text: &str| text.lines().filter(|l| l.contains("\"action\":")).count();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(jobs(&text), 1, "{text}");
    assert!(!text.contains(seed::SECRET_KEY));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }
    run(f
        .cmd()
        .args(["--no-journal", "reject", "--no-wait", img::RHEL]))
    .code(0);
    f.write_config("journal = false\n", 0o600);
    run(f.cmd().args(["reject", "--no-wait", img::WINDOWS])).code(0);
    assert_eq!(jobs(&std::fs::read_to_string(&path).unwrap()), 1);
}

#[test]
fn an_unwritable_journal_warns_once_and_loses_no_job_id() {
    let f = Fixture::new();
    // The journal's directory is a file: nothing can be written there.
    std::fs::create_dir_all(f.path(".local/share")).unwrap();
    std::fs::write(f.path(".local/share/ims-share"), "not a directory").unwrap();
    let r = run(f
        .cmd()
        .args(["accept", "-o", "plain", img::UBUNTU, img::RHEL]));
    r.code(0);
    assert_eq!(
        r.stderr.matches("warning: journal:").count(),
        1,
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("submitted job "), "{}", r.stderr);
    assert_eq!(f.member_status(img::UBUNTU), "accepted");
}

#[test]
fn ctrl_c_over_several_targets_prints_every_job_and_wait_unfinished_finishes_them() {
    let f = Fixture::with(
        seeded(),
        ims_share::emulator::Knobs {
            job_duration: Some(std::time::Duration::from_secs(3600)),
            ..Default::default()
        },
    );
    f.write_config(&profiles(&f), 0o600);
    let mut child = f
        .process(env!("CARGO_BIN_EXE_ims-share"))
        .args([
            "--profile",
            "good",
            "--region",
            "eu-de,eu-nl",
            "--all-projects",
            "reject",
            "--json",
            img::UBUNTU,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut line = String::new();
    while seen.matches("submitted job ").count() < 3 && stderr.read_line(&mut line).unwrap() > 0 {
        seen.push_str(&line);
        line.clear();
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{seen}{rest}");
    let jobs: Vec<(String, String)> = f.emu.with_state(|s| {
        s.jobs
            .iter()
            .map(|j| (j.id.clone(), j.project_id.clone()))
            .collect()
    });
    assert_eq!(jobs.len(), 3);
    let all = format!("{seen}{rest}");
    for (job, _) in &jobs {
        assert!(all.contains(job.as_str()), "{job} in\n{all}");
    }
    assert!(all.contains("good/eu-nl/eu-nl: submitted job "), "{all}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("the whole document");
    assert_eq!(doc["exit"], 130);
    // The jobs finish now; `wait --unfinished` finds them all through the journal.
    f.emu
        .with_state(|s| s.jobs.iter_mut().for_each(|j| j.duration_ms = 0));
    let w = run(f.bare().args(["wait", "--unfinished", "-o", "json"]));
    w.code(0);
    let doc: Value = serde_json::from_str(&w.stdout).unwrap();
    let waited: usize = doc["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["jobs"].as_array().unwrap().len())
        .sum();
    assert_eq!(waited, 3, "{}", w.stdout);
    for project in [ME, seed::PAYMENTS_PROJECT, seed::NL_PROJECT] {
        let status = f.emu.with_state(|s| {
            s.member(img::UBUNTU, project)
                .map(|m| m.status.clone())
                .unwrap_or_default()
        });
        assert_eq!(status, "rejected", "{project}");
    }
    let left = run(f.bare().args(["jobs", "--unfinished", "-o", "plain"]));
    left.code(0);
    assert!(left.stdout.is_empty(), "{}", left.stdout);
}

#[test]
fn a_wrong_secret_is_refused_once_per_run_whatever_the_run_fans_out_to() {
    let f = Fixture::new();
    let url = f.url();
    f.write_config(
        &format!(
            "{}\n[profiles.typo]\nregion = \"eu-de\"\nims_endpoint = \"{url}\"\niam_endpoint = \"{url}\"\nproject_id = \"{ME}\"\naccess_key = \"{}\"\nsecret_key = \"a-typo-in-the-secret\"\n",
            profiles(&f),
            seed::ACCESS_KEY
        ),
        0o600,
    );
    let refused = |f: &Fixture| f.requests().iter().filter(|q| q.status == 401).count();
    // Three listings (pending, accepted, rejected): the first request goes alone.
    run(f.bare().args(["--profile", "typo", "status"])).code(3);
    assert_eq!(refused(&f), 1);
    // Two regions: two sessions share one guard.
    run(f
        .bare()
        .args(["--profile", "typo", "--region", "eu-de,eu-nl", "status"]))
    .code(3);
    assert_eq!(refused(&f), 2);
    // Two refusals: far from the five that lock the key, which still works with its secret.
    run(f.bare().args(["--profile", "good", "status"])).code(0);
}

#[test]
fn no_wait_over_several_targets_pipes_into_wait() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o600);
    let submit = run(f.bare().args([
        "--profile",
        "good",
        "--region",
        "eu-de,eu-nl",
        "reject",
        "--no-wait",
        img::UBUNTU,
    ]));
    submit.code(0);
    assert_eq!(submit.stdout.lines().count(), 2, "{}", submit.stdout);
    assert!(submit.stdout.lines().all(|l| l.contains("good/eu-")));
    // Each job on the account the journal recorded for it.
    let w = run(f
        .bare()
        .args(["wait", "-"])
        .write_stdin(submit.stdout.clone()));
    w.code(0);
    assert_eq!(w.stdout.matches("\trejected\t").count(), 2, "{}", w.stdout);
    // `status --job -` takes the same lines.
    let st = run(f
        .bare()
        .args(["status", "--job", "-"])
        .write_stdin(submit.stdout.clone()));
    st.code(0);
    assert_eq!(st.stdout.matches("\tsuccess\t").count(), 2, "{}", st.stdout);
}

#[test]
fn a_job_whose_account_is_gone_costs_itself_not_the_others() {
    let f = Fixture::new();
    let config = profiles(&f);
    f.write_config(&config.replace("[profiles.down]", "[profiles.good2]\nregion = \"eu-nl\"\nims_endpoint = \"{URL}\"\niam_endpoint = \"{URL}\"\naccess_key = \"{AK}\"\nsecret_key = \"{SK}\"\n\n[profiles.down]").replace("{URL}", &f.url()).replace("{AK}", seed::ACCESS_KEY).replace("{SK}", seed::SECRET_KEY), 0o600);
    let kept = run(f
        .bare()
        .args(["--profile", "good", "reject", "--no-wait", img::UBUNTU]));
    kept.code(0);
    let gone = run(f
        .bare()
        .args(["--profile", "good2", "reject", "--no-wait", img::UBUNTU]));
    gone.code(0);
    // good2 is renamed away.
    f.write_config(&config, 0o600);
    let w = run(f.bare().args(["wait", "--unfinished"]));
    // The other job is waited for; the one left out makes the run exit 1, not 0.
    w.code(1);
    assert!(w.stdout.contains(kept.stdout.trim()), "{}", w.stdout);
    assert!(
        w.stderr
            .contains(&format!("not waiting for {}", gone.stdout.trim())),
        "{}",
        w.stderr
    );
    assert!(w.stderr.contains("no profile 'good2'"), "{}", w.stderr);
    // That job alone: one error naming the job and the account the journal has for it.
    let alone = run(f.bare().args(["wait", gone.stdout.trim()]));
    alone.code(2);
    assert!(
        alone.stderr.contains(&format!(
            "cannot wait for {} on the account the journal recorded (good2/eu-nl/",
            gone.stdout.trim()
        )),
        "{}",
        alone.stderr
    );
}

#[test]
fn a_job_waited_for_on_several_targets_is_found_where_it_lives() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o600);
    // Not in the journal (which would send the wait straight to eu-de): every target looks.
    let submit = run(f.bare().args([
        "--no-journal",
        "--profile",
        "good",
        "reject",
        "--no-wait",
        img::UBUNTU,
    ]));
    submit.code(0);
    let job = submit.stdout.trim().to_string();
    let unknown = "ff8080814dbd65d7014dbe0d84db0013";
    // The job lives in eu-de; eu-nl does not hold it, and that is not an error.
    let w = run(f
        .bare()
        .args(["--profile", "good", "--region", "eu-de,eu-nl", "wait", &job]));
    w.code(0);
    assert_eq!(
        w.stdout,
        format!("good/eu-de/eu-de\t{}\trejected\t{job}\t\t\n", img::UBUNTU)
    );
    assert!(!w.stderr.contains("not found"), "{}", w.stderr);
    assert!(
        w.stderr.contains("2 targets: 2 done, 0 with errors"),
        "{}",
        w.stderr
    );
    // A job no target holds is not_found on each, and said once.
    let s = run(f.bare().args([
        "--profile",
        "good",
        "--region",
        "eu-de,eu-nl",
        "status",
        "--job",
        &job,
        unknown,
        "-o",
        "json",
    ]));
    s.code(1);
    let doc: Value = serde_json::from_str(&s.stdout).unwrap();
    let rows: Vec<(String, String, String)> = doc["targets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| {
            t["jobs"].as_array().unwrap().iter().map(move |j| {
                (
                    target_of(t),
                    j["job_id"].as_str().unwrap().to_string(),
                    j["status"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    let row = |t: &str, j: &str, s: &str| (t.to_string(), j.to_string(), s.to_string());
    assert_eq!(
        rows,
        [
            row("good/eu-de/eu-de", &job, "success"),
            row("good/eu-de/eu-de", unknown, "not_found"),
            row("good/eu-nl/eu-nl", unknown, "not_found"),
        ]
    );
    assert_eq!(s.stderr.matches("not found").count(), 1, "{}", s.stderr);
    // One table in the accept layout, whatever each target found: image rows, then a line
    // per job, the unknown one too.
    let t = run(f.bare().env("COLUMNS", "200").args([
        "--profile",
        "good",
        "--region",
        "eu-de,eu-nl",
        "wait",
        &job,
        unknown,
        "-o",
        "table",
    ]));
    t.code(1);
    let header = t.stdout.lines().next().unwrap_or_default();
    assert!(
        header.contains("IMAGE") && !header.contains("TYPE"),
        "{}",
        t.stdout
    );
    for line in [
        format!("good/eu-de/eu-de  job {job}  success"),
        format!("good/eu-de/eu-de  job {unknown}  not_found"),
        format!("good/eu-nl/eu-nl  job {unknown}  not_found"),
    ] {
        assert!(t.stdout.contains(&line), "{line}\n{}", t.stdout);
    }
    assert!(
        s.stderr.contains(&format!("job {unknown} not found")),
        "{}",
        s.stderr
    );
    assert!(s.stderr.contains("on 2 targets"), "{}", s.stderr);
}

#[test]
fn a_damaged_journal_line_is_skipped_with_a_warning_and_the_rest_still_resumes() {
    let f = Fixture::new();
    let submit = run(f.cmd().args(["reject", "--no-wait", img::UBUNTU]));
    submit.code(0);
    let job = submit.stdout.trim().to_string();
    let path = f.path(".local/share/ims-share/jobs.jsonl");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("{\"job_id\": \"torn\n");
    std::fs::write(&path, text).unwrap();
    let jobs = run(f.cmd().args(["jobs", "-o", "plain"]));
    jobs.code(0);
    assert!(jobs.stdout.starts_with(&job), "{}", jobs.stdout);
    assert!(
        jobs.stderr.contains("has 1 unreadable line") && jobs.stderr.contains("skipped"),
        "{}",
        jobs.stderr
    );
    let w = run(f.cmd().args(["wait", "--unfinished"]));
    w.code(0);
    assert!(w.stdout.contains(&job), "{}", w.stdout);
    assert!(w.stderr.contains("warning: the journal"), "{}", w.stderr);
}

#[test]
fn a_job_submitted_with_a_koocli_profile_is_resumed_by_a_bare_wait() {
    let f = Fixture::new();
    let dir = f.path(".hcloud");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.json"),
        serde_json::json!({
            "current": "emu",
            "profiles": [{"name": "emu", "mode": "AKSK", "accessKeyId": seed::ACCESS_KEY,
                "secretAccessKey": seed::SECRET_KEY, "region": "cn-north-4", "projectId": ME}]
        })
        .to_string(),
    )
    .unwrap();
    let submit = run(f.bare().env("IMS_SHARE_ENDPOINT", f.url()).args([
        "--hcloud-profile",
        "emu",
        "reject",
        "--no-wait",
        img::RHEL,
    ]));
    submit.code(0);
    let job = submit.stdout.trim().to_string();
    // Neither the endpoint nor the KooCLI profile is given again: the journal has both.
    let w = run(f.bare().args(["-v", "wait", &job]));
    w.code(0);
    assert!(
        w.stdout
            .starts_with(&format!("{}\trejected\t{job}", img::RHEL)),
        "{}\n{}",
        w.stdout,
        w.stderr
    );
    // The journal's accounts are chosen by the flag that chose them, not by a config profile
    // of the same name.
    let listed = |args: &[&str]| {
        let r = run(f.bare().args(args));
        r.code(0);
        r.stdout.lines().count()
    };
    assert_eq!(listed(&["--hcloud-profile", "emu", "jobs"]), 1);
    assert_eq!(listed(&["--profile", "emu", "jobs"]), 0);
}

#[test]
fn account_flags_choose_the_journal_jobs_that_jobs_and_wait_unfinished_take() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o600);
    let submit = run(f.bare().args([
        "--profile",
        "good",
        "--region",
        "eu-de,eu-nl",
        "reject",
        "--no-wait",
        img::UBUNTU,
    ]));
    submit.code(0);
    let nl_job = submit
        .stdout
        .lines()
        .find(|l| l.starts_with("good/eu-nl/"))
        .and_then(|l| l.split('\t').nth(1))
        .expect("a job in eu-nl")
        .to_string();
    let jobs = run(f.bare().args(["--region", "eu-nl", "jobs", "-o", "plain"]));
    jobs.code(0);
    assert_eq!(jobs.stdout.lines().count(), 1, "{}", jobs.stdout);
    assert!(jobs.stdout.starts_with(&nl_job), "{}", jobs.stdout);
    // Only eu-nl's job is waited for; eu-de's stays unfinished in the journal.
    let w = run(f.bare().args(["--region", "eu-nl", "wait", "--unfinished"]));
    w.code(0);
    assert_eq!(w.stdout.lines().count(), 1, "{}", w.stdout);
    assert!(w.stdout.contains(&nl_job), "{}", w.stdout);
    let left = run(f.bare().args(["jobs", "--unfinished", "-o", "plain"]));
    assert_eq!(left.stdout.lines().count(), 1, "{}", left.stdout);
    assert!(left.stdout.contains("good/eu-de/"), "{}", left.stdout);
    // A flag that names no recorded account is refused, not ignored.
    let r = run(f
        .bare()
        .args(["--endpoint", &f.url(), "wait", "--unfinished"]));
    r.code(2);
    assert!(r.stderr.contains("--endpoint names none"), "{}", r.stderr);
    // Nothing left for eu-nl: nothing to wait for, exit 0, no request.
    let before = f.requests().len();
    let idle = run(f
        .bare()
        .args(["--region", "eu-nl", "wait", "--unfinished", "-o", "json"]));
    idle.code(0);
    assert_eq!(idle.stdout.trim(), "{\n  \"jobs\": []\n}");
    assert!(
        idle.stderr
            .contains("no job of the journal for --region eu-nl is unfinished"),
        "{}",
        idle.stderr
    );
    assert_eq!(f.requests().len(), before);
}

#[test]
fn wait_unfinished_on_a_fresh_machine_is_nothing_to_do() {
    let f = Fixture::new();
    // No config, no credentials, no journal.
    let r = run(f.bare().args(["wait", "--unfinished"]));
    r.code(0);
    assert!(r.stderr.contains("nothing to wait for"), "{}", r.stderr);
    let r = run(f.bare().args(["wait", "-"]).write_stdin(""));
    r.code(0);
    assert!(
        r.stderr.contains("no job ids on standard input"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_name_one_target_lacks_stops_every_target_before_anything_is_sent() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o600);
    let targets = ["--profile", "good", "--region", "eu-de,eu-nl"];
    // RHEL is shared into eu-de only.
    let r = run(f
        .bare()
        .args(targets)
        .args(["reject", "rhel-9.5-golden-2026.11", "-o", "json"]));
    r.code(2);
    assert!(f.writes().is_empty(), "nothing sent: {:?}", f.writes());
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let seen: Vec<(String, i64)> = doc["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (target_of(t), t["exit"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("good/eu-de/eu-de".into(), 2),
            ("good/eu-nl/eu-nl".into(), 2)
        ]
    );
    assert!(
        r.stderr.contains(
            "good/eu-nl/eu-nl: error: no image shared with you is named 'rhel-9.5-golden-2026.11'"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("does not resolve on good/eu-nl/eu-nl; nothing was sent on any target"),
        "{}",
        r.stderr
    );
    // A dry run plans what the run would do: nothing, anywhere.
    let dry = run(f.bare().args(targets).args([
        "reject",
        "--dry-run",
        "rhel-9.5-golden-2026.11",
        "-o",
        "plain",
    ]));
    dry.code(2);
    assert!(!dry.stdout.contains("PUT"), "{}", dry.stdout);
    // A name every target knows goes ahead everywhere.
    let r = run(f.bare().args(targets).args([
        "reject",
        "ubuntu-24.04-server-hardened-2026.11",
        "-o",
        "plain",
    ]));
    r.code(0);
    assert_eq!(r.stdout.matches("\trejected\t").count(), 2, "{}", r.stdout);
    // An accept by name: the look-up's listing also tells which images are full-ECS, so no
    // target lists its pending images a second time.
    let pending = || {
        f.requests()
            .iter()
            .filter(|q| q.path == "/v2/images" && q.raw_query.contains("member_status=pending"))
            .count()
    };
    let before = pending();
    let a = run(f.bare().args(targets).args([
        "accept",
        "windows-server-2022-std-2026.11",
        "-o",
        "plain",
    ]));
    a.code(0);
    assert_eq!(a.stdout.matches("\taccepted\t").count(), 2, "{}", a.stdout);
    assert_eq!(pending() - before, 2, "one pending listing per target");
}

#[test]
fn a_journal_job_its_account_no_longer_has_is_finished_as_not_found() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o600);
    // A job the journal recorded, which the service no longer knows (expired, or a reset).
    let gone = "ff8080814dbd65d7014dbe0d84db0013";
    let path = f.path(".local/share/ims-share/jobs.jsonl");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let entry = serde_json::json!({
        "job_id": gone, "action": "accept", "image_ids": [img::UBUNTU],
        "target": {"profile": "good", "cloud": null, "region": "eu-de", "project_id": ME,
                   "project_name": null, "endpoint": f.url()},
        "submitted_at": "2026-11-01T10:00:00Z", "last_status": "running",
        "last_seen_at": "2026-11-01T10:00:00Z"
    });
    std::fs::write(&path, format!("{entry}\n")).unwrap();
    let w = run(f.bare().args(["wait", "--unfinished"]));
    w.code(1);
    assert!(
        w.stderr.contains("no longer has it") && !w.stderr.contains("check the id"),
        "{}",
        w.stderr
    );
    // Said once: the next run has nothing left to wait for.
    let again = run(f.bare().args(["wait", "--unfinished"]));
    again.code(0);
    assert!(
        again.stderr.contains("nothing to wait for"),
        "{}",
        again.stderr
    );
    let jobs = run(f.bare().args(["jobs", "-o", "plain"]));
    assert!(
        jobs.stdout
            .starts_with(&format!("{gone}\taccept\tnot_found\t")),
        "{}",
        jobs.stdout
    );
}

#[test]
fn account_flags_that_agree_with_the_journal_keep_its_region_and_project() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o600);
    let submit = run(f.bare().args([
        "--profile",
        "good",
        "--region",
        "eu-nl",
        "reject",
        "--no-wait",
        img::UBUNTU,
    ]));
    submit.code(0);
    let job = submit.stdout.trim().to_string();
    // `--profile good` agrees with the record: the wait goes to eu-nl, where the job lives.
    let w = run(f.bare().args(["--profile", "good", "wait", &job]));
    w.code(0);
    assert!(w.stdout.contains("\trejected\t"), "{}", w.stdout);
    // `status --job` reads the journal too, with no flags at all.
    let s = run(f.bare().args(["status", "--job", &job]));
    s.code(0);
    assert!(
        s.stdout.starts_with(&format!("{job}\tsuccess")),
        "{}",
        s.stdout
    );
    // A region that contradicts the record is the user's choice: asked there, not found.
    let other = run(f
        .bare()
        .args(["--profile", "good", "--region", "eu-de", "wait", &job]));
    other.code(1);
    assert!(other.stdout.contains("\tnot_found\t"), "{}", other.stdout);
}

#[test]
fn a_job_submitted_with_another_config_file_is_resumed_from_anywhere() {
    let f = Fixture::new();
    let dir = f.path("team");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("team.toml"), profiles(&f)).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.join("team.toml"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    // A relative --config, from the directory that holds it.
    let submit = run(f.bare().current_dir(&dir).args([
        "--config",
        "team.toml",
        "--profile",
        "good",
        "reject",
        "--no-wait",
        img::UBUNTU,
    ]));
    submit.code(0);
    let job = submit.stdout.trim().to_string();
    // Elsewhere, with no flags: the journal names the file and the profile.
    let w = run(f.bare().args(["wait", &job]));
    w.code(0);
    assert!(
        w.stdout.contains("\trejected\t"),
        "{}\n{}",
        w.stdout,
        w.stderr
    );
}

#[test]
fn a_job_still_starting_is_reported_with_the_images_the_journal_recorded() {
    let f = Fixture::with(
        seeded(),
        ims_share::emulator::Knobs {
            job_duration: Some(std::time::Duration::from_secs(3600)),
            ..Default::default()
        },
    );
    let submit = run(f
        .cmd()
        .args(["reject", "--no-wait", img::UBUNTU, img::RHEL]));
    submit.code(0);
    let job = submit.stdout.trim().to_string();
    let w = run(f
        .cmd()
        .args(["wait", &job, "--timeout", "1s", "-o", "plain"]));
    w.code(4);
    let rows: Vec<&str> = w.stdout.lines().collect();
    assert_eq!(rows.len(), 2, "{}", w.stdout);
    for (row, image) in rows.iter().zip([img::UBUNTU, img::RHEL]) {
        assert!(
            row.starts_with(&format!("{image}\tsubmitted\t{job}")),
            "{}",
            w.stdout
        );
    }
}

#[test]
fn a_wait_over_several_regions_reports_a_journal_job_in_its_own_region() {
    let f = Fixture::new();
    f.write_config(&profiles(&f), 0o600);
    let submit = run(f.bare().args([
        "--profile",
        "good",
        "--region",
        "eu-nl",
        "reject",
        "--no-wait",
        img::UBUNTU,
    ]));
    submit.code(0);
    let job = submit.stdout.trim().to_string();
    let unknown = "ff8080814dbd65d7014dbe0d84db0013";
    let w = run(f.bare().args([
        "--profile",
        "good",
        "--region",
        "eu-de,eu-nl",
        "wait",
        &job,
        unknown,
        "-o",
        "json",
    ]));
    w.code(1);
    let doc: Value = serde_json::from_str(&w.stdout).unwrap();
    let targets = doc["targets"].as_array().unwrap();
    // The two targets the flags name, no third one for the journal's record.
    let labels: Vec<String> = targets.iter().map(target_of).collect();
    assert_eq!(labels, ["good/eu-de/eu-de", "good/eu-nl/eu-nl"]);
    let found = |t: &Value| {
        t["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["job_id"] == job.as_str() && j["status"] == "success")
    };
    assert!(!found(&targets[0]) && found(&targets[1]), "{}", w.stdout);
}

#[test]
fn the_sandbox_names_every_account_flag_it_does_not_use() {
    let f = Fixture::new();
    let r = run(f.bare().args([
        "--sandbox",
        "--endpoint",
        "http://127.0.0.1:9",
        "--os-cloud",
        "lab",
        "status",
        "--member-status",
        "accepted",
    ]));
    r.code(0);
    assert!(
        r.stderr
            .contains("--sandbox has an account of its own: --endpoint, --os-cloud are not used"),
        "{}",
        r.stderr
    );
}
