//! accept / reject in batch mode, wait and status --job.

use crate::common::*;
use ims_share::emulator::seed::images as img;
use ims_share::emulator::{Knobs, seed};
use std::time::Duration;

const THREE: [&str; 3] = [img::UBUNTU, img::RHEL, img::WINDOWS];

#[test]
fn accept_three_ids_is_one_signed_batch_put_then_the_job() {
    let f = Fixture::new();
    let r = run(f.cmd().args(["accept", "-o", "json"]).args(THREE));
    r.code(0);
    let out: ChangeOut = r.json();
    assert_eq!(out.images.len(), 3);
    for id in THREE {
        let i = out.image(id);
        assert_eq!(i.status, "accepted");
        assert!(i.error.is_none());
        assert!(is_job_id(i.job_id.as_deref().unwrap()));
        assert_eq!(f.member_status(id), "accepted");
    }
    assert_eq!(out.jobs.len(), 1);
    assert_eq!(out.jobs[0].status, "success");

    let puts = f.writes();
    assert_eq!(puts.len(), 1, "one batch PUT");
    let put = &puts[0];
    assert_eq!(put.path, "/v1/cloudimages/members");
    assert!(put.header("authorization").unwrap().starts_with("SDK-HMAC-SHA256 Access=SANDBOX0ACCESS0KEY01, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature="));
    assert_eq!(put.header("x-project-id"), Some(ME));
    assert_eq!(put.header("accept"), Some("application/json"));
    let body = put.body_json();
    assert_eq!(body["images"], serde_json::json!(THREE));
    assert_eq!(body["project_id"], ME);
    assert_eq!(body["status"], "accepted");
    assert!(body.get("vault_id").is_none());
    let polls: Vec<_> = f
        .requests()
        .into_iter()
        .filter(|q| q.method == "GET" && q.path == format!("/v1/{ME}/jobs/{}", out.jobs[0].job_id))
        .collect();
    assert!(!polls.is_empty());
    assert!(
        r.stderr.contains(&format!(
            "submitted job {0}; resume with: ims-share wait {0}",
            out.jobs[0].job_id
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn accept_plain_and_table_outputs() {
    let f = Fixture::new();
    let r = run(f.cmd().args(["accept", "-o", "plain"]).args(THREE));
    r.code(0);
    let lines: Vec<Vec<&str>> = r.stdout.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), 3);
    for (line, id) in lines.iter().zip(THREE) {
        assert_eq!(
            line.len(),
            5,
            "image_id status job_id error_code error_message"
        );
        assert_eq!(line[0], id);
        assert_eq!(line[1], "accepted");
        assert!(is_job_id(line[2]));
        assert_eq!(line[3], "");
    }
    let g = Fixture::new();
    let t = run(g.cmd().args(["accept", "-o", "table"]).args(THREE));
    t.code(0);
    assert!(
        t.stdout.contains("IMAGE") && t.stdout.contains("STATUS"),
        "{}",
        t.stdout
    );
    assert_eq!(t.stdout.matches("accepted").count(), 3, "{}", t.stdout);
    assert!(
        !t.stdout.contains('\u{1b}'),
        "no colour when not a terminal"
    );
}

#[test]
fn reject_three_ids() {
    let f = Fixture::new();
    let r = run(f.cmd().args(["reject", "--json"]).args(THREE));
    r.code(0);
    let out: ChangeOut = r.json();
    for id in THREE {
        assert_eq!(out.image(id).status, "rejected");
        assert_eq!(f.member_status(id), "rejected");
    }
    assert_eq!(f.writes()[0].body_json()["status"], "rejected");
}

#[test]
fn a_failing_job_is_exit_1_with_its_reason() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .args(["accept", "--json", img::UBUNTU, img::CENTOS_FAILS]));
    r.code(1);
    let out: ChangeOut = r.json();
    assert_eq!(out.image(img::UBUNTU).status, "accepted");
    let failed = out.image(img::CENTOS_FAILS);
    assert_eq!(failed.status, "failed");
    let e = failed.error.as_ref().unwrap();
    assert_eq!(e.code, "IMG.0046");
    assert!(e.message.contains("unavailable"), "{}", e.message);
    assert_eq!(out.jobs[0].status, "failed");
    assert!(r.stderr.contains("failed: IMG.0046"), "{}", r.stderr);
}

#[test]
fn no_wait_plain_prints_only_the_job_id_and_wait_finishes_it() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .args(["accept", "--no-wait", "-o", "plain"])
        .args(THREE));
    r.code(0);
    let job = r.stdout.trim_end_matches('\n');
    assert!(is_job_id(job), "{:?}", r.stdout);
    assert_eq!(r.stdout, format!("{job}\n"));
    let w = run(f.cmd().args(["wait", "--json", job]));
    w.code(0);
    let jobs: JobsOut = w.json();
    assert_eq!(jobs.jobs[0].job_id, job);
    assert_eq!(jobs.jobs[0].status, "success");
    assert_eq!(
        jobs.jobs[0].job_type.as_deref(),
        Some("imsUpdateImageMembersJob")
    );
    assert!(jobs.jobs[0].begin_time.is_some() && jobs.jobs[0].end_time.is_some());
    assert_eq!(jobs.jobs[0].images.len(), 3);
    assert!(jobs.jobs[0].images.iter().all(|i| i.status == "success"));
    let mut in_job: Vec<&str> = jobs.jobs[0]
        .images
        .iter()
        .map(|i| i.image_id.as_str())
        .collect();
    in_job.sort();
    let mut want = THREE.to_vec();
    want.sort();
    assert_eq!(in_job, want);
    for id in THREE {
        assert_eq!(f.member_status(id), "accepted");
    }
}

#[test]
fn wait_past_its_timeout_is_exit_4_with_the_job_id() {
    let f = Fixture::with(
        seeded(),
        Knobs {
            job_duration: Some(Duration::from_secs(3600)),
            ..Knobs::default()
        },
    );
    let r = run(f.cmd().args(["accept", "--no-wait", img::UBUNTU]));
    r.code(0);
    let job = r.stdout.trim().to_string();
    let w = run(f
        .cmd()
        .args(["wait", "--timeout", "1s", "-o", "json", &job]));
    w.code(4);
    assert!(
        w.stderr
            .contains(&format!("resume with: ims-share wait {job}")),
        "{}",
        w.stderr
    );
    let jobs: JobsOut = w.json();
    assert!(matches!(jobs.jobs[0].status.as_str(), "running" | "init"));
    assert_eq!(jobs.jobs[0].end_time, None, "an empty end_time is null");
}

#[test]
fn accept_past_its_timeout_reports_submitted_and_exit_4() {
    let f = Fixture::with(
        seeded(),
        Knobs {
            job_duration: Some(Duration::from_secs(3600)),
            ..Knobs::default()
        },
    );
    let r = run(f
        .cmd()
        .args(["accept", "--timeout", "700ms", "--json", img::UBUNTU]));
    r.code(4);
    let out: ChangeOut = r.json();
    assert_eq!(out.image(img::UBUNTU).status, "submitted");
    assert!(
        r.stderr.contains("resume with: ims-share wait"),
        "{}",
        r.stderr
    );
}

#[test]
fn malformed_ids_are_exit_2_and_nothing_is_sent() {
    let f = Fixture::new();
    // Turn 2: a word that is not an id is a name, looked up among the images shared with
    // you; unknown names are exit 2 too, and nothing is changed.
    let r = run(f.cmd().args(["accept", img::UBUNTU, "not-an-id", "12345"]));
    r.code(2);
    assert!(
        r.stderr.contains("'not-an-id'") && r.stderr.contains("'12345'"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    assert!(f.writes().is_empty(), "nothing was written");
    // A broken id is refused before anything is sent.
    let g = Fixture::new();
    let r = run(g
        .cmd()
        .args(["accept", img::UBUNTU, "d164b5df-1bc3-4c3f-893e-3e471fd16e6"]));
    r.code(2);
    assert!(g.requests().is_empty(), "the emulator received nothing");
}

#[test]
fn duplicates_are_removed_not_refused() {
    let f = Fixture::new();
    let upper = img::UBUNTU.to_uppercase();
    let r = run(f
        .cmd()
        .args(["accept", "--json", img::UBUNTU, &upper, img::UBUNTU]));
    r.code(0);
    let out: ChangeOut = r.json();
    assert_eq!(out.images.len(), 1);
    assert_eq!(
        f.writes()[0].body_json()["images"],
        serde_json::json!([img::UBUNTU])
    );
}

#[test]
fn a_wrong_secret_key_is_exit_3_after_one_request() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .env("HUAWEICLOUD_SDK_SK", "wrong-secret")
        .args(["accept", "--concurrency", "8", "--batch-size", "1"])
        .args(THREE));
    r.code(3);
    assert!(r.stderr.contains("APIGW.0301"), "{}", r.stderr);
    assert!(r.stderr.contains("request id "), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "stdout stays empty on exit 3");
    assert_eq!(
        f.requests().len(),
        1,
        "a refused signature is never retried nor fanned out"
    );
    assert!(!r.stderr.contains("wrong-secret"));
}

#[test]
fn an_unknown_image_fails_its_job_entry_with_the_img_code() {
    let f = Fixture::new();
    let unknown = "00000000-0000-4000-8000-000000000000";
    let r = run(f.cmd().args(["accept", "--json", img::UBUNTU, unknown]));
    r.code(1);
    let out: ChangeOut = r.json();
    assert_eq!(out.image(img::UBUNTU).status, "accepted");
    assert_eq!(out.image(unknown).error.as_ref().unwrap().code, "IMG.0027");
}

#[test]
fn wait_on_an_unknown_job_is_exit_1_with_the_img_code() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .args(["wait", "--json", "ffffffffffffffffffffffffffffffff"]));
    r.code(1);
    let jobs: JobsOut = r.json();
    // PRODUCT.md, turn 2: a job that does not exist is `not_found`, not `failed`.
    assert_eq!(jobs.jobs[0].status, "not_found");
    assert!(r.stderr.contains("not found"), "{}", r.stderr);
    assert_eq!(jobs.jobs[0].error_code.as_deref(), Some("IMG.0003"));
    assert!(r.stderr.contains("IMG.0003"), "{}", r.stderr);
}

#[test]
fn status_job_looks_once_and_never_times_out() {
    let f = Fixture::with(
        seeded(),
        Knobs {
            job_duration: Some(Duration::from_secs(3600)),
            ..Knobs::default()
        },
    );
    let job = run(f.cmd().args(["accept", "--no-wait", img::UBUNTU]))
        .stdout
        .trim()
        .to_string();
    let r = run(f.cmd().args(["status", "-o", "plain", "--job", &job]));
    r.code(0);
    let cols: Vec<&str> = r.stdout.trim_end_matches('\n').split('\t').collect();
    assert_eq!(
        cols.len(),
        7,
        "job_id status job_type begin_time end_time error_code fail_reason"
    );
    assert_eq!(cols[0], job);
    assert!(matches!(cols[1], "init" | "running"));
}

#[test]
fn status_job_of_a_failed_job_is_exit_1() {
    let f = Fixture::new();
    let job = run(f.cmd().args(["accept", "--no-wait", img::CENTOS_FAILS]))
        .stdout
        .trim()
        .to_string();
    run(f.cmd().args(["wait", &job])).code(1);
    let r = run(f.cmd().args(["status", "--json", "--job", &job]));
    r.code(1);
    let jobs: JobsOut = r.json();
    assert_eq!(jobs.jobs[0].error_code.as_deref(), Some("IMG.0046"));
    assert!(jobs.jobs[0].fail_reason.is_some());
}

#[test]
fn chunks_follow_batch_size_and_are_waited_for_together() {
    let (state, ids) = many_pending(5);
    let f = Fixture::with(state, Knobs::default());
    let r = run(f
        .cmd()
        .args(["accept", "--batch-size", "2", "--json"])
        .args(&ids));
    r.code(0);
    let out: ChangeOut = r.json();
    assert_eq!(out.jobs.len(), 3);
    let sizes: Vec<usize> = f
        .writes()
        .iter()
        .map(|w| w.body_json()["images"].as_array().unwrap().len())
        .collect();
    let mut sorted = sizes.clone();
    sorted.sort();
    assert_eq!(sorted, vec![1, 2, 2]);
    assert!(out.images.iter().all(|i| i.status == "accepted"));
}

#[test]
fn a_chunk_refused_whole_is_split_until_the_culprit_stands_alone() {
    // A service whose listing does not mark full-ECS images and whose refusal does not name
    // the image: only halving finds it.
    let mut state = seeded();
    state.settings.mark_whole_images = false;
    state.settings.vault_error_names_image = false;
    let f = Fixture::with(state, Knobs::default());
    let ids = [img::UBUNTU, img::RHEL, img::POSTGRES_FULL_ECS, img::WINDOWS];
    let r = run(f.cmd().args(["accept", "--json"]).args(ids));
    r.code(1);
    let out: ChangeOut = r.json();
    let bad = out.image(img::POSTGRES_FULL_ECS);
    assert_eq!(bad.status, "failed");
    assert_eq!(bad.error.as_ref().unwrap().code, "IMG.0001");
    assert!(bad.error.as_ref().unwrap().message.contains("vault_id"));
    for id in [img::UBUNTU, img::RHEL, img::WINDOWS] {
        assert_eq!(out.image(id).status, "accepted", "{id}");
    }
    // 4 refused, then halves of 2: one accepted, one refused, then 1 + 1.
    assert_eq!(f.writes().len(), 5);
}

#[test]
fn a_static_token_is_sent_as_x_auth_token() {
    let f = Fixture::new();
    let r = run(f
        .bare()
        .env("IMS_SHARE_ENDPOINT", f.url())
        .env("OS_TOKEN", seed::TOKEN)
        .env("OS_PROJECT_ID", ME)
        .args(["accept", "--json", img::UBUNTU]));
    r.code(0);
    let put = &f.writes()[0];
    assert_eq!(put.header("x-auth-token"), Some(seed::TOKEN));
    assert_eq!(put.header("x-project-id"), Some(ME));
    assert!(put.header("authorization").is_none());
}

#[test]
fn accepting_twice_is_safe() {
    let f = Fixture::new();
    run(f.cmd().args(["accept", img::UBUNTU])).code(0);
    let again = run(f.cmd().args(["accept", "--json", img::UBUNTU]));
    again.code(0);
    let out: ChangeOut = again.json();
    assert_eq!(out.image(img::UBUNTU).status, "accepted");
}
