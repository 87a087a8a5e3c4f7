//! The emulator answers like the real Glance 33 recorded in ../shared/api (one test per row of
//! the "Real Glance 33 behaviour" table of its README), plus the IMS gateway's checks.

use crate::common::*;
use ims_share::emulator::seed::images as img;
use ims_share::emulator::state::StaticToken;
use ims_share::emulator::{Knobs, seed};
use serde_json::Value;

const OWNER_TOKEN: &str = "MIIowner-token-0001";

fn fixture() -> Fixture {
    let mut s = seeded();
    s.static_tokens.push(StaticToken {
        token: OWNER_TOKEN.into(),
        project_id: OTHER.into(),
    });
    Fixture::with(s, Knobs::default())
}

struct Answer {
    status: u16,
    body: Value,
    text: String,
}

fn call(f: &Fixture, method: &str, path: &str, body: Option<&str>, token: Option<&str>) -> Answer {
    let client = client();
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = client
        .request(method, format!("{}{path}", f.url()))
        .header("Accept", "application/json");
    if let Some(t) = token {
        req = req.header("X-Auth-Token", t);
    }
    if let Some(b) = body {
        req = req
            .header("Content-Type", "application/json")
            .body(b.to_string());
    }
    let resp = req.send().unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().unwrap();
    Answer {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        text,
    }
}

fn client() -> reqwest::blocking::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
}

fn member_path(image: &str) -> String {
    format!("/v2/images/{image}/members/{ME}")
}

fn me(f: &Fixture, method: &str, path: &str, body: Option<&str>) -> Answer {
    call(f, method, path, body, Some(seed::TOKEN))
}

fn glance_message(a: &Answer) -> String {
    a.body["message"].as_str().unwrap_or_default().to_string()
}

#[test]
fn member_put_accepted_rejected_pending_answers_the_member() {
    let f = fixture();
    for status in ["accepted", "rejected", "pending"] {
        let a = me(
            &f,
            "PUT",
            &member_path(img::UBUNTU),
            Some(&format!("{{\"status\":\"{status}\"}}")),
        );
        assert_eq!(a.status, 200);
        for key in [
            "member_id",
            "image_id",
            "status",
            "created_at",
            "updated_at",
            "schema",
        ] {
            assert!(a.body.get(key).is_some(), "{key} in {}", a.text);
        }
        assert_eq!(a.body["status"], status);
        assert_eq!(a.body["schema"], "/v2/schemas/member");
    }
}

#[test]
fn the_same_status_again_is_idempotent() {
    let f = fixture();
    let body = Some("{\"status\":\"accepted\"}");
    assert_eq!(me(&f, "PUT", &member_path(img::RHEL), body).status, 200);
    let again = me(&f, "PUT", &member_path(img::RHEL), body);
    assert_eq!(again.status, 200);
    assert_eq!(again.body["status"], "accepted");
}

#[test]
fn invalid_status_values_are_400() {
    let f = fixture();
    for body in [
        "{\"status\":\"approved\"}",
        "{\"status\":\"ACCEPTED\"}",
        "{\"status\":1}",
    ] {
        let a = me(&f, "PUT", &member_path(img::UBUNTU), Some(body));
        assert_eq!(a.status, 400, "{body}");
        assert!(
            glance_message(&a).starts_with(
                "Incorrect request: Status must be \"pending\", \"accepted\" or \"rejected\"."
            ),
            "{}",
            a.text
        );
        assert_eq!(a.body["code"], "400 Bad Request");
        assert_eq!(a.body["title"], "Bad Request");
        assert!(
            glance_message(&a).contains("<br /><br />"),
            "the real noise is there"
        );
    }
}

#[test]
fn missing_status_malformed_and_empty_bodies_are_400() {
    let f = fixture();
    for (body, message) in [
        ("{\"other\":1}", "Status not specified"),
        ("{not json", "Malformed JSON in request body."),
        ("", "Body expected in request."),
    ] {
        let a = me(&f, "PUT", &member_path(img::UBUNTU), Some(body));
        assert_eq!(a.status, 400, "{body:?}");
        assert!(glance_message(&a).starts_with(message), "{}", a.text);
    }
}

#[test]
fn an_unknown_image_is_404() {
    let f = fixture();
    let unknown = "00000000-0000-4000-8000-000000000000";
    let a = me(
        &f,
        "PUT",
        &member_path(unknown),
        Some("{\"status\":\"accepted\"}"),
    );
    assert_eq!(a.status, 404);
    assert!(glance_message(&a).starts_with(&format!("Image {unknown} not found.")));
    let g = me(&f, "GET", &member_path(unknown), None);
    assert_eq!(g.status, 404);
}

#[test]
fn another_member_id_or_not_a_member_is_404() {
    let f = fixture();
    let other_member = format!("/v2/images/{}/members/{OTHER}", img::UBUNTU);
    let a = me(&f, "PUT", &other_member, Some("{\"status\":\"accepted\"}"));
    assert_eq!(a.status, 404);
    assert!(
        glance_message(&a).starts_with(&format!(
            "{OTHER} not found in the member list of the image {}.",
            img::UBUNTU
        )),
        "{}",
        a.text
    );
    let g = me(&f, "GET", &other_member, None);
    assert_eq!(g.status, 404);
}

#[test]
fn the_owner_may_not_change_a_members_status() {
    let f = fixture();
    let a = call(
        &f,
        "PUT",
        &member_path(img::UBUNTU),
        Some("{\"status\":\"accepted\"}"),
        Some(OWNER_TOKEN),
    );
    assert_eq!(a.status, 403);
    assert!(
        glance_message(&a).starts_with("You are not authorized to complete modify_member action.")
    );
}

#[test]
fn no_credentials_is_401() {
    let f = fixture();
    assert_eq!(
        call(&f, "GET", &member_path(img::UBUNTU), None, None).status,
        401
    );
    assert_eq!(
        call(
            &f,
            "PUT",
            &member_path(img::UBUNTU),
            Some("{\"status\":\"accepted\"}"),
            None
        )
        .status,
        401
    );
}

fn listed(a: &Answer) -> Vec<String> {
    a.body["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn visibility_shared_defaults_to_accepted() {
    let f = fixture();
    let a = me(&f, "GET", "/v2/images?visibility=shared", None);
    assert_eq!(a.status, 200);
    let ids = listed(&a);
    assert!(ids.contains(&img::NGINX_ACCEPTED.to_string()));
    assert!(
        !ids.contains(&img::UBUNTU.to_string()),
        "pending images are not in the default listing"
    );
}

#[test]
fn member_status_selects_the_shared_images_in_that_state() {
    let f = fixture();
    let get = |q: &str| listed(&me(&f, "GET", &format!("/v2/images?{q}"), None));
    let pending = get("visibility=shared&member_status=pending");
    assert!(
        pending.contains(&img::UBUNTU.to_string())
            && !pending.contains(&img::NGINX_ACCEPTED.to_string())
    );
    let rejected = get("visibility=shared&member_status=rejected");
    assert!(
        rejected.contains(&img::TEST_REJECTED.to_string())
            && !rejected.contains(&img::UBUNTU.to_string())
    );
    // Images you own and share show in every shared listing (ims-share leaves them out).
    assert!(rejected.contains(&img::OWN_APP.to_string()));
    let all = get("visibility=shared&member_status=all");
    for id in [img::UBUNTU, img::NGINX_ACCEPTED, img::TEST_REJECTED] {
        assert!(all.contains(&id.to_string()), "{id}");
    }
    // Without visibility=shared the listing also holds your own images.
    assert!(get("member_status=accepted").contains(&img::OWN_APP.to_string()));
}

#[test]
fn a_bogus_member_status_is_400() {
    let f = fixture();
    let a = me(
        &f,
        "GET",
        "/v2/images?visibility=shared&member_status=bogus",
        None,
    );
    assert_eq!(a.status, 400);
    assert!(glance_message(&a).starts_with("Invalid status: bogus"));
    let v = me(&f, "GET", "/v2/images?visibility=bogus", None);
    assert_eq!(v.status, 400);
    assert!(glance_message(&v).starts_with("Invalid visibility value: bogus"));
}

#[test]
fn a_full_page_carries_next_even_when_nothing_follows() {
    let (state, _) = many_pending(4);
    let f = Fixture::with(state, Knobs::default());
    let first = me(
        &f,
        "GET",
        "/v2/images?visibility=shared&member_status=pending&limit=2",
        None,
    );
    let next = first.body["next"].as_str().unwrap().to_string();
    assert!(
        next.starts_with("/v2/images?visibility=shared&member_status=pending&limit=2&marker="),
        "{next}"
    );
    let second = me(&f, "GET", &next, None);
    assert_eq!(listed(&second).len(), 2);
    let third_link = second.body["next"]
        .as_str()
        .expect("a full page has next")
        .to_string();
    let third = me(&f, "GET", &third_link, None);
    assert!(
        listed(&third).is_empty(),
        "the page after the last full one is empty"
    );
    assert!(third.body.get("next").is_none());
}

#[test]
fn unknown_query_parameters_filter_on_properties() {
    let f = fixture();
    let a = me(
        &f,
        "GET",
        "/v2/images?visibility=shared&member_status=all&unknown_prop=x",
        None,
    );
    assert_eq!(a.status, 200);
    assert!(listed(&a).is_empty());
    let typed = me(
        &f,
        "GET",
        "/v2/images?visibility=shared&member_status=pending&__imagetype=shared",
        None,
    );
    assert!(
        !listed(&typed).contains(&img::CENTOS_FAILS.to_string()),
        "an untyped image drops out"
    );
}

#[test]
fn a_member_sees_only_its_own_entry() {
    let f = fixture();
    let a = me(
        &f,
        "GET",
        &format!("/v2/images/{}/members", img::UBUNTU),
        None,
    );
    assert_eq!(a.status, 200);
    let members = a.body["members"].as_array().unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0]["member_id"], ME);
}

#[test]
fn errors_are_html_unless_json_is_asked_for() {
    let f = fixture();
    let text = client()
        .get(format!("{}/v2/images?member_status=bogus", f.url()))
        .header("X-Auth-Token", seed::TOKEN)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(text.contains("<title>400 Bad Request</title>"), "{text}");
}

#[test]
fn the_gateway_checks_signatures_and_locks_after_five_failures() {
    let f = fixture();
    for _ in 0..5 {
        run(f.cmd().env("HUAWEICLOUD_SDK_SK", "bad").args([
            "status",
            "--member-status",
            "pending",
        ]))
        .code(3);
    }
    let locked = run(f.cmd().args(["status", "--member-status", "pending"]));
    locked.code(3);
    assert!(locked.stderr.contains("locked"), "{}", locked.stderr);
}
