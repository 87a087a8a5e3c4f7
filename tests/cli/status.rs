//! status: the listing of images shared with you, and your membership of given images.

use crate::common::*;
use ims_share::emulator::Knobs;
use ims_share::emulator::seed::images as img;

#[test]
fn status_lists_every_shared_image_with_its_member_status() {
    let f = Fixture::new();
    let r = run(f.cmd().args(["status", "--json"]));
    r.code(0);
    let out: ImagesOut = r.json();
    let find = |id: &str| out.images.iter().find(|i| i.image_id == id);
    assert_eq!(find(img::UBUNTU).unwrap().member_status, "pending");
    assert_eq!(find(img::NGINX_ACCEPTED).unwrap().member_status, "accepted");
    assert_eq!(find(img::TEST_REJECTED).unwrap().member_status, "rejected");
    assert!(find(img::POSTGRES_FULL_ECS).unwrap().whole_image);
    assert!(find(img::OWN_APP).is_none(), "images you own are left out");
    assert_eq!(out.images.len(), 8);
    let ubuntu = find(img::UBUNTU).unwrap();
    assert_eq!(
        ubuntu.name.as_deref(),
        Some("ubuntu-24.04-server-hardened-2026.11")
    );
    assert_eq!(ubuntu.owner.as_deref(), Some(OTHER));
    assert!(ubuntu.updated_at.is_some());
    let statuses: Vec<String> = f
        .requests()
        .iter()
        .filter(|q| q.path == "/v2/images")
        .map(|q| q.raw_query.clone())
        .collect();
    assert_eq!(
        statuses.len(),
        3,
        "one listing per member status: {statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|q| q.contains("visibility=shared") && !q.contains("member_status=all"))
    );
}

#[test]
fn status_plain_columns() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .args(["status", "--member-status", "accepted", "-o", "plain"]));
    r.code(0);
    assert_eq!(
        r.stdout.lines().collect::<Vec<_>>().len(),
        1,
        "{}",
        r.stdout
    );
    let cols: Vec<&str> = r.stdout.trim_end_matches('\n').split('\t').collect();
    assert_eq!(cols[0], img::NGINX_ACCEPTED);
    assert_eq!(cols[1], "nginx-1.27-base-2026.10");
    assert_eq!(cols[2], OTHER);
    assert_eq!(cols[3], "accepted");
    assert_eq!(cols.len(), 5);
}

#[test]
fn member_status_pending_narrows_to_one_listing() {
    let f = Fixture::new();
    let r = run(f
        .cmd()
        .args(["status", "--member-status", "pending", "--json"]));
    r.code(0);
    let out: ImagesOut = r.json();
    assert_eq!(out.images.len(), 6);
    assert!(out.images.iter().all(|i| i.member_status == "pending"));
    assert_eq!(f.requests().len(), 1);
}

#[test]
fn the_listing_follows_pages_to_the_end() {
    let (mut state, ids) = many_pending(250);
    state.settings.page_limit = 100;
    let f = Fixture::with(state, Knobs::default());
    let r = run(f
        .cmd()
        .args(["status", "--member-status", "pending", "--json"]));
    r.code(0);
    let out: ImagesOut = r.json();
    assert_eq!(out.images.len(), 250);
    let mut got: Vec<&str> = out.images.iter().map(|i| i.image_id.as_str()).collect();
    got.sort();
    let mut want: Vec<&str> = ids.iter().map(String::as_str).collect();
    want.sort();
    assert_eq!(got, want, "every image exactly once");
    let pages: Vec<_> = f
        .requests()
        .into_iter()
        .filter(|q| q.path == "/v2/images")
        .collect();
    assert_eq!(pages.len(), 3);
    assert!(pages[1].raw_query.contains("marker="));
}

#[test]
fn a_full_last_page_leads_to_an_empty_one() {
    let (mut state, _) = many_pending(200);
    state.settings.page_limit = 100;
    let f = Fixture::with(state, Knobs::default());
    let r = run(f
        .cmd()
        .args(["status", "--member-status", "pending", "--json"]));
    r.code(0);
    assert_eq!(r.json::<ImagesOut>().images.len(), 200);
    assert_eq!(f.requests().len(), 3, "two full pages, then the empty one");
}

#[test]
fn status_of_images_is_the_member_table() {
    let f = Fixture::new();
    let unknown = "00000000-0000-4000-8000-000000000000";
    let r = run(f.cmd().args([
        "status",
        "--json",
        img::NGINX_ACCEPTED,
        img::UBUNTU,
        unknown,
    ]));
    r.code(1);
    let out: MembersOut = r.json();
    assert_eq!(out.members.len(), 3);
    assert_eq!(out.members[0].image_id, img::NGINX_ACCEPTED);
    assert_eq!(out.members[0].member_id, ME);
    assert_eq!(out.members[0].status.as_deref(), Some("accepted"));
    assert!(out.members[0].created_at.is_some() && out.members[0].updated_at.is_some());
    assert_eq!(out.members[1].status.as_deref(), Some("pending"));
    assert!(out.members[2].status.is_none());
    assert_eq!(out.members[2].error.as_ref().unwrap().code, "HTTP 404");
    assert!(
        r.stderr.contains(&format!(
            "image {unknown}: GET /v2/images/{unknown}/members/{ME} failed: HTTP 404"
        )),
        "{}",
        r.stderr
    );
    let plain = run(f.cmd().args(["status", "-o", "plain", img::NGINX_ACCEPTED]));
    plain.code(0);
    let cols: Vec<&str> = plain.stdout.trim_end_matches('\n').split('\t').collect();
    assert_eq!(
        cols.len(),
        5,
        "image_id member_id status created_at updated_at"
    );
    assert_eq!(&cols[..3], &[img::NGINX_ACCEPTED, ME, "accepted"]);
}

#[test]
fn forbidden_flag_combinations() {
    let f = Fixture::new();
    for args in [
        vec![
            "status",
            img::UBUNTU,
            "--job",
            "ffffffffffffffffffffffffffffffff",
        ],
        vec!["status", "--member-status", "pending", img::UBUNTU],
        vec![
            "status",
            "--member-status",
            "pending",
            "--job",
            "ffffffffffffffffffffffffffffffff",
        ],
    ] {
        let r = run(f.cmd().args(&args));
        r.code(2);
    }
    assert!(f.requests().is_empty());
}
