//! What the emulator answers: one request in, one response out, dispatched by method and
//! path to the service that owns it, behind the gateway's authentication.
//!
//! Behaviour follows ../shared/api: the recorded Glance 33 answers (status codes, messages,
//! listing and paging semantics) and the API gateway's authentication checks, including the
//! lock-out after five bad signatures. A pure function of the state, the request and the clock.

use super::gateway::authenticate;
use super::http::{Ctx, HttpRequest, HttpResponse, apigw_error, glance_error};
use super::state::State;
use super::{glance, iam, ims};

/// Answers one request. The boolean says whether the state changed.
pub(crate) fn handle(state: &mut State, req: &HttpRequest, ctx: &Ctx<'_>) -> (HttpResponse, bool) {
    let mut changed = state.settle(ctx.now_ms);
    let segments: Vec<&str> = req.path.trim_end_matches('/').split('/').skip(1).collect();
    let method = req.method.as_str();
    let response = match (method, segments.as_slice()) {
        ("POST", ["v3", "auth", "tokens"]) => iam::login(state, req, ctx, &mut changed),
        (_, ["v3", "auth", "tokens"]) => method_not_allowed(req),
        (m, rest) => match authenticate(state, req, ctx, &mut changed) {
            Err(resp) => resp,
            Ok(caller) => match (m, rest) {
                ("PUT", ["v1", "cloudimages", "members"]) => {
                    ims::batch_update(state, req, ctx, &caller, &mut changed)
                }
                ("GET", ["v1", project, "jobs", job]) => {
                    ims::show_job(state, ctx, &caller, project, job)
                }
                ("GET", ["v2", "images"]) => {
                    // Glance's default order, newest first. Kept in the state itself, so the
                    // next page finds it already sorted (a linear check instead of a sort).
                    state
                        .images
                        .sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
                    glance::list_images(state, req, &caller)
                }
                ("GET", ["v2", "images", image, "members"]) => {
                    glance::list_members(state, req, &caller, image)
                }
                ("GET", ["v2", "images", image, "members", member]) => {
                    glance::show_member(state, req, &caller, image, member)
                }
                ("PUT", ["v2", "images", image, "members", member]) => {
                    glance::update_member(state, req, ctx, &caller, image, member, &mut changed)
                }
                ("GET", ["v3", "projects"]) => iam::list_projects(state, req, &caller),
                ("GET", ["v3", "auth", "projects"]) => iam::auth_projects(state, req, ctx, &caller),
                (_, ["v2", "images", _, "members", _]) | (_, ["v2", "images", _, "members"]) => {
                    method_not_allowed(req)
                }
                _ => apigw_error(
                    404,
                    "APIGW.0101",
                    "The API does not exist or has not been published in the environment",
                    ctx.request_id,
                ),
            },
        },
    };
    (response, changed)
}

pub(super) fn method_not_allowed(req: &HttpRequest) -> HttpResponse {
    glance_error(
        req,
        405,
        &format!(
            "The method {} is not allowed for this resource. ",
            req.method
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::signer;
    use crate::emulator::seed;
    use std::time::SystemTime;

    const NOW: u64 = 1_790_000_000_000;

    fn ctx() -> Ctx<'static> {
        Ctx {
            now_ms: NOW,
            base_url: "http://127.0.0.1:1",
            request_id: "req-1",
            token_uses: None,
            job_duration_ms: Some(1000),
        }
    }

    /// A request signed with the seeded account's keys, at the router's clock.
    fn signed(method: &str, path: &str, query: &str, body: &str) -> HttpRequest {
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(NOW);
        let date = signer::sdk_date(at);
        let mut headers = vec![
            ("host".to_string(), "127.0.0.1:1".to_string()),
            ("x-sdk-date".to_string(), date.clone()),
            ("x-project-id".to_string(), seed::PROJECT_ID.to_string()),
        ];
        if !body.is_empty() {
            headers.push(("content-type".into(), "application/json".into()));
        }
        let mut req = HttpRequest {
            method: method.into(),
            path: path.into(),
            raw_query: query.into(),
            headers: headers.clone(),
            body: body.as_bytes().to_vec(),
        };
        let query_pairs = req.query_pairs();
        let input = signer::SignInput {
            method,
            path,
            query: &query_pairs,
            headers: &headers,
            body: body.as_bytes(),
        };
        let auth = signer::authorization(seed::ACCESS_KEY, seed::SECRET_KEY, &date, &input);
        req.headers.push(("authorization".into(), auth));
        req.headers
            .push(("accept".into(), "application/json".into()));
        req
    }

    fn json(resp: &HttpResponse) -> serde_json::Value {
        serde_json::from_slice(&resp.body).unwrap()
    }

    #[test]
    fn unsigned_requests_are_refused_by_the_gateway() {
        let mut state = seed::account(NOW);
        let req = HttpRequest {
            method: "GET".into(),
            path: "/v2/images".into(),
            ..HttpRequest::default()
        };
        let (resp, _) = handle(&mut state, &req, &ctx());
        assert_eq!(resp.status, 401);
        assert_eq!(json(&resp)["error_code"], "APIGW.0301");
    }

    #[test]
    fn a_batch_update_makes_a_job_that_ends_with_the_clock() {
        let mut state = seed::account(NOW);
        let body = format!(
            r#"{{"images":["{}"],"project_id":"{}","status":"accepted"}}"#,
            seed::images::UBUNTU,
            seed::PROJECT_ID
        );
        let (resp, changed) = handle(
            &mut state,
            &signed("PUT", "/v1/cloudimages/members", "", &body),
            &ctx(),
        );
        assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
        assert!(changed);
        let job = json(&resp)["job_id"].as_str().unwrap().to_string();
        let path = format!("/v1/{}/jobs/{job}", seed::PROJECT_ID);
        let (running, _) = handle(&mut state, &signed("GET", &path, "", ""), &ctx());
        assert_eq!(json(&running)["status"], "INIT");
        let later = Ctx {
            now_ms: NOW + 2000,
            ..ctx()
        };
        let (done, _) = handle(&mut state, &signed("GET", &path, "", ""), &later);
        assert_eq!(json(&done)["status"], "SUCCESS");
        assert_eq!(
            state
                .member(seed::images::UBUNTU, seed::PROJECT_ID)
                .unwrap()
                .status,
            "accepted"
        );
    }

    #[test]
    fn the_listing_pages_with_next_links() {
        let mut state = seed::account(NOW);
        let (page, _) = handle(
            &mut state,
            &signed(
                "GET",
                "/v2/images",
                "limit=2&member_status=pending&visibility=shared",
                "",
            ),
            &ctx(),
        );
        let body = json(&page);
        assert_eq!(body["images"].as_array().unwrap().len(), 2);
        assert!(body["next"].as_str().unwrap().contains("marker="));
    }

    #[test]
    fn unknown_paths_and_methods() {
        let mut state = seed::account(NOW);
        let (resp, _) = handle(&mut state, &signed("GET", "/v9/nothing", "", ""), &ctx());
        assert_eq!(resp.status, 404);
        assert_eq!(json(&resp)["error_code"], "APIGW.0101");
        let path = format!(
            "/v2/images/{}/members/{}",
            seed::images::UBUNTU,
            seed::PROJECT_ID
        );
        let (resp, _) = handle(&mut state, &signed("DELETE", &path, "", ""), &ctx());
        assert_eq!(resp.status, 405);
    }
}
